package vr.server.records;

import static vr.server.api.rest.Field.bool;
import static vr.server.api.rest.Field.computed;
import static vr.server.api.rest.Field.integer;
import static vr.server.api.rest.Field.related;
import static vr.server.api.rest.Field.string;
import static vr.server.api.rest.Field.text;
import static vr.server.api.rest.Field.time;
import static vr.server.api.rest.Field.yamlList;
import static vr.server.api.rest.Field.yamlMap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import vr.server.api.ApiException;
import vr.server.api.rest.Field;
import vr.server.api.rest.Records;
import vr.server.api.rest.Registry;
import vr.server.api.rest.RenderContext;
import vr.server.api.rest.ResourceDef;
import vr.server.api.rest.RestResource;
import vr.server.api.rest.YamlValues;

/**
 * The platform's records as REST resources (reference 7.2 and 7.5): every field, filter, detail key and
 * computed value in one place.
 */
public final class Resources {
  private final Registry registry = new Registry();
  private final Map<String, RestResource> rest = new LinkedHashMap<>();
  private final Validation validation;
  private final ProcSource procs;

  public Resources(Validation validation, ProcSource procs) {
    this.validation = validation;
    this.procs = procs;
    define();
  }

  public Registry registry() {
    return registry;
  }

  public void bind(Map<String, RestResource> byName) {
    rest.putAll(byName);
  }

  private RestResource rest(String name) {
    return rest.get(name);
  }

  private void define() {
    registry.add(new ResourceDef("buildpacks", "buildpacks", "id", List.of(
        string("repo_url", 200, true, "where the buildpack's repository is"),
        string("repo_type", 10, false, "git or hg").withDefault("git"),
        text("desc", "description", "a description"),
        integer("order", "sort_order", 0, "detection order (lower first)")),
        List.of("repo_url", "repo_type"), "sort_order, id", "buildpacks, in detection order",
        new ResourceDef.Hooks() {
          @Override
          public void validate(Handle h, Map<String, Object> row, boolean creating) {
            validation.repoType(row.get("repo_type"));
          }
        }));

    registry.add(new ResourceDef("stacks", "stacks", "name", List.of(
        string("name", 200, true, "the stack's name"),
        text("desc", "description", "a description"),
        string("base_image_url", 200, false, "the base OS image its images are built from"),
        text("provisioning_script", "provisioning_script", "the script that provisions the base image")),
        List.of("id", "name"), "name", "stacks: a base image and a provisioning script",
        new ResourceDef.Hooks() {
          @Override
          public void validate(Handle h, Map<String, Object> row, boolean creating) {
            validation.name("name", row.get("name"));
          }
        }));

    registry.add(new ResourceDef("images", "os_images", "name", List.of(
        related("stack", "stacks", false, "the stack it was built for"),
        string("name", 200, true, "the image's name"),
        string("file", 200, false, "the stored image file").readOnlyField(),
        string("file_md5", 32, false, "its md5").readOnlyField(),
        string("base_image_url", 200, false, "the base image it was built from"),
        string("base_image_name", 200, false, "the base image's name"),
        string("provisioning_script_url", 200, false, "the provisioning script it was built with"),
        string("build_log", 200, false, "the stored build log").readOnlyField(),
        bool("active", false, "only active images are used for builds")),
        List.of("stack", "name", "active"), "id DESC", "OS images built for stacks (the active one is used)",
        new ResourceDef.Hooks() {
          @Override
          public void validate(Handle h, Map<String, Object> row, boolean creating) {
            validation.name("name", row.get("name"));
          }
        }));

    registry.add(new ResourceDef("apps", "apps", "name", List.of(
        string("name", 50, true, "the app's name: no '-', space or '/'"),
        string("repo_url", 200, true, "the app's repository"),
        string("repo_type", 10, false, "git or hg").withDefault("git"),
        related("buildpack", "buildpacks", false, "its buildpack; none: detected from all buildpacks"),
        related("stack", "stacks", false, "its stack"),
        computed("resolved_url", "repo_url with its scheme expanded by the [schemes] of ~/.hgrc")),
        List.of("id", "name", "buildpack", "stack"), "name", "apps",
        new ResourceDef.Hooks() {
          @Override
          public void validate(Handle h, Map<String, Object> row, boolean creating) {
            validation.appName(row.get("name"));
            validation.repoUrl(row.get("repo_url"));
            validation.repoType(row.get("repo_type"));
          }

          @Override
          public void decorate(Handle h, Map<String, Object> row, Map<String, Object> out, RenderContext rc) {
            out.put("resolved_url", validation.resolveUrl((String) row.get("repo_url")));
          }
        }));

    registry.add(new ResourceDef("builds", "builds", "id", List.of(
        related("app", "apps", true, "the app"),
        string("tag", 50, true, "the tag (version) built"),
        related("os_image", "images", false, "the OS image it was built on"),
        string("file", 200, false, "the stored build").readOnlyField(),
        string("file_md5", 32, false, "its md5").readOnlyField(),
        string("compile_log", 200, false, "the stored compile log").readOnlyField(),
        time("start_time", "start_time", "when it started"),
        time("end_time", "end_time", "when it ended"),
        string("status", 20, false, "pending, started, success, failed or expired").readOnlyField(),
        string("hash", 32, false, "make_hash(file_md5, image md5)").readOnlyField(),
        yamlMap("env_yaml", "env vars from the buildpack (its config_vars)").readOnlyField(),
        string("buildpack_url", 200, false, "the buildpack used").readOnlyField(),
        string("buildpack_version", 50, false, "its version").readOnlyField()),
        List.of("app", "tag", "status", "os_image"), "id DESC", "builds of an app at a tag",
        new ResourceDef.Hooks() {
          @Override
          public void validate(Handle h, Map<String, Object> row, boolean creating) {
            validation.tag("tag", row.get("tag"));
          }
        }));

    registry.add(new ResourceDef("releases", "releases", "id", List.of(
        related("build", "builds", true, "the build"),
        yamlMap("config_yaml", "the config (settings.yaml of the proc)"),
        yamlMap("env_yaml", "the environment"),
        yamlList("volumes", "[[host_dir, mountpoint], ...]"),
        string("hash", 32, false, "the release hash (8 hex digits)").readOnlyField(),
        string("run_as", 32, false, "the user procs run as").withDefault("nobody"),
        string("mem_limit", 32, false, "memory limit, e.g. 256M"),
        string("memsw_limit", 32, false, "memory+swap limit"),
        computed("compiled_name", "<app>-<tag>-<hash>")),
        List.of("build", "hash"), "id DESC", "releases: a build with its config, env and limits",
        new ResourceDef.Hooks() {
          @Override
          public void validate(Handle h, Map<String, Object> row, boolean creating) {
            validation.release(row);
          }

          @Override
          public void afterWrite(Handle h, long id, Map<String, Object> row, boolean creating) {
            h.createUpdate("UPDATE releases SET hash = NULL WHERE id = :r").bind("r", id).execute();
            ReleaseService.hashIfBuilt(h, id);
          }

          @Override
          public void decorate(Handle h, Map<String, Object> row, Map<String, Object> out, RenderContext rc) {
            Map<String, Object> b = Records.byId(h, "builds", ((Number) row.get("build_id")).longValue()).orElseThrow();
            String app = rc.<Map<Long, String>>memo("names:apps", k -> Records.names(h, "apps"))
                .get(((Number) b.get("app_id")).longValue());
            out.put("compiled_name", app + "-" + b.get("tag") + "-" + Objects.toString(row.get("hash"), ""));
          }
        }));

    registry.add(new ResourceDef("ingredients", "ingredients", "id", List.of(
        string("name", 50, true, "the ingredient's name"),
        yamlMap("config_yaml", "config merged into swarms that use it"),
        yamlMap("env_yaml", "env merged into swarms that use it"),
        computed("swarms", "URIs of the swarms that use it")),
        List.of("name"), "name", "config ingredients shared by swarms",
        new ResourceDef.Hooks() {
          @Override
          public void validate(Handle h, Map<String, Object> row, boolean creating) {
            validation.ingredientName(row.get("name"));
          }

          @Override
          public void decorate(Handle h, Map<String, Object> row, Map<String, Object> out, RenderContext rc) {
            List<String> uris = new ArrayList<>();
            h.createQuery("SELECT swarm_id FROM swarm_ingredients WHERE ingredient_id = :i ORDER BY swarm_id")
                .bind("i", row.get("id")).mapTo(Long.class).forEach(s -> uris.add("/api/v1/swarms/" + s + "/"));
            out.put("swarms", uris);
          }
        }));

    registry.add(new ResourceDef("squads", "squads", "name", List.of(
        string("name", 50, true, "the squad's name"),
        computed("hosts", "its hosts, as full objects")),
        List.of("id", "name"), "name", "squads: groups of identical hosts",
        new ResourceDef.Hooks() {
          @Override
          public void validate(Handle h, Map<String, Object> row, boolean creating) {
            validation.squadName(row.get("name"));
          }

          @Override
          public void decorate(Handle h, Map<String, Object> row, Map<String, Object> out, RenderContext rc) {
            List<Object> hosts = new ArrayList<>();
            for (Map<String, Object> hr : h.createQuery("SELECT * FROM hosts WHERE squad_id = :s ORDER BY name")
                .bind("s", row.get("id")).mapToMap().list()) {
              hosts.add(rest("hosts").render(h, hr, rc));
            }
            out.put("hosts", hosts);
          }
        }));

    registry.add(new ResourceDef("hosts", "hosts", "name", List.of(
        string("name", 200, true, "the host's name (reached over SSH by it)"),
        bool("active", true, "only active hosts get new procs"),
        related("squad", "squads", false, "its squad"),
        computed("procs_uri", "where its live procs are"),
        computed("procs", "its procs from the cache")),
        List.of("name", "active", "squad"), "name", "app hosts",
        new ResourceDef.Hooks() {
          @Override
          public void validate(Handle h, Map<String, Object> row, boolean creating) {
            validation.hostName(row.get("name"));
          }

          @Override
          public void decorate(Handle h, Map<String, Object> row, Map<String, Object> out, RenderContext rc) {
            String name = (String) row.get("name");
            out.put("procs_uri", "/api/v1/hosts/" + name + "/procs/");
            out.put("procs", rc.memo("procs:" + name, k -> procs.cached(name)));
          }
        }));

    registry.add(new ResourceDef("swarms", "swarms", "id", List.of(
        related("app", "apps", true, "the app"),
        related("release", "releases", false, "its current release (set through version)"),
        string("config_name", 50, true, "the config name: [A-Za-z0-9_]+"),
        string("proc_name", 50, true, "the proc (a Procfile line)"),
        related("squad", "squads", true, "the squad it runs on"),
        integer("size", "size", 1, "how many procs"),
        string("pool", 50, false, "the balancer pool (needs a balancer)"),
        string("balancer", 50, false, "a name from the BALANCERS setting"),
        yamlMap("config_yaml", "config over the ingredients'"),
        yamlMap("env_yaml", "env over the ingredients'"),
        yamlList("volumes", "[[host_dir, mountpoint], ...]"),
        string("run_as", 32, false, "the user procs run as").withDefault("nobody"),
        string("mem_limit", 32, false, "memory limit, e.g. 256M"),
        string("memsw_limit", 32, false, "memory+swap limit"),
        new Field("config_ingredients", Field.Kind.RELATED_MANY, null, false, false, null, 0, "ingredients",
            "ingredients merged into config and env, in name order"),
        Field.virtual("version", "the tag; setting it sets the release (a new build if needed)"),
        computed("shortname", "<app>-<tag>-<config_name>-<proc_name>"),
        computed("compiled_config", "the merged config"),
        computed("compiled_env", "the merged env"),
        computed("procs_uri", "where its procs are"),
        computed("procs", "its procs from the hosts' caches"),
        computed("app_name", "the app's name"),
        computed("squad_name", "the squad's name")),
        List.of("app", "squad", "proc_name", "config_name", "pool", "config_ingredients"), "id",
        "swarms: an app's proc at a version, N times across a squad",
        new SwarmHooks()));
    registry.join("swarms", "config_ingredients", new Registry.Join("swarm_ingredients", "swarm_id", "ingredient_id"));

    registry.add(new ResourceDef("testruns", "test_runs", "id", List.of(
        time("start", "start_time", "when it started"),
        time("end", "end_time", "when it ended"),
        computed("testresults", "its results, as full objects")),
        List.of(), "id DESC", "scheduled and on-demand uptest runs",
        new ResourceDef.Hooks() {
          @Override
          public void decorate(Handle h, Map<String, Object> row, Map<String, Object> out, RenderContext rc) {
            List<Object> results = new ArrayList<>();
            for (Map<String, Object> r : h.createQuery("SELECT * FROM test_results WHERE run_id = :r ORDER BY id")
                .bind("r", row.get("id")).mapToMap().list()) {
              results.add(rest("testresults").render(h, r, rc));
            }
            out.put("testresults", results);
          }
        }));

    registry.add(new ResourceDef("testresults", "test_results", "id", List.of(
        related("testrun", "testruns", true, "its run").readOnlyField(),
        time("time", "tested_at", "when it ran"),
        string("hostname", 200, true, "the host").readOnlyField(),
        string("procname", 200, true, "the proc").readOnlyField(),
        bool("passed", false, "all its uptests passed").readOnlyField(),
        integer("testcount", "testcount", 0, "how many uptests ran").readOnlyField(),
        text("results", "results", "the uptester's results (YAML)").readOnlyField()),
        List.of("testrun", "hostname", "procname", "passed"), "id DESC", "results of uptest runs", new ResourceDef.Hooks() {}));

    registry.add(new ResourceDef("logs", "deployment_log", "id", List.of(
        text("type", "action_type", "the action").readOnlyField(),
        time("time", "logged_at", "when"),
        text("user", "username", "who").readOnlyField(),
        text("message", "message", "what").readOnlyField()),
        List.of("type", "user", "message"), "logged_at DESC, id DESC", "the deployment log: every user action",
        new ResourceDef.Hooks() {}));
  }

  /** Resources that only the server writes (no POST/PUT/PATCH/DELETE through the API). */
  public static final Set<String> READ_ONLY = Set.of("testruns", "testresults", "logs");

  /** A swarm: validation (reference 7.2 SwarmForm), version → release, and its computed fields. */
  private final class SwarmHooks implements ResourceDef.Hooks {
    @Override
    public void validate(Handle h, Map<String, Object> row, boolean creating) {
      validation.swarm(row);
      Long app = (Long) asLong(row.get("app_id"));
      Long squad = (Long) asLong(row.get("squad_id"));
      Long self = (Long) asLong(row.get("id"));
      Long dup = h.createQuery("SELECT id FROM swarms WHERE app_id = :a AND config_name = :c AND squad_id = :s AND proc_name = :p")
          .bind("a", app).bind("c", row.get("config_name")).bind("s", squad).bind("p", row.get("proc_name"))
          .mapTo(Long.class).findFirst().orElse(null);
      if (dup != null && !dup.equals(self)) {
        throw ApiException.badField("config_name", "config_name: " + vr.server.domain.Rules.SWARM_EXISTS);
      }
    }

    @Override
    public void afterWrite(Handle h, long id, Map<String, Object> row, boolean creating) {
      // version (a tag) is applied after the ingredients are stored, so the release merges the final ones
      Object version = row.get("@version");
      if (version != null && !version.toString().isEmpty()) {
        validation.tag("version", version);
        long release = ReleaseService.currentRelease(h, row, ReleaseService.ingredients(h, id), version.toString());
        h.createUpdate("UPDATE swarms SET release_id = :r WHERE id = :s").bind("r", release).bind("s", id).execute();
      }
    }

    /** The page's releases, builds and ingredients, one query each (the join rows are the engine's). */
    @Override
    public void prefetch(Handle h, List<Map<String, Object>> rows, RenderContext rc) {
      List<Long> releaseIds = rows.stream().map(r -> r.get("release_id")).filter(Objects::nonNull)
          .map(v -> ((Number) v).longValue()).distinct().toList();
      java.util.Set<Long> buildIds = new java.util.LinkedHashSet<>();
      for (Map<String, Object> r : Records.byIds(h, "releases", releaseIds)) {
        rc.put("release:" + r.get("id"), r);
        buildIds.add(((Number) r.get("build_id")).longValue());
      }
      for (Map<String, Object> b : Records.byIds(h, "builds", new ArrayList<>(buildIds))) {
        rc.put("build:" + b.get("id"), b);
      }
      ingredientRows(h, rc);
    }

    @Override
    public void decorate(Handle h, Map<String, Object> row, Map<String, Object> out, RenderContext rc) {
      long id = ((Number) row.get("id")).longValue();
      Map<Long, String> apps = rc.memo("names:apps", k -> Records.names(h, "apps"));
      Map<Long, String> squads = rc.memo("names:squads", k -> Records.names(h, "squads"));
      String app = apps.get(((Number) row.get("app_id")).longValue());
      String squad = squads.get(((Number) row.get("squad_id")).longValue());
      Map<String, Object> release = row.get("release_id") == null ? null
          : rc.memo("release:" + row.get("release_id"), k -> Records.byId(h, "releases", ((Number) row.get("release_id")).longValue()).orElse(null));
      Map<String, Object> build = release == null ? null
          : rc.memo("build:" + release.get("build_id"), k -> Records.byId(h, "builds", ((Number) release.get("build_id")).longValue()).orElse(null));
      String version = build == null ? null : (String) build.get("tag");
      Map<Long, Map<String, Object>> allIngredients = ingredientRows(h, rc);
      List<Map<String, Object>> ingredients = new ArrayList<>();
      for (Long i : rest("swarms").joined(h, registry.def("swarms").field("config_ingredients").orElseThrow(), List.of(id), rc)
          .getOrDefault(id, List.of())) {
        ingredients.add(allIngredients.get(i));
      }
      out.put("version", version);
      out.put("shortname", app + "-" + (version == null ? "" : version) + "-" + row.get("config_name") + "-" + row.get("proc_name"));
      out.put("compiled_config", ReleaseService.compiledConfig(ingredients, row.get("config_yaml")));
      out.put("compiled_env", ReleaseService.compiledEnv(build == null ? null : build.get("env_yaml"), ingredients, row.get("env_yaml")));
      out.put("procs_uri", "/api/v1/swarms/" + id + "/procs/");
      out.put("procs", swarmProcs(h, row, app, rc));
      out.put("app_name", app);
      out.put("squad_name", squad);
    }
  }

  /** Every ingredient row by id, once per response (there are few; swarms share them). */
  private static Map<Long, Map<String, Object>> ingredientRows(Handle h, RenderContext rc) {
    return rc.memo("ingredients:all", k -> {
      Map<Long, Map<String, Object>> m = new LinkedHashMap<>();
      Records.rows(h, "SELECT * FROM ingredients", List.of()).forEach(r -> m.put(((Number) r.get("id")).longValue(), r));
      return m;
    });
  }

  /** A swarm's procs: those on its squad's hosts whose app, config and proc name match (any release). */
  public List<Map<String, Object>> swarmProcs(Handle h, Map<String, Object> swarm, String app, RenderContext rc) {
    List<String> hosts = rc.memo("squadhosts:" + swarm.get("squad_id"), k -> h.createQuery(
        "SELECT name FROM hosts WHERE squad_id = :s ORDER BY name").bind("s", swarm.get("squad_id")).mapTo(String.class).list());
    List<Map<String, Object>> out = new ArrayList<>();
    for (String host : hosts) {
      for (Map<String, Object> p : rc.<List<Map<String, Object>>>memo("procs:" + host, k -> procs.cached(host))) {
        if (Objects.equals(p.get("app_name"), app) && Objects.equals(p.get("config_name"), swarm.get("config_name"))
            && Objects.equals(p.get("proc_name"), swarm.get("proc_name"))) {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static Object asLong(Object v) {
    return v == null ? null : ((Number) v).longValue();
  }
}
