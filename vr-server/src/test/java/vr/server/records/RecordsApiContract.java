package vr.server.records;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vr.common.model.Hashing;
import vr.server.TestServer;
import vr.server.api.Access;
import vr.server.api.Json;
import vr.server.api.Router;

/**
 * The records API as the original's client sees it (reference 7.5), run against H2 and PostgreSQL by its
 * subclasses: the same promises on both databases.
 */
abstract class RecordsApiContract {
  TestServer s;

  abstract String jdbcUrl() throws Exception;

  @BeforeEach
  void start() throws Exception {
    s = new TestServer(jdbcUrl(), ProcSource.NONE, java.util.List.of());
  }

  @AfterEach
  void stop() {
    s.close();
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r.body());
    }
  }

  HttpResponse<String> ok(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return r;
  }

  void squadWithApp() {
    ok(s.post("/api/v1/apps/", "{\"name\": \"web_app\", \"repo_url\": \"https://example.invalid/web.git\"}"), 201);
    ok(s.post("/api/v1/squads/", "{\"name\": \"front\"}"), 201);
  }

  @Test
  void createdObjectsAnswer201WithLocationAndAreListedInTheEnvelope() {
    HttpResponse<String> r = ok(s.post("/api/v1/apps/", "{\"name\": \"web_app\", \"repo_url\": \"https://example.invalid/web.git\"}"), 201);
    assertThat(r.headers().firstValue("Location")).contains("/api/v1/apps/web_app/");
    JsonNode app = json(ok(s.get("/api/v1/apps/web_app/"), 200));
    assertThat(app.get("repo_type").asText()).isEqualTo("git");
    assertThat(app.get("resource_uri").asText()).isEqualTo("/api/v1/apps/web_app/");
    JsonNode list = json(ok(s.get("/api/v1/apps/"), 200));
    assertThat(list.get("meta").get("total_count").asInt()).isEqualTo(1);
    assertThat(list.get("meta").get("limit").asInt()).isEqualTo(100);
    assertThat(list.get("meta").get("next").isNull()).isTrue();
    assertThat(list.get("objects").get(0).get("name").asText()).isEqualTo("web_app");
  }

  @Test
  void badFieldsAre400NamingTheFieldAndStoreNothing() {
    for (String[] c : new String[][] {
        {"/api/v1/apps/", "{\"name\": \"my-app\", \"repo_url\": \"x\"}", "name"},
        {"/api/v1/apps/", "{\"name\": \"my app\", \"repo_url\": \"x\"}", "name"},
        {"/api/v1/apps/", "{\"name\": \"ok\"}", "repo_url"},
        {"/api/v1/apps/", "{\"name\": \"ok\", \"repo_url\": \"x\", \"repo_type\": \"svn\"}", "repo_type"},
        {"/api/v1/apps/", "{\"name\": \"ok\", \"repo_url\": \"x\", \"colour\": 1}", "colour"},
        {"/api/v1/apps/", "{\"name\": \"ok\", \"repo_url\": \"x\", \"stack\": \"/api/v1/stacks/nope/\"}", "stack"},
        {"/api/v1/buildpacks/", "{\"repo_url\": \"x\", \"order\": \"first\"}", "order"},
        {"/api/v1/ingredients/", "{\"name\": \"big\", \"config_yaml\": {\"n\": 1234123412341234}}", "config_yaml"},
        {"/api/v1/ingredients/", "{\"name\": \"nest\", \"env_yaml\": {\"A\": {\"b\": 1}}}", "env_yaml"},
        {"/api/v1/ingredients/", "{\"name\": \"y\", \"config_yaml\": \"a: [\"}", "config_yaml"},
        {"/api/v1/hosts/", "{\"name\": \"bad host\"}", "name"},
    }) {
      HttpResponse<String> r = s.post(c[0], c[1]);
      assertThat(r.statusCode()).as(c[1] + " → " + r.body()).isEqualTo(400);
      assertThat(json(r).get("field").asText()).as(r.body()).isEqualTo(c[2]);
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
    assertThat(s.post("/api/v1/ingredients/", "{\"name\": \"big\", \"config_yaml\": {\"n\": 1234123412341234}}").body())
        .contains("int exceeds XML-RPC limits");
    for (String r : new String[] {"apps", "buildpacks", "ingredients", "hosts"}) {
      assertThat(json(s.get("/api/v1/" + r + "/")).get("meta").get("total_count").asInt()).as(r).isZero();
    }
    HttpResponse<String> notJson = s.post("/api/v1/apps/", "{name: ");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson).get("error").asText()).startsWith("the body is not JSON");
  }

  @Test
  void aDuplicateNameIsRefused() {
    squadWithApp();
    HttpResponse<String> r = s.post("/api/v1/apps/", "{\"name\": \"web_app\", \"repo_url\": \"x\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("already exists");
  }

  @Test
  void putIs204PatchIs202DeleteIs204ThenGone() {
    squadWithApp();
    ok(s.send("PUT", "/api/v1/apps/web_app/", "{\"repo_url\": \"https://example.invalid/other.git\"}", true), 204);
    JsonNode patched = json(ok(s.send("PATCH", "/api/v1/apps/web_app/", "{\"repo_type\": \"hg\"}", true), 202));
    assertThat(patched.get("repo_url").asText()).endsWith("other.git");
    assertThat(patched.get("repo_type").asText()).isEqualTo("hg");
    ok(s.send("DELETE", "/api/v1/apps/web_app/", null, true), 204);
    ok(s.get("/api/v1/apps/web_app/"), 404);
    ok(s.send("DELETE", "/api/v1/logs/1/", null, true), 405);
  }

  @Test
  void squadsShowTheirHostsAsFullObjectsAndFiltersWork() {
    squadWithApp();
    ok(s.post("/api/v1/hosts/", "{\"name\": \"h1.example\", \"squad\": \"/api/v1/squads/front/\"}"), 201);
    ok(s.post("/api/v1/hosts/", "{\"name\": \"h2.example\", \"squad\": \"front\", \"active\": false}"), 201);
    JsonNode squad = json(ok(s.get("/api/v1/squads/front/"), 200));
    assertThat(squad.get("hosts")).hasSize(2);
    assertThat(squad.get("hosts").get(0).get("procs_uri").asText()).isEqualTo("/api/v1/hosts/h1.example/procs/");
    assertThat(squad.get("hosts").get(0).get("squad").asText()).isEqualTo("/api/v1/squads/front/");
    assertThat(json(s.get("/api/v1/hosts/?active=false")).get("objects").get(0).get("name").asText()).isEqualTo("h2.example");
    assertThat(json(s.get("/api/v1/hosts/?squad__name=front")).get("meta").get("total_count").asInt()).isEqualTo(2);
    HttpResponse<String> bad = s.get("/api/v1/hosts/?colour=red");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).get("field").asText()).isEqualTo("colour");
  }

  /**
   * Lists are written straight to JSON (no maps in between), details through maps: each list must be the
   * envelope around its objects' detail bodies, byte for byte, for every resource and for a page with next
   * and previous.
   */
  @Test
  void everyListIsItsObjectsDetailsByteForByte() throws Exception {
    s.close();
    java.util.Map<String, Object> proc = new java.util.LinkedHashMap<>();
    proc.put("app_name", "web_app");
    proc.put("config_name", "prod");
    proc.put("proc_name", "web");
    proc.put("host", "h1.example");
    proc.put("port", 5000);
    proc.put("statename", "RUNNING");
    proc.put("now", java.util.List.of(1, 2.5, true));
    s = new TestServer(jdbcUrl(), host -> host.equals("h1.example") ? java.util.List.of(proc) : java.util.List.of(),
        java.util.List.of());
    squadWithApp();
    ok(s.post("/api/v1/buildpacks/", "{\"repo_url\": \"https://example.invalid/bp.git\", \"order\": 3}"), 201);
    ok(s.post("/api/v1/stacks/", "{\"name\": \"bookworm\", \"desc\": \"caf\u00e9 \\\"quoted\\\"\"}"), 201);
    ok(s.post("/api/v1/images/", "{\"name\": \"img1\", \"stack\": \"bookworm\"}"), 201);
    ok(s.post("/api/v1/hosts/", "{\"name\": \"h1.example\", \"squad\": \"front\"}"), 201);
    ok(s.post("/api/v1/hosts/", "{\"name\": \"h2.example\", \"squad\": \"front\", \"active\": false}"), 201);
    ok(s.post("/api/v1/ingredients/", "{\"name\": \"a_first\", \"config_yaml\": {\"db\": \"first\", \"n\": [1, 2]}, \"env_yaml\": {\"MODE\": \"prod\"}}"), 201);
    ok(s.post("/api/v1/ingredients/", "{\"name\": \"b_second\", \"config_yaml\": \"db: second\\nx: 2\\n\"}"), 201);
    for (String[] sw : new String[][] {{"prod", "web"}, {"prod", "worker"}, {"test", "web"}}) {
      ok(s.post("/api/v1/swarms/", "{\"app\": \"web_app\", \"squad\": \"front\", \"config_name\": \"" + sw[0]
          + "\", \"proc_name\": \"" + sw[1] + "\", \"version\": \"v1\", \"volumes\": [[\"/data\", \"/mnt\"]],"
          + " \"config_ingredients\": [\"/api/v1/ingredients/1/\", \"/api/v1/ingredients/2/\"], \"env_yaml\": {\"K\": \"\u00e9\"}}"), 201);
    }
    ok(s.post("/api/v1/swarms/", "{\"app\": \"web_app\", \"squad\": \"front\", \"config_name\": \"bare\", \"proc_name\": \"web\"}"), 201);
    s.db.jdbi().useHandle(h -> {
      h.execute("INSERT INTO test_runs (start_time, end_time) VALUES (CURRENT_TIMESTAMP, NULL)");
      h.execute("INSERT INTO test_results (run_id, tested_at, hostname, procname, passed, testcount, results) "
          + "VALUES (1, CURRENT_TIMESTAMP, 'h1.example', 'web_app-v1-prod-web-5000', TRUE, 2, 'ok: 2')");
    });
    for (String resource : java.util.List.of("buildpacks", "stacks", "images", "apps", "builds", "releases",
        "ingredients", "squads", "hosts", "swarms", "testruns", "testresults", "logs")) {
      String list = ok(s.get("/api/v1/" + resource + "/?limit=1000"), 200).body();
      JsonNode objects = json(s.get("/api/v1/" + resource + "/?limit=1000")).get("objects");
      assertThat(objects.size()).as(resource).isGreaterThan(0);
      StringBuilder expected = new StringBuilder("{\"meta\":").append(Json.write(meta(1000, null, 0, null, objects.size())))
          .append(",\"objects\":[");
      for (int i = 0; i < objects.size(); i++) {
        expected.append(i == 0 ? "" : ",").append(ok(s.get(objects.get(i).get("resource_uri").asText()), 200).body());
      }
      assertThat(list).as(resource).isEqualTo(expected.append("]}").toString());
    }
    assertThat(ok(s.get("/api/v1/swarms/?limit=1&offset=1"), 200).body()).isEqualTo("{\"meta\":"
        + Json.write(meta(1, "/api/v1/swarms/?limit=1&offset=2", 1, "/api/v1/swarms/?limit=1&offset=0", 4))
        + ",\"objects\":[" + ok(s.get("/api/v1/swarms/2/"), 200).body() + "]}");
    assertThat(ok(s.get("/api/v1/swarms/?config_name=prod&limit=1"), 200).body()).isEqualTo("{\"meta\":"
        + Json.write(meta(1, "/api/v1/swarms/?limit=1&offset=1&config_name=prod", 0, null, 2))
        + ",\"objects\":[" + ok(s.get("/api/v1/swarms/1/"), 200).body() + "]}");
  }

  private static java.util.Map<String, Object> meta(int limit, String next, int offset, String previous, long total) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("limit", limit);
    m.put("next", next);
    m.put("offset", offset);
    m.put("previous", previous);
    m.put("total_count", total);
    return m;
  }

  @Test
  void aSwarmsVersionMakesABuildAndAReleaseThatAreReusedWhenEqual() {
    squadWithApp();
    ok(s.post("/api/v1/ingredients/", "{\"name\": \"b_second\", \"config_yaml\": \"db: second\\nx: 2\\n\"}"), 201);
    ok(s.post("/api/v1/ingredients/", "{\"name\": \"a_first\", \"config_yaml\": {\"db\": \"first\", \"y\": 1}, \"env_yaml\": {\"MODE\": \"prod\"}}"), 201);
    HttpResponse<String> created = ok(s.post("/api/v1/swarms/", "{\"app\": \"/api/v1/apps/web_app/\", \"squad\": \"/api/v1/squads/front/\","
        + " \"config_name\": \"prod\", \"proc_name\": \"web\", \"size\": 2, \"version\": \"v1.0\","
        + " \"config_ingredients\": [\"/api/v1/ingredients/2/\", \"/api/v1/ingredients/1/\"], \"config_yaml\": {\"x\": 3}}"), 201);
    JsonNode swarm = json(created);
    assertThat(swarm.get("version").asText()).isEqualTo("v1.0");
    assertThat(swarm.get("shortname").asText()).isEqualTo("web_app-v1.0-prod-web");
    assertThat(swarm.get("compiled_config").toString()).isEqualTo("{\"db\":\"second\",\"y\":1,\"x\":3}");
    assertThat(swarm.get("compiled_env").get("MODE").asText()).isEqualTo("prod");
    assertThat(swarm.get("app_name").asText()).isEqualTo("web_app");
    assertThat(swarm.get("squad_name").asText()).isEqualTo("front");
    String release = swarm.get("release").asText();
    assertThat(release).startsWith("/api/v1/releases/");
    JsonNode builds = json(s.get("/api/v1/builds/?app__name=web_app"));
    assertThat(builds.get("meta").get("total_count").asInt()).isEqualTo(1);
    assertThat(builds.get("objects").get(0).get("status").asText()).isEqualTo("pending");

    String uri = swarm.get("resource_uri").asText();
    JsonNode same = json(ok(s.send("PATCH", uri, "{\"version\": \"v1.0\"}", true), 202));
    assertThat(same.get("release").asText()).isEqualTo(release);
    JsonNode changed = json(ok(s.send("PATCH", uri, "{\"version\": \"v1.0\", \"config_yaml\": {\"x\": 4}}", true), 202));
    assertThat(changed.get("release").asText()).isNotEqualTo(release);
    assertThat(json(s.get("/api/v1/builds/")).get("meta").get("total_count").asInt()).isEqualTo(1);
    assertThat(json(s.get("/api/v1/ingredients/1/")).get("swarms").get(0).asText()).isEqualTo(uri);
  }

  @Test
  void swarmRulesAreTheOriginals() {
    squadWithApp();
    String base = "\"app\": \"web_app\", \"squad\": \"front\", \"proc_name\": \"web\"";
    assertThat(json(s.post("/api/v1/swarms/", "{" + base + ", \"config_name\": \"pr-od\"}")).get("field").asText()).isEqualTo("config_name");
    HttpResponse<String> pool = s.post("/api/v1/swarms/", "{" + base + ", \"config_name\": \"prod\", \"pool\": \"p\"}");
    assertThat(pool.body()).contains("Swarms that specify a pool must specify a balancer");
    assertThat(json(s.post("/api/v1/swarms/", "{" + base + ", \"config_name\": \"prod\", \"pool\": \"p\", \"balancer\": \"nope\"}"))
        .get("field").asText()).isEqualTo("balancer");
    for (String tag : new String[] {"gittag/v1", "my:tag", "^tag", "~other:tag", "tag?", "other*tag", "\\\\tag", "a tag"}) {
      HttpResponse<String> r = s.post("/api/v1/swarms/", "{" + base + ", \"config_name\": \"prod\", \"version\": \"" + tag + "\"}");
      assertThat(r.statusCode()).as(tag).isEqualTo(400);
      assertThat(r.body()).as(tag).contains("Invalid tag name");
    }
    assertThat(json(s.get("/api/v1/swarms/")).get("meta").get("total_count").asInt()).isZero();
    ok(s.post("/api/v1/swarms/", "{" + base + ", \"config_name\": \"prod\"}"), 201);
    HttpResponse<String> dup = s.post("/api/v1/swarms/", "{" + base + ", \"config_name\": \"prod\"}");
    assertThat(dup.body()).contains("Swarm already exists for this app, proc, config and squad!");
  }

  @Test
  void aReleaseIsHashedWhenItsBuildSucceeded() {
    squadWithApp();
    ok(s.post("/api/v1/builds/", "{\"app\": \"web_app\", \"tag\": \"v1\"}"), 201);
    String buildHash = Hashing.buildHash("0123456789abcdef0123456789abcdef", null);
    s.db.jdbi().useHandle(h -> h.createUpdate("UPDATE builds SET status = 'success', file_md5 = :m, hash = :h")
        .bind("m", "0123456789abcdef0123456789abcdef").bind("h", buildHash).execute());
    JsonNode rel = json(ok(s.post("/api/v1/releases/", "{\"build\": \"/api/v1/builds/1/\", \"config_yaml\": {\"a\": 1}}"), 201));
    java.util.Map<String, Object> config = new java.util.LinkedHashMap<>();
    config.put("a", 1);
    assertThat(rel.get("hash").asText()).isEqualTo(Hashing.releaseHash(buildHash, config, null, null, "nobody", null, null));
    assertThat(rel.get("compiled_name").asText()).isEqualTo("web_app-v1-" + rel.get("hash").asText());
  }

  @Test
  void actionsAnswer202AndQueueTheWork() {
    squadWithApp();
    ok(s.post("/api/v1/hosts/", "{\"name\": \"h1.example\", \"squad\": \"front\"}"), 201);
    JsonNode swarm = json(ok(s.post("/api/v1/swarms/", "{\"app\": \"web_app\", \"squad\": \"front\", \"proc_name\": \"web\","
        + " \"config_name\": \"prod\", \"version\": \"v2\"}"), 201));
    JsonNode d = json(ok(s.post(swarm.get("resource_uri").asText() + "swarm/", ""), 202));
    assertThat(d.get("swarm_id").asText()).matches("[0-9a-f]{32}");
    ok(s.post("/api/v1/builds/1/build/", ""), 202);
    ok(s.post("/api/v1/builds/99/build/", ""), 404);
    ok(s.get("/api/v1/builds/1/build/"), 405);
    String rel = swarm.get("release").asText();
    HttpResponse<String> badPort = s.post(rel + "deploy/", "{\"host\": \"h1.example\", \"proc\": \"web\", \"config_name\": \"prod\", \"port\": 70000}");
    assertThat(json(badPort).get("field").asText()).isEqualTo("port");
    ok(s.post(rel + "deploy/", "{\"host\": \"h1.example\", \"proc\": \"worker\", \"config_name\": \"prod\", \"port\": 0}"), 202);
    long jobs = s.db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs").mapTo(Long.class).one());
    assertThat(jobs).isEqualTo(3);
    JsonNode log = json(s.get("/api/v1/logs/?user=alice&type=swarm"));
    assertThat(log.get("objects").get(0).get("message").asText()).isEqualTo("swarm web_app-v2-prod-web");
    ok(s.get("/api/v1/testruns/latest/"), 404);
    s.db.jdbi().useHandle(h -> h.execute("INSERT INTO test_runs (start_time, end_time) VALUES (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"));
    HttpResponse<String> latest = s.send("GET", "/api/v1/testruns/latest/?format=json", null, true);
    assertThat(latest.statusCode()).isEqualTo(302);
    assertThat(latest.headers().firstValue("Location")).contains("/api/v1/testruns/1/?format=json");
  }

  @Test
  void aSecondDispatchOfASwarmWhileOneIsQueuedIsRefusedNamingIt() {
    squadWithApp();
    ok(s.post("/api/v1/apps/", "{\"name\": \"other_app\", \"repo_url\": \"https://example.invalid/o.git\"}"), 201);
    String web = json(ok(s.post("/api/v1/swarms/", "{\"app\": \"web_app\", \"squad\": \"front\", \"proc_name\": \"web\","
        + " \"config_name\": \"prod\", \"version\": \"v2\"}"), 201)).get("resource_uri").asText();
    String other = json(ok(s.post("/api/v1/swarms/", "{\"app\": \"other_app\", \"squad\": \"front\", \"proc_name\": \"web\","
        + " \"config_name\": \"prod\", \"version\": \"v1\"}"), 201)).get("resource_uri").asText();
    String trace = json(ok(s.post(web + "swarm/", ""), 202)).get("swarm_id").asText();
    JsonNode refused = json(ok(s.post(web + "swarm/", ""), 409));
    assertThat(refused.get("error").asText()).startsWith("swarm web_app-v2-prod-web is already being dispatched: job ")
        .contains("trace " + trace + ", queued");
    // another app's swarm runs at the same time
    ok(s.post(other + "swarm/", ""), 202);
    // a claim held by a dispatch outside the queue counts as well
    s.db.jdbi().useHandle(h -> h.execute("UPDATE jobs SET state = 'failed'"));
    s.db.jdbi().useHandle(h -> h.execute("UPDATE swarms SET running_trace = 'abc' WHERE app_id = (SELECT id FROM apps WHERE name = 'web_app')"));
    assertThat(json(ok(s.post(web + "swarm/", ""), 409)).get("error").asText()).contains("already being dispatched: trace abc");
    s.db.jdbi().useHandle(h -> h.execute("UPDATE swarms SET running_trace = NULL"));
    // once the first has finished, the swarm may be dispatched again
    ok(s.post(web + "swarm/", ""), 202);
    long queued = s.db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs WHERE state = 'queued'").mapTo(Long.class).one());
    assertThat(queued).isEqualTo(1);
  }

  @Test
  void ofSimultaneousDispatchesOfOneSwarmExactlyOneIsAccepted() throws Exception {
    squadWithApp();
    String web = json(ok(s.post("/api/v1/swarms/", "{\"app\": \"web_app\", \"squad\": \"front\", \"proc_name\": \"web\","
        + " \"config_name\": \"prod\", \"version\": \"v2\"}"), 201)).get("resource_uri").asText();
    int n = 8;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
    try {
      java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        answers.add(pool.submit(() -> {
          start.await();
          return s.post(web + "swarm/", "").statusCode();
        }));
      }
      java.util.List<Integer> codes = new java.util.ArrayList<>();
      for (var f : answers) {
        codes.add(f.get());
      }
      assertThat(codes).filteredOn(c -> c == 202).hasSize(1);
      assertThat(codes).filteredOn(c -> c == 409).hasSize(n - 1);
    } finally {
      pool.shutdownNow();
    }
    long jobs = s.db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs").mapTo(Long.class).one());
    assertThat(jobs).isEqualTo(1);
  }

  @Test
  void aPrebuiltBuildUploadedIsASuccessfulBuildAndBadUploadsStoreNothing() throws Exception {
    squadWithApp();
    byte[] tarball = "not really a tarball, but bytes with an md5".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(tarball));
    java.net.http.HttpClient c = java.net.http.HttpClient.newHttpClient();
    java.util.function.BiFunction<String, String, HttpResponse<String>> upload = (query, sum) -> {
      try {
        return c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.base() + "/api/v1/builds/upload/?" + query))
            .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("alice:secret".getBytes()))
            .header("X-Vr-Md5", sum).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(tarball)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    assertThat(json(upload.apply("app=nope&tag=v1", md5)).get("field").asText()).isEqualTo("app");
    assertThat(json(upload.apply("app=web_app&tag=v:1", md5)).get("field").asText()).isEqualTo("tag");
    assertThat(json(upload.apply("app=web_app&tag=v1", "0".repeat(32))).get("field").asText()).isEqualTo("md5");
    assertThat(json(s.get("/api/v1/builds/")).get("meta").get("total_count").asInt()).isZero();
    try (var files = java.nio.file.Files.walk(s.blobs)) {
      assertThat(files.filter(java.nio.file.Files::isRegularFile).filter(p -> !p.toString().contains("/tmp/"))).isEmpty();
    }
    HttpResponse<String> ok = upload.apply("app=web_app&tag=v1", md5);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    JsonNode build = json(ok);
    assertThat(build.get("status").asText()).isEqualTo("success");
    assertThat(build.get("file_md5").asText()).isEqualTo(md5);
    assertThat(build.get("hash").asText()).isEqualTo(Hashing.buildHash(md5, null));
    assertThat(ok.headers().firstValue("Location")).contains(build.get("resource_uri").asText());
    HttpResponse<byte[]> back = c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.base() + "/files/" + build.get("file").asText()))
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("alice:secret".getBytes())).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(back.body()).isEqualTo(tarball);
  }

  @Test
  void everyRouteAnswers401WithoutCredentialsAndTheOpenApiDocumentListsEveryRoute() {
    Set<String> registered = new HashSet<>();
    for (Router.Route r : s.app.routes()) {
      registered.add(r.method().name().toLowerCase() + " " + vr.server.api.OpenApi.openApiPath(r.path()));
      if (r.access() == Access.PUBLIC) {
        continue;
      }
      String path = r.path().replaceAll("\\{[a-z_]+}", "1").replaceAll("<[a-z_]+>", "1");
      HttpResponse<String> resp = s.send(r.method().name(), path, r.method().name().equals("GET") ? null : "{}", false);
      assertThat(resp.statusCode()).as(r.method() + " " + path).isEqualTo(401);
    }
    JsonNode doc = json(ok(s.get("/api/v1/openapi.json"), 200));
    Set<String> documented = new HashSet<>();
    doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> documented.add(m + " " + p.getKey())));
    assertThat(documented).isEqualTo(registered);
    assertThat(doc.get("components").get("schemas").get("swarms").get("properties").has("config_ingredients")).isTrue();
  }
}
