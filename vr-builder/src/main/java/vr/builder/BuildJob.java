package vr.builder;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of the build script: the host directories to mount and what to do.
 *
 * @param name a name for the container, unique on this host while the build runs
 * @param appName the app being built, for the container's bookkeeping
 * @param version the version being built
 * @param stack the OS image to run on
 * @param user the unprivileged user the script runs as
 * @param uid that user's id; {@code app} and {@code cacheRoot} belong to it
 * @param gid that user's group id
 * @param app the exported app (BUILD_DIR), owned by {@code user}
 * @param cacheRoot holds {@code buildpack_cache} (CACHE_DIR) and {@code meta} (the script's results)
 * @param buildpacks the exported buildpacks, in the order to try
 * @param detect whether to run {@code bin/detect} to choose among {@code buildpacks}
 * @param interactive a shell on the terminal instead of the build
 * @param script the build script on the host
 * @param out where the script's output goes (compile output included)
 */
public record BuildJob(String name, String appName, String version, Stack stack, String user, int uid, int gid, Path app,
    Path cacheRoot, List<Path> buildpacks, boolean detect, boolean interactive, Path script, OutputStream out) {

  public BuildJob {
    buildpacks = List.copyOf(buildpacks);
  }

  /** Where the app appears in the container: the same path it runs at later. */
  public static final String APP_INSIDE = "/app";
  /** Where {@link #cacheRoot} appears in the container. */
  public static final String CACHE_INSIDE = "/cache";
  /** Buildpack {@code i} (from 1) appears at {@code /buildpacks/<i>}. */
  public static final String BUILDPACKS_INSIDE = "/buildpacks";
  /** Where the script is placed in the container. */
  public static final String SCRIPT_INSIDE = "/vbuild-builder.sh";

  public Path buildpackCache() {
    return cacheRoot.resolve("buildpack_cache");
  }

  public Path meta() {
    return cacheRoot.resolve("meta");
  }

  /** The script's environment for the container layout above. */
  public Map<String, String> scriptEnv() {
    StringBuilder packs = new StringBuilder();
    for (int i = 1; i <= buildpacks.size(); i++) {
      packs.append(i > 1 ? ":" : "").append(BUILDPACKS_INSIDE).append('/').append(i);
    }
    return scriptEnv(APP_INSIDE, CACHE_INSIDE + "/buildpack_cache", CACHE_INSIDE + "/meta", packs.toString());
  }

  /** The script's environment for the given paths (a host-side test runs the script without a container). */
  public Map<String, String> scriptEnv(String appPath, String cachePath, String metaPath, String packs) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("VBUILD_MODE", interactive ? "shell" : "build");
    env.put("VBUILD_APP", appPath);
    env.put("VBUILD_CACHE", cachePath);
    env.put("VBUILD_META", metaPath);
    env.put("VBUILD_BUILDPACKS", packs);
    env.put("VBUILD_DETECT", detect ? "1" : "0");
    env.put("HOME", appPath);
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("LANG", "C.UTF-8");
    env.put("PORT", "0");
    return env;
  }
}
