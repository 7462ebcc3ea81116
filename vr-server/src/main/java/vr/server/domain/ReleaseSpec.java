package vr.server.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vr.common.model.Hashing;

/**
 * What a release is made of: a build (by its row id, since a pending build has no hash yet), the compiled
 * config and env, volumes, the user and the memory limits. Absent values are normalised ({@code {}},
 * {@code []}, run_as {@value Rules#DEFAULT_RUN_AS}, an empty limit null) so that equal releases have equal
 * specs and equal hashes.
 */
public record ReleaseSpec(long buildId, Map<String, Object> config, Map<String, Object> env,
    List<List<String>> volumes, String runAs, String memLimit, String memswLimit) {
  public ReleaseSpec {
    config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
    env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    volumes = volumes == null ? List.of() : List.copyOf(volumes);
    runAs = runAs == null || runAs.isEmpty() ? Rules.DEFAULT_RUN_AS : runAs;
    memLimit = memLimit == null || memLimit.isEmpty() ? null : memLimit;
    memswLimit = memswLimit == null || memswLimit.isEmpty() ? null : memswLimit;
  }

  /**
   * The release hash (8 hex digits) once the build has its hash: the original's {@code make_hash(build.hash,
   * config_yaml, env_yaml, volumes, run_as, mem_limit, memsw_limit)[:8]}.
   */
  public String hash(String buildHash) {
    if (buildHash == null || buildHash.isEmpty()) {
      throw new IllegalStateException("build " + buildId + " has no hash yet; a release is hashed once its build succeeded");
    }
    return Hashing.releaseHash(buildHash, config, env, volumes, runAs, memLimit, memswLimit);
  }
}
