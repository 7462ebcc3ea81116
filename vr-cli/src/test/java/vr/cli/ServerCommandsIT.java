package vr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.cli.Tool;

/** vr.cli's server commands, in-process, against a real vr-server ({@link ServerRig}). */
class ServerCommandsIT {
  @TempDir static Path dir;
  static ServerRig rig;

  @BeforeAll
  static void start() throws Exception {
    rig = new ServerRig(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  static Tool.Result cli(String... args) {
    return cli(rig.env(), args);
  }

  static Tool.Result cli(Map<String, String> env, String... args) {
    return Tool.capture(new VrCli(env), args);
  }

  @Test
  void listSwarmsPrintsTheOriginalsCountLineThenSortedNames() {
    Tool.Result r = cli("list-swarms");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).matches("(?s)Loaded 3 swarms in [0-9.]+s\nshop-prod-cron\nshop-prod-web\nshop-prod-worker\n");
    Tool.Result some = cli("list-swarms", "shop-prod-w", "-x", "WORKER");
    assertThat(some.out()).endsWith("Loaded 1 swarms in " + some.out().split(" in ")[1].split("\n")[0] + "\nshop-prod-web\n");
  }

  @Test
  void listSwarmsJsonIsTheRecords() throws Exception {
    Tool.Result r = cli("list-swarms", "shop-prod-web", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode a = ServerRig.JSON.readTree(r.out());
    assertThat(a).hasSize(1);
    assertThat(a.get(0).path("proc_name").asText()).isEqualTo("web");
    assertThat(a.get(0).path("version").asText()).isEqualTo("v1");
  }

  @Test
  void aBadRegexIsBadInputInOneLine() {
    Tool.Result r = cli("list-swarms", "shop-(");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("vr.cli: error: pattern: not a regular expression: 'shop-(' (Unclosed group").hasLineCount(1);
  }

  @Test
  void aPatternMatchingNothingIsBadInputAndDispatchesNothing() {
    Tool.Result r = cli("swarm", "nope-", "v2");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("vr.cli: error: no swarm matches 'nope-' (of 3 swarms; 'vr.cli list-swarms' lists them)\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aWrongPasswordIsA401InOneLine() {
    Map<String, String> env = new HashMap<>(rig.env());
    env.put("VELOCIRAPTOR_PASSWORD", "wrong");
    Tool.Result r = cli(env, "list-swarms");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("vr.cli: error: 401 from the server: it did not accept user alice "
        + "(set VELOCIRAPTOR_USERNAME and VELOCIRAPTOR_PASSWORD, or VELOCIRAPTOR_TOKEN_FILE)\n");
    assertThat(r.err()).doesNotContain("wrong");
  }

  @Test
  void noCredentialsAndNoTerminalIsA401NotAPrompt() {
    Tool.Result r = cli(Map.of("VELOCIRAPTOR_URL", rig.url), "list-swarms");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("vr.cli: error: 401 from the server: it did not accept no credentials");
  }

  @Test
  void aServerThatIsDownIsAFailureInOneLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Tool.Result r = cli("list-swarms", "--url", "http://127.0.0.1:" + port + "/");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("vr.cli: error: cannot reach the server at http://127.0.0.1:" + port
        + "/ (connection refused); is vr-server running there? (--url or VELOCIRAPTOR_URL)\n");
  }

  @Test
  void noUrlIsBadInput() {
    Tool.Result r = cli(Map.of(), "list-swarms");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("vr.cli: error: no server: give --url or set VELOCIRAPTOR_URL");
  }

  @Test
  void swarmWaitFollowsADispatchToItsEndAndExitsZero() {
    Tool.Result r = cli("swarm", "shop-prod-web", "-", "--wait");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).startsWith("Matched 1 apps\n  shop-prod-web [v1]\nshop-prod-web [v1] swarm_id ");
    assertThat(r.out()).containsPattern("\n[0-9:]{8} finished  Swarm shop-v1-prod-web finished: 0 procs\n$");
  }

  @Test
  void swarmWaitExitsOneWhenTheSwarmFails() {
    Tool.Result r = cli("swarm", "shop-prod-worker", "v1", "--wait");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).containsPattern("failed  Swarm shop-v1-prod-worker aborted: ")
        .contains("swarm shop-prod-worker failed");
  }

  @Test
  void swarmJsonGivesEachDispatchsTrace() throws Exception {
    Tool.Result r = cli("swarm", "shop-prod-w", "-", "-x", "worker", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode a = ServerRig.JSON.readTree(r.out());
    assertThat(a).hasSize(1);
    assertThat(a.get(0).path("name").asText()).isEqualTo("shop-prod-web");
    assertThat(a.get(0).path("swarm_id").asText()).isNotBlank();
    assertThat(r.err()).startsWith("Matched 1 apps");
  }

  @Test
  void eachRunHasItsOwnExclusions() {
    // the original appended -x to a list shared by every filter: a second filter inherited the first one's
    SwarmFilter first = SwarmFilter.of("shop-", List.of("web"));
    SwarmFilter second = SwarmFilter.of("shop-", List.of());
    assertThat(first.matches("shop-prod-web")).isFalse();
    assertThat(second.matches("shop-prod-web")).isTrue();
    assertThat(cli("list-swarms", "shop-", "-x", "web").out()).doesNotContain("shop-prod-web");
    assertThat(cli("list-swarms", "shop-").out()).contains("shop-prod-web");
  }

  @Test
  void addAndRemoveIngredientsPatchTheSwarmBeforeItsDispatch() throws Exception {
    String redis = rig.api("GET", "api/v1/ingredients/?name=redis", null).path("objects").get(0).path("resource_uri").asText();
    Tool.Result added = cli("swarm", "shop-prod-web", "-", "--add-ingredients", "redis");
    assertThat(added.exitCode()).as(added.err()).isZero();
    assertThat(rig.swarm("web").path("config_ingredients").toString()).contains(redis);
    assertThat(rig.swarm("web").path("compiled_config").path("redis").asText()).isEqualTo("redis://r1");
    Tool.Result removed = cli("swarm", "shop-prod-web", "-", "--remove-ingredients", redis.replaceAll(".*/([0-9]+)/$", "$1"));
    assertThat(removed.exitCode()).as(removed.err()).isZero();
    assertThat(rig.swarm("web").path("config_ingredients")).isEmpty();
  }

  @Test
  void replaceWithAddIsBadInputAndAnUnknownIngredientToo() throws Exception {
    Tool.Result both = cli("swarm", "shop-prod-web", "-", "--replace-ingredients", "redis", "--add-ingredients", "redis");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).startsWith("vr.cli: error: --replace-ingredients cannot be combined with --add-ingredients");
    Tool.Result unknown = cli("swarm", "shop-prod-web", "-", "--add-ingredients", "memcache");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).isEqualTo("vr.cli: error: no ingredient named 'memcache'\n");
  }

  @Test
  void buildCreatesAndStartsABuild() throws Exception {
    Tool.Result r = cli("build", "shop", "v7");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).matches("build [0-9]+ of shop-v7 started \\(trace [0-9a-f]+\\)\n");
    long id = Long.parseLong(r.out().split(" ")[1]);
    JsonNode b = rig.api("GET", "api/v1/builds/" + id + "/", null);
    assertThat(b.path("tag").asText()).isEqualTo("v7");
    assertThat(cli("build", "nosuchapp", "v1").err()).isEqualTo("vr.cli: error: no app 'nosuchapp' on the server\n");
  }

  @Test
  void procsGoThroughTheServerAndNameAHostThatDidNotAnswer() {
    Tool.Result r = cli("procs", "list", "shop-prod-cron");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEqualTo("shop-prod-cron [v1]\n");
    assertThat(r.err()).startsWith("vr.cli: host localhost is ");
    Tool.Result none = cli("procs", "list", "shop-prod-web", "--json");
    assertThat(none.exitCode()).as(none.err()).isZero();
    assertThat(none.out()).contains("\"swarm\" : \"shop-prod-web\"").contains("\"procs\" : [ ]");
  }

  @Test
  void deployNeedsANumericReleaseAndAKnownHost() throws Exception {
    assertThat(cli("deploy", "abc", "h", "5000", "web").err())
        .isEqualTo("vr.cli: error: RELEASE: must be a release's numeric id, not 'abc'\n");
    String release = rig.swarm("web").path("release").asText().replaceAll(".*/([0-9]+)/$", "$1");
    Tool.Result r = cli("deploy", release, "nohost", "5000", "web");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("vr.cli: error: host: no host 'nohost'\n");
    Tool.Result ok = cli("deploy", release, "localhost", "5000", "web", "-c", "prod");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out()).matches("deploy of release " + release + " as web to localhost:5000 queued \\(trace [0-9a-f]+\\)\n");
  }

  @Test
  void compareReleasesShowsChangedKeys() throws Exception {
    String build = rig.api("GET", "api/v1/builds/?app__name=shop&tag=v1", null).path("objects").get(0).path("resource_uri").asText();
    rig.api("POST", "api/v1/releases/", "{\"build\": \"" + build + "\", \"config_yaml\": {\"a\": 1, \"db\": {\"host\": \"x\"}}}");
    rig.api("POST", "api/v1/releases/", "{\"build\": \"" + build + "\", \"config_yaml\": {\"a\": 1, \"db\": {\"host\": \"y\"}, \"b\": true}}");
    JsonNode rels = rig.api("GET", "api/v1/releases/?build=" + build.replaceAll(".*/([0-9]+)/$", "$1"), null).path("objects");
    String newer = rels.get(0).path("id").asText();
    String older = rels.get(1).path("id").asText();
    Tool.Result r = cli("compare-releases", older, newer);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("config_yaml:\n  + b: true\n  - db.host: \"x\"\n  + db.host: \"y\"\n");
    assertThat(cli("compare-releases", newer, newer).out()).isEqualTo("no differences between release " + newer + " and release " + newer + "\n");
    assertThat(cli("compare-releases", older, "99999").err()).isEqualTo("vr.cli: error: no release 99999 on the server\n");
  }

  @Test
  void uptestsWithoutAFinishedRunSaysSo() {
    // this server's swarms never get procs, so no uptest run ever finishes here (SwarmLabIT has failing ones)
    Tool.Result r = cli("uptests");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("vr.cli: error: no finished uptest run on the server yet\n");
  }

  @Test
  void rebuildAllBuildsEachAppVersionOnceThenDispatchesEverySwarm() throws Exception {
    long before = rig.api("GET", "api/v1/builds/?app__name=shop&tag=v1", null).path("meta").path("total_count").asLong();
    Tool.Result r = cli("rebuild-all", "shop-prod-w");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).matches("Matched 2 apps\n  shop-prod-web \\[v1\\]\n  shop-prod-worker \\[v1\\]\n"
        + "build [0-9]+ of shop-v1 started \\(trace [0-9a-f]+\\)\n"
        + "shop-prod-web \\[v1\\] swarm_id [0-9a-f]+\nshop-prod-worker \\[v1\\] swarm_id [0-9a-f]+\n");
    long after = rig.api("GET", "api/v1/builds/?app__name=shop&tag=v1", null).path("meta").path("total_count").asLong();
    assertThat(after).isEqualTo(before + 1);
  }

  @Test
  void hostRemoveMarksTheHostGoneAndSaysWhatItDispatchedAgain() throws Exception {
    rig.api("POST", "api/v1/hosts/", "{\"name\": \"spare\", \"squad\": \"/api/v1/squads/empty/\"}");
    Tool.Result r = cli("host", "remove", "spare");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("host spare removed from squad empty; 0 swarms dispatched again\n");
    assertThat(rig.api("GET", "api/v1/hosts/spare/", null).path("squad").isNull()).isTrue();
    Tool.Result again = cli("host", "remove", "spare");
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).startsWith("vr.cli: error: ").contains("spare").doesNotContain("\n\n");
    assertThat(cli("host", "remove", "nohost").err()).isEqualTo("vr.cli: error: no host 'nohost' on the server\n");
    assertThat(cli("host", "rename", "spare").err()).isEqualTo("vr.cli: error: ACTION: 'remove' is the one host action, not 'rename'\n");
  }

  @Test
  void canaryDecisionsNeedAWaitingCanary() {
    Tool.Result r = cli("canary", "continue", "shop-prod-web");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("vr.cli: error: ").contains("waits at a canary");
    assertThat(cli("canary", "maybe", "shop-prod-web").err()).isEqualTo("vr.cli: error: DECISION: continue or abort, not 'maybe'\n");
  }

  @Test
  void dispatchOptionsAreCheckedBeforeAnythingIsSent() throws Exception {
    String before = rig.swarm("web").path("version").asText();
    assertThat(cli("swarm", "shop-prod-web", "-", "--batch", "0").exitCode()).isEqualTo(2);
    assertThat(cli("swarm", "shop-prod-w", "-", "--apply-plan", "0".repeat(32)).err())
        .contains("--apply-plan applies one swarm's plan, but the pattern matches 2 swarms");
    Tool.Result other = cli("swarm", "shop-prod-web", "v9", "--plan");
    assertThat(other.exitCode()).isEqualTo(2);
    assertThat(other.err()).isEqualTo("vr.cli: error: --plan plans each swarm at its own version, and shop-prod-web is at "
        + before + ", not v9: give '-', or dispatch without --plan to change its version\n");
    assertThat(rig.swarm("web").path("version").asText()).isEqualTo(before);
    Tool.Result stale = cli("swarm", "shop-prod-web", "-", "--apply-plan", "0".repeat(32));
    assertThat(stale.exitCode()).as(stale.out()).isEqualTo(2);
    assertThat(stale.err()).startsWith("vr.cli: error: ").contains("stale");
  }

  @Test
  void everyCommandHasHelpWithAnExample() {
    for (String c : List.of("list-swarms", "swarm", "build", "rebuild-all", "procs", "uptests", "deploy", "compare-releases",
        "host", "canary")) {
      Tool.Result r = cli(c, "--help");
      assertThat(r.exitCode()).as(c).isZero();
      assertThat(r.out()).as(c).contains("Usage: vr.cli " + c).contains("Example").contains("--url");
    }
  }
}
