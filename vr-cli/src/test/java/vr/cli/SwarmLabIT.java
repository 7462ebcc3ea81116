package vr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import vr.common.cli.Tool;
import vr.common.hosts.RemoteProcs;
import vr.common.testing.Daemons;
import vr.common.testing.Lab;
import vr.common.testing.Stacks;
import vr.server.hosts.HostAccess;

/**
 * {@code vr.cli swarm --wait} over a real swarm: a vr-server in-process whose squad is a lab of two real hosts
 * (modelled on vr-server's SwarmFlowIT, here driven only through the API and vr.cli). In order: v1 at size 2
 * finishes (exit 0, a deploy line per host, uptests, cleanup); its procs are listed and restarted through the
 * server; v3, whose uptest fails, exits 1 with the uptest's output; {@code uptests} shows that failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmLabIT {
  @TempDir static Path tmp;
  @RegisterExtension static final Lab lab = Lab.of(2, SwarmLabIT::tools);
  static ServerRig rig;

  static Path tools() throws java.io.IOException {
    return Lab.toolsFromTargets(Files.createTempDirectory("vr-cli-lab-tools").resolve("dist"));
  }

  @BeforeAll
  static void start() throws Exception {
    Lab.Host h0 = lab.hosts().get(0);
    String a = h0.address();
    String bridge = a.substring(0, a.lastIndexOf('.')) + ".1";
    int port = Daemons.freePort();
    rig = new ServerRig(tmp.resolve("server"), bridge, port, "PUBLIC_URL: http://" + bridge + ":" + port + "\nSSH_KEY: "
        + h0.keyFile() + "\nSSH_KNOWN_HOSTS: " + h0.knownHosts() + "\n", name -> {
          Lab.Host h = lab.hosts().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
          return new HostAccess.HostSetup(h.ssh(), new HostAccess.Supervisord.Socket(h.supervisorSocket().toString()),
              new RemoteProcs.HostLayout(h.root(), h.vrun().toString(), h.supervisorSocket().toString(),
                  h.includeDir().toString(), false, Duration.ofMinutes(5)));
        }, lab.redisUrl()); // the lab's Redis, where the hosts' proc_publisher keeps the proc cache the server reads
    rig.api("POST", "api/v1/stacks/", "{\"name\": \"busybox\"}");
    rig.api("POST", "api/v1/images/", "{\"name\": \"busybox\", \"stack\": \"/api/v1/stacks/busybox/\", \"active\": true}");
    rig.upload("api/v1/images/busybox/upload/", Files.readAllBytes(Stacks.busyboxImage(tmp.resolve("busybox.tar.gz"))));
    rig.api("POST", "api/v1/apps/", "{\"name\": \"flow\", \"repo_url\": \"https://example.invalid/flow.git\", "
        + "\"stack\": \"/api/v1/stacks/busybox/\"}");
    for (String tag : List.of("v1", "v2", "v3")) {
      rig.upload("api/v1/builds/upload/?app=flow&tag=" + tag, Files.readAllBytes(build(tag, !tag.equals("v3"))));
    }
    rig.api("POST", "api/v1/squads/", "{\"name\": \"lab\"}");
    for (Lab.Host h : lab.hosts()) {
      rig.api("POST", "api/v1/hosts/", "{\"name\": \"" + h.name() + "\", \"squad\": \"/api/v1/squads/lab/\"}");
    }
    rig.api("POST", "api/v1/swarms/", "{\"app\": \"/api/v1/apps/flow/\", \"squad\": \"/api/v1/squads/lab/\", "
        + "\"config_name\": \"prod\", \"proc_name\": \"web\", \"size\": 2, \"version\": \"v1\"}");
    // a lab host's first SSH logins can take longer than the server's 5 s deadline on a busy machine: wait until the
    // server sees each host up, as an operator would check before a first swarm
    for (Lab.Host h : lab.hosts()) {
      long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      String state = "";
      while (!state.equals("up") && System.nanoTime() < end) {
        state = rig.api("GET", "api/v1/hosts/" + h.name() + "/procs/?cache=no", null).path("state").asText();
      }
      assertThat(state).as(h.name() + " as the server sees it").isEqualTo("up");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  /** A build: busybox httpd serving "tag\n", with an uptest that waits for it (or, failing, says so). */
  static Path build(String tag, boolean passing) throws Exception {
    return vr.common.testing.BusyboxApp.build(tmp, tag, passing);
  }

  static Tool.Result cli(String... args) {
    return Tool.capture(new VrCli(rig.env()), args);
  }

  @Test
  @Order(1)
  void swarmWaitPrintsEachStepOfV1AndExitsZero() {
    Tool.Result r = cli("swarm", "flow-prod-web", "v1", "--wait");
    System.out.println("SwarmLabIT v1:\n" + r.out() + r.err());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    for (Lab.Host h : lab.hosts()) {
      assertThat(r.out()).containsPattern("[0-9:]{8} deploy    deploying flow-v1-[0-9a-f]+-web-[0-9]+ to " + h.name() + "\n");
    }
    assertThat(r.out()).contains(" uptests   Uptests passed\n")
        .containsPattern(" finished  Swarm flow-v1-prod-web finished: 2 procs\n$");
  }

  @Test
  @Order(2)
  void procsListAndRestartGoThroughTheServerToTheLabHosts() throws Exception {
    // a host that did not answer in time, or a proc still STARTING (supervisord's startsecs): ask again
    Tool.Result list = cli("procs", "list", "flow-prod-web");
    for (int i = 0; i < 30 && (list.exitCode() != 0 || list.out().split("RUNNING", -1).length < 3); i++) {
      Thread.sleep(1000);
      list = cli("procs", "list", "flow-prod-web");
    }
    assertThat(list.exitCode()).as(list.err()).isZero();
    for (Lab.Host h : lab.hosts()) {
      assertThat(list.out()).containsPattern("\n  " + h.name() + " +[0-9]+ +RUNNING +pid ");
    }
    String one = lab.hosts().get(0).name();
    Tool.Result restart = cli("procs", "restart", "flow-prod-web", "--host", one);
    assertThat(restart.exitCode()).as(restart.err()).isZero();
    assertThat(restart.out()).matches("(?s)flow-prod-web \\[v1\\]\nRESTART   " + one + " +[0-9]+ +RUNNING .*\n")
        .doesNotContain(lab.hosts().get(1).name());
  }

  @Test
  @Order(3)
  void aPlanChangesNothingAndItsDispatchDoesWhatItShowed() {
    Tool.Result plan = cli("swarm", "flow-prod-web", "-", "--plan");
    System.out.println("SwarmLabIT plan:\n" + plan.out() + plan.err());
    assertThat(plan.exitCode()).as(plan.err()).isZero();
    for (Lab.Host h : lab.hosts()) {
      assertThat(plan.out()).containsPattern("\n  keep    " + h.name() + ":[0-9]+  flow-v1-prod-[0-9a-f]+-web-[0-9]+\n");
    }
    assertThat(plan.out()).doesNotContain("  deploy  ").doesNotContain("  stop    ");
    String id = plan.out().replaceAll("(?s).*--apply-plan ([0-9a-f]{32}).*", "$1");
    Tool.Result apply = cli("swarm", "flow-prod-web", "-", "--apply-plan", id, "--wait");
    assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
    assertThat(apply.out()).containsPattern(" finished  Swarm flow-v1-prod-web finished: 2 procs\n$");
  }

  @Test
  @Order(4)
  void aCanaryWaitsForContinueThenTheRestFollows() throws Exception {
    Tool.Result d = cli("swarm", "flow-prod-web", "v2", "--canary");
    assertThat(d.exitCode()).as(d.err()).isZero();
    Tool.Result decided = null;
    long end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < end) {
      decided = cli("canary", "continue", "flow-prod-web");
      if (decided.exitCode() == 0) {
        break;
      }
      assertThat(decided.err()).as("before the canary waits").contains("waits at a canary");
      // while it waits, one v2 proc serves beside the two of v1
      Thread.sleep(500);
    }
    assertThat(decided.exitCode()).as(decided.err() + "\nruns: " + rig.api("GET", "api/v1/swarm_runs/", null)
        + "\njob: " + rig.api("GET", "api/v1/jobs/" + d.out().replaceAll("(?s).*swarm_id ([0-9a-f]{32}).*", "$1") + "/", null)).isZero();
    assertThat(decided.out()).matches("flow-prod-web continue \\(swarm_id [0-9a-f]{32}\\)\n");
    // then the rest of v2 is deployed and routed, and v1 retired: two procs, both v2
    List<String> names = List.of();
    end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < end) {
      Tool.Result list = cli("procs", "list", "flow-prod-web", "--json");
      if (list.exitCode() == 0) {
        List<String> now = new java.util.ArrayList<>();
        ServerRig.JSON.readTree(list.out()).forEach(sw -> sw.path("procs").forEach(p -> now.add(p.path("name").asText())));
        names = now;
        if (names.size() == 2 && names.stream().allMatch(n -> n.startsWith("flow-v2-"))) {
          break;
        }
      }
      Thread.sleep(1000);
    }
    assertThat(names).hasSize(2).allMatch(n -> n.startsWith("flow-v2-"));
    // and the dispatch ends (its last step after the procs are in place), before the next test dispatches
    String trace = d.out().replaceAll("(?s).*swarm_id ([0-9a-f]{32}).*", "$1");
    String state = "";
    end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < end) {
      state = rig.api("GET", "api/v1/jobs/" + trace + "/", null).path("state").asText();
      if (!state.equals("queued") && !state.equals("running")) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(state).isEqualTo("succeeded");
  }

  @Test
  @Order(5)
  void aFailingUptestExitsOneWithItsOutputAndUptestsShowsIt() {
    Tool.Result r = cli("swarm", "flow-prod-web", "v3", "--wait");
    System.out.println("SwarmLabIT v3:\n" + r.out() + r.err());
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains(" uptest failed  flow-v3-prod-web\n").contains(": 01_http failed:broken on purpose")
        .contains("swarm flow-prod-web failed (the new procs are being removed; the old ones keep serving)");
    Tool.Result u = cli("uptests");
    assertThat(u.exitCode()).isEqualTo(1);
    assertThat(u.out()).containsPattern("flow-v3-prod-[0-9a-f]+-web-[0-9]+ failed:\n").contains("broken on purpose");
  }
}
