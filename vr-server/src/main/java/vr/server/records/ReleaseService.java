package vr.server.records;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import vr.common.model.Hashing;
import vr.server.api.ApiException;
import vr.server.api.rest.YamlValues;

/**
 * A swarm's release for a tag (reference 7.4, {@code get_current_release}): the app's active OS image, the
 * current build of (app, image, tag) or a new pending one, config and env merged from the ingredients (in
 * name order) and the swarm, and an equal existing release reused rather than duplicated.
 */
public final class ReleaseService {
  private ReleaseService() {}

  /** The id of the newest active image of the app's stack; empty when the app has no stack. */
  public static Optional<Long> osImage(Handle h, long appId) {
    Long stack = h.createQuery("SELECT stack_id FROM apps WHERE id = :a").bind("a", appId).mapTo(Long.class).findFirst().orElse(null);
    if (stack == null) {
      return Optional.empty();
    }
    Optional<Long> img = h.createQuery("SELECT id FROM os_images WHERE stack_id = :s AND active = TRUE ORDER BY id DESC")
        .bind("s", stack).mapTo(Long.class).findFirst();
    if (img.isEmpty()) {
      String name = h.createQuery("SELECT name FROM stacks WHERE id = :s").bind("s", stack).mapTo(String.class).one();
      throw ApiException.badField("version", "version: Stack " + name + " has no active image.");
    }
    return img;
  }

  /** The newest build of (app, image, tag) that has not failed or expired, or a new pending one. */
  public static long currentBuild(Handle h, long appId, Long osImageId, String tag) {
    Optional<Long> b = h.createQuery("SELECT id FROM builds WHERE app_id = :a AND tag = :t AND "
            + (osImageId == null ? "os_image_id IS NULL" : "os_image_id = :i")
            + " AND status NOT IN ('failed', 'expired') ORDER BY id DESC")
        .bind("a", appId).bind("t", tag).bind("i", osImageId).mapTo(Long.class).findFirst();
    if (b.isPresent()) {
      return b.get();
    }
    return h.createUpdate("INSERT INTO builds (app_id, tag, os_image_id, status) VALUES (:a, :t, :i, 'pending')")
        .bind("a", appId).bind("t", tag).bind("i", osImageId).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  /** The ingredients' config then the swarm's, shallow, ingredients in name order. */
  public static Map<String, Object> compiledConfig(List<Map<String, Object>> ingredients, Object swarmConfigYaml) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map<String, Object> i : ingredients) {
      m.putAll(YamlValues.loadMap(i.get("config_yaml")));
    }
    m.putAll(YamlValues.loadMap(swarmConfigYaml));
    return m;
  }

  /** The build's env (buildpack config_vars), then the ingredients', then the swarm's. */
  public static Map<String, Object> compiledEnv(Object buildEnvYaml, List<Map<String, Object>> ingredients,
      Object swarmEnvYaml) {
    Map<String, Object> m = new LinkedHashMap<>(YamlValues.loadMap(buildEnvYaml));
    for (Map<String, Object> i : ingredients) {
      m.putAll(YamlValues.loadMap(i.get("env_yaml")));
    }
    m.putAll(YamlValues.loadMap(swarmEnvYaml));
    return m;
  }

  /** The ingredient rows of a swarm, in name order. */
  public static List<Map<String, Object>> ingredients(Handle h, long swarmId) {
    return h.createQuery("SELECT i.* FROM ingredients i JOIN swarm_ingredients j ON j.ingredient_id = i.id "
        + "WHERE j.swarm_id = :s ORDER BY i.name").bind("s", swarmId).mapToMap().list();
  }

  /**
   * The release for a swarm row (app_id, config/env/volumes/run_as/limits) at {@code tag}, given its
   * ingredients: reused when an equal one exists, else created (hashed when its build is done).
   */
  public static long currentRelease(Handle h, Map<String, Object> swarm, List<Map<String, Object>> ingredients, String tag) {
    long appId = ((Number) swarm.get("app_id")).longValue();
    Long image = osImage(h, appId).orElse(null);
    long buildId = currentBuild(h, appId, image, tag);
    Map<String, Object> build = h.createQuery("SELECT * FROM builds WHERE id = :b").bind("b", buildId).mapToMap().one();
    Map<String, Object> config = compiledConfig(ingredients, swarm.get("config_yaml"));
    Map<String, Object> env = compiledEnv(build.get("env_yaml"), ingredients, swarm.get("env_yaml"));
    List<Object> volumes = YamlValues.loadList(swarm.get("volumes"));
    String runAs = Objects.toString(swarm.get("run_as"), "nobody");
    Object mem = swarm.get("mem_limit");
    Object memsw = swarm.get("memsw_limit");
    List<Map<String, Object>> candidates = h.createQuery("SELECT * FROM releases WHERE build_id = :b AND run_as = :r AND "
            + "COALESCE(mem_limit, '') = :m AND COALESCE(memsw_limit, '') = :ms ORDER BY id DESC")
        .bind("b", buildId).bind("r", runAs).bind("m", Objects.toString(mem, "")).bind("ms", Objects.toString(memsw, ""))
        .mapToMap().list();
    for (Map<String, Object> r : candidates) {
      if (YamlValues.loadMap(r.get("config_yaml")).equals(config) && YamlValues.loadMap(r.get("env_yaml")).equals(env)
          && YamlValues.loadList(r.get("volumes")).equals(volumes)) {
        long id = ((Number) r.get("id")).longValue();
        if (r.get("hash") == null) {
          hashIfBuilt(h, id);
        }
        return id;
      }
    }
    long id = h.createUpdate("INSERT INTO releases (build_id, config_yaml, env_yaml, volumes, run_as, mem_limit, memsw_limit) "
            + "VALUES (:b, :c, :e, :v, :r, :m, :ms)")
        .bind("b", buildId).bind("c", YamlValues.store(config)).bind("e", YamlValues.store(env))
        .bind("v", YamlValues.storeList(volumes)).bind("r", runAs).bind("m", (String) mem).bind("ms", (String) memsw)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    hashIfBuilt(h, id);
    return id;
  }

  /**
   * Sets a release's hash when its build succeeded (reference 7.3). A build without {@code config_vars} hashes
   * like any other (the original's #101 left such releases unhashed and failed the deploy).
   */
  public static void hashIfBuilt(Handle h, long releaseId) {
    Map<String, Object> r = h.createQuery("SELECT * FROM releases WHERE id = :r").bind("r", releaseId).mapToMap().one();
    Map<String, Object> b = h.createQuery("SELECT * FROM builds WHERE id = :b").bind("b", r.get("build_id")).mapToMap().one();
    if (!"success".equals(b.get("status")) || b.get("hash") == null) {
      return;
    }
    String hash = Hashing.releaseHash((String) b.get("hash"), nullIfEmpty(YamlValues.loadMap(r.get("config_yaml"))),
        nullIfEmpty(YamlValues.loadMap(r.get("env_yaml"))), nullIfEmptyList(YamlValues.loadList(r.get("volumes"))),
        (String) r.get("run_as"), (String) r.get("mem_limit"), (String) r.get("memsw_limit"));
    h.createUpdate("UPDATE releases SET hash = :h WHERE id = :r").bind("h", hash).bind("r", releaseId).execute();
  }

  /** An empty YAML field is stored as "" and loads as None in the original, so it hashes as null. */
  private static Object nullIfEmpty(Map<String, Object> m) {
    return m.isEmpty() ? null : m;
  }

  private static Object nullIfEmptyList(List<Object> l) {
    return l.isEmpty() ? null : l;
  }

  /** Marks a build started now. */
  public static void start(Handle h, long buildId) {
    h.createUpdate("UPDATE builds SET status = 'started', start_time = :t WHERE id = :b")
        .bind("t", OffsetDateTime.now()).bind("b", buildId).execute();
  }
}
