package vr.server.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import vr.common.model.Node;
import vr.common.model.ProcName;
import vr.common.testing.Lab;
import vr.server.TestServer;
import vr.server.api.Json;
import vr.server.jobs.JobQueue;
import vr.server.records.ProcSource;

/**
 * The flow's rollout options and its safety against a lab squad of two real hosts, a real nginx and the API (an
 * in-process server on the same database; a dispatch is queued as a job row, which the test runs as the job
 * runner would). In order, each from the state the one before left: a plan, then its dispatch; a stale plan
 * refused, then a rolling dispatch of one proc at a time under load; a canary continued; a canary aborted; the
 * app renamed (its old procs found by the swarm's id); a host lost mid-swarm, then removed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmRolloutIT {
  @TempDir static Path tmp;
  @RegisterExtension static final Lab lab = Lab.of(2, FlowRig::tools);

  static FlowRig f;
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    f = FlowRig.start(lab, tmp, "swarmrollout", new LinkedHashMap<>(Map.of("v1", true, "v2", true)));
    SwarmRoutes routes = new SwarmRoutes(f.db.jdbi(), vr.server.api.Audit.NONE).start(f.flow, JobQueue.ROWS_ONLY);
    server = new TestServer(f.dbUrl, ProcSource.NONE, List.of(routes::register));
    server.app.actions().dispatchBody(routes::params);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (f != null) {
      f.close();
    }
  }

  static String path(String action) {
    return "/api/v1/swarms/" + f.swarmId + "/" + action + "/";
  }

  static JsonNode json(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return Json.MAPPER.readTree(r.body());
  }

  /** Dispatches through the API; returns the trace the job was queued under. */
  static String dispatch(String body) throws Exception {
    return json(server.post(path("swarm"), body), 202).get("swarm_id").asText();
  }

  /**
   * Runs the queued job of {@code trace} as the server's job runner does, and ends its row as the runner would
   * (a job left queued would have the API refuse the swarm's next dispatch with 409).
   */
  static SwarmOutcome runJob(String trace) {
    Map<String, Object> job = f.db.jdbi().withHandle(h -> h.createQuery("SELECT kind, target_id, params FROM jobs WHERE trace_id = :t")
        .bind("t", trace).mapToMap().one());
    assertThat(job.get("kind")).isEqualTo("swarm");
    SwarmOutcome o = null;
    try {
      o = f.flow.run(((Number) job.get("target_id")).longValue(), trace, DispatchOptions.ofJson((String) job.get("params")));
      return o;
    } finally {
      String state = o != null && o.ok() ? vr.server.jobs.JobRows.SUCCEEDED : vr.server.jobs.JobRows.FAILED;
      f.db.jdbi().useHandle(h -> h.createUpdate("UPDATE jobs SET state = :s WHERE trace_id = :t").bind("s", state).bind("t", trace).execute());
    }
  }

  static long count(String sql) {
    return f.db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  /** What a dispatch run under load came to, and the bodies the requests got. */
  record Loaded(SwarmOutcome outcome, java.util.Set<String> bodies) {}

  /** Runs the queued job of {@code trace} with requests through nginx all along; it succeeds and no request fails. */
  static Loaded underLoad(String trace) throws Exception {
    SwarmOutcome o;
    FlowRig.Loop loop = f.new Loop();
    try {
      Thread.sleep(300);
      o = runJob(trace);
      Thread.sleep(1000);
    } finally {
      loop.close();
    }
    assertThat(o.ok()).as(o.message()).isTrue();
    assertThat(loop.failures).as("failed requests of " + loop.total()).isEmpty();
    return new Loaded(o, loop.bodies.keySet());
  }

  static String runState(String trace) {
    return f.db.jdbi().withHandle(h -> h.createQuery("SELECT state FROM swarm_runs WHERE trace_id = :t").bind("t", trace)
        .mapTo(String.class).findOne().orElse(null));
  }

  static void awaitState(String trace, String state) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!state.equals(runState(trace)) && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    assertThat(runState(trace)).as("run " + trace).isEqualTo(state);
  }

  /** The swarm's procs of {@code tag} running, one line each, on every host. */
  static List<ProcName> procs(String tag) {
    return f.runningProcs().stream().filter(p -> p.version().equals(tag)).toList();
  }

  static List<String> nodes(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.isTextual() ? n.asText() : n.get("host").asText() + ":" + n.get("port").asInt()));
    return out;
  }

  static List<String> pool() {
    return f.balancer.getNodes("web").stream().map(n -> n.host() + ":" + n.port()).sorted().toList();
  }

  @Test
  @Order(1)
  void aPlanShowsTheFirstDispatchChangesNothingAndItsDispatchTakesThePlannedHostsAndPorts() throws Exception {
    f.setVersion("v1", 2);
    JsonNode plan = json(server.post(path("plan"), ""), 200);
    String id = plan.get("plan").asText();
    assertThat(id).matches("[0-9a-f]{32}");
    assertThat(plan.get("build").get("action").asText()).isEqualTo("use");
    assertThat(plan.get("build").get("tag").asText()).isEqualTo("v1");
    assertThat(plan.get("release").get("hash").asText()).isEqualTo(f.hash("v1"));
    List<String> deploy = nodes(plan.get("deploy"));
    assertThat(deploy).hasSize(2);
    assertThat(deploy.stream().map(n -> n.split(":")[0]).distinct().sorted().toList())
        .isEqualTo(lab.hosts().stream().map(Lab.Host::name).sorted().toList());
    assertThat(plan.get("deploy").get(0).get("proc").asText()).startsWith("flow-v1-prod-" + f.hash("v1") + "-web-");
    assertThat(plan.get("stop")).isEmpty();
    JsonNode web = plan.get("pools").get(0);
    assertThat(web.get("pool").asText()).isEqualTo("web");
    assertThat(web.get("before")).isEmpty();
    assertThat(nodes(web.get("after"))).containsExactlyInAnyOrderElementsOf(deploy);
    assertThat(nodes(web.get("add"))).containsExactlyInAnyOrderElementsOf(deploy);
    // the same inputs, the same plan; and nothing changed anywhere
    JsonNode again = json(server.post(path("plan"), ""), 200);
    assertThat(again.get("plan").asText()).isEqualTo(id);
    assertThat(nodes(again.get("deploy"))).isEqualTo(deploy);
    assertThat(count("SELECT COUNT(*) FROM swarm_runs") + count("SELECT COUNT(*) FROM jobs")
        + count("SELECT COUNT(*) FROM swarm_procs") + count("SELECT COUNT(*) FROM port_locks")).isZero();
    assertThat(f.runningProcs()).isEmpty();
    assertThat(pool()).isEmpty();

    String trace = dispatch("{\"plan\": \"" + id + "\"}");
    SwarmOutcome o = runJob(trace);
    assertThat(o.ok()).as(o.message()).isTrue();
    assertThat(o.pool().stream().map(n -> n.host() + ":" + n.port()).toList()).containsExactlyInAnyOrderElementsOf(deploy);
    assertThat(pool()).containsExactlyInAnyOrderElementsOf(deploy);
    assertThat(procs("v1")).hasSize(2);
    assertThat(count("SELECT COUNT(*) FROM swarm_procs WHERE swarm_id = " + f.swarmId)).isEqualTo(2);
    assertThat(f.portLocks()).isZero();
  }

  @Test
  @Order(2)
  void aStalePlanIsRefusedNamingWhatChangedAndAnUnchangedOneRollsOneProcAtATimeUnderLoad() throws Exception {
    f.setVersion("v2", 2);
    JsonNode plan = json(server.post(path("plan"), ""), 200);
    String id = plan.get("plan").asText();
    assertThat(plan.get("stop")).hasSize(2).allMatch(s -> s.get("why").asText().equals("old release")
        && s.get("proc").asText().startsWith("flow-v1-"));
    long jobs = count("SELECT COUNT(*) FROM jobs");
    // the pool changed
    Node stray = new Node(lab.hosts().get(0).name(), 5099);
    f.balancer.addNodes("web", List.of(stray));
    JsonNode refused = json(server.post(path("swarm"), "{\"plan\": \"" + id + "\"}"), 409);
    assertThat(refused.get("error").asText()).contains("plan " + id + " is stale: pool changed");
    f.balancer.deleteNodes("web", List.of(stray));
    // the swarm changed
    f.setVersion("v2", 3);
    assertThat(json(server.post(path("swarm"), "{\"plan\": \"" + id + "\"}"), 409).get("error").asText())
        .contains("is stale: release changed");
    f.setVersion("v2", 2);
    assertThat(count("SELECT COUNT(*) FROM jobs")).isEqualTo(jobs);
    // bad options: 400 naming the field, nothing queued
    assertThat(json(server.post(path("swarm"), "{\"batch\": 0}"), 400).get("field").asText()).isEqualTo("batch");
    assertThat(json(server.post(path("swarm"), "{\"canary\": \"yes\"}"), 400).get("field").asText()).isEqualTo("canary");
    assertThat(json(server.post(path("swarm"), "{\"plan\": \"abc\"}"), 400).get("field").asText()).isEqualTo("plan");
    assertThat(json(server.post(path("swarm"), "{\"size\": 3}"), 400).get("field").asText()).isEqualTo("size");
    assertThat(count("SELECT COUNT(*) FROM jobs")).isEqualTo(jobs);
    // the flow checks again when the job runs: a plan of other inputs fails it before anything changes
    SwarmOutcome stale = f.flow.run(f.swarmId, FlowRig.trace("stale"), new DispatchOptions(0, false, "0".repeat(32)));
    assertThat(stale.ok()).isFalse();
    assertThat(stale.message()).contains("is stale: release, hosts, pool, procs changed").contains("nothing was done");
    assertThat(procs("v1")).hasSize(2);

    // the plan is good again: applied one proc at a time under load
    String trace = dispatch("{\"plan\": \"" + id + "\", \"batch\": 1}");
    f.events.clear();
    Loaded run = underLoad(trace);
    assertThat(run.bodies()).contains("v1", "v2");
    assertThat(pool()).containsExactlyInAnyOrderElementsOf(nodes(plan.get("deploy")));
    assertThat(procs("v2")).hasSize(2);
    assertThat(procs("v1")).isEmpty();
    // batch by batch: deploy, uptest, route (one new in, one old out), then that old proc retired
    List<String> order = f.events.stream().map(e -> String.join(",", e.tags()))
        .filter(t -> List.of("deploy", "route", "proc,deleted").contains(t)).toList();
    assertThat(order).containsExactly("deploy", "route", "proc,deleted", "deploy", "route", "proc,deleted");
    List<String> routes = f.events.stream().filter(e -> e.tags().equals(List.of("route"))).map(e -> e.message()).toList();
    assertThat(routes.get(0)).containsPattern("correct=\\[[^,\\]]+, [^,\\]]+\\]");
    assertThat(f.portLocks()).isZero();
  }

  @Test
  @Order(3)
  void aCanaryServesBesideTheOldProcsUntilContinued() throws Exception {
    f.setVersion("v1", 2);
    String trace = dispatch("{\"canary\": true}");
    AtomicReference<SwarmOutcome> out = new AtomicReference<>();
    FlowRig.Loop loop = f.new Loop();
    Thread t = new Thread(() -> out.set(runJob(trace)));
    try {
      t.start();
      awaitState(trace, "waiting");
      assertThat(procs("v1")).hasSize(1);
      assertThat(procs("v2")).hasSize(2);
      assertThat(pool()).hasSize(3);
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!loop.bodies.containsKey("v1") && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      assertThat(loop.bodies.keySet()).contains("v1", "v2");
      assertThat(f.events).anyMatch(e -> e.tags().equals(List.of("swarm", "canary", "waiting")) && e.extra().get("swarm_id").equals(trace));
      JsonNode cont = json(server.post(path("continue"), ""), 202);
      assertThat(cont.get("trace_id").asText()).isEqualTo(trace);
      assertThat(cont.get("decision").asText()).isEqualTo("continue");
      t.join(300_000);
    } finally {
      loop.close();
    }
    assertThat(out.get().ok()).as(out.get().message()).isTrue();
    assertThat(loop.failures).as("failed requests of " + loop.total()).isEmpty();
    assertThat(procs("v1")).hasSize(2);
    assertThat(procs("v2")).isEmpty();
    assertThat(pool()).hasSize(2);
    assertThat(runState(trace)).isEqualTo("done");
    // nothing waits now
    assertThat(json(server.post(path("continue"), ""), 409).get("error").asText()).contains("waits at a canary");
    assertThat(f.portLocks()).isZero();
  }

  @Test
  @Order(4)
  void anAbortedCanaryIsRemovedAndTheOldProcsServeAsBefore() throws Exception {
    List<String> before = pool();
    f.setVersion("v2", 2);
    String trace = dispatch("{\"canary\": true}");
    AtomicReference<SwarmOutcome> out = new AtomicReference<>();
    Thread t = new Thread(() -> out.set(runJob(trace)));
    t.start();
    awaitState(trace, "waiting");
    assertThat(pool()).hasSize(3);
    assertThat(json(server.post(path("abort"), ""), 202).get("decision").asText()).isEqualTo("abort");
    t.join(300_000);
    SwarmOutcome o = out.get();
    assertThat(o.ok()).isFalse();
    assertThat(o.message()).contains("aborted by " + TestServer.USER).contains("was removed, the old procs serve");
    assertThat(runState(trace)).isEqualTo("aborted");
    assertThat(pool()).isEqualTo(before);
    assertThat(procs("v2")).isEmpty();
    assertThat(procs("v1")).hasSize(2);
    assertThat(count("SELECT COUNT(*) FROM swarm_procs WHERE swarm_id = " + f.swarmId)).isEqualTo(2);
    assertThat(f.portLocks()).isZero();
  }

  @Test
  @Order(5)
  void afterAnAppRenameTheOldProcsAreFoundByTheSwarmsIdAndRetiredAfterTheNewOnesAreRouted() throws Exception {
    f.db.jdbi().useHandle(h -> h.createUpdate("UPDATE apps SET name = 'flow2' WHERE name = 'flow'").execute());
    f.setVersion("v1", 2);
    // by name the swarm has no proc now; its plan finds the old ones by its id
    JsonNode plan = json(server.post(path("plan"), ""), 200);
    assertThat(plan.get("stop")).hasSize(2).allMatch(s -> s.get("why").asText().equals("defunct")
        && s.get("proc").asText().startsWith("flow-v1-"));
    assertThat(plan.get("deploy")).hasSize(2);
    f.events.clear();
    SwarmOutcome o = underLoad(dispatch("")).outcome();
    assertThat(o.retired()).hasSize(2).allMatch(s -> s.startsWith("flow-v1-prod-"));
    assertThat(f.runningProcs()).hasSize(2).allMatch(p -> p.app().equals("flow2") && p.version().equals("v1"));
    assertThat(pool()).hasSize(2).containsExactlyInAnyOrderElementsOf(
        f.runningProcs().stream().map(p -> lab.hosts().stream().filter(h -> f.running().get(h.name()).stream()
            .anyMatch(l -> l.startsWith(p.format()))).findFirst().orElseThrow().name() + ":" + p.port()).toList());
    List<String> order = f.events.stream().map(e -> String.join(",", e.tags())).toList();
    assertThat(order.indexOf("route")).isLessThan(order.indexOf("proc,deleted"));
    List<String> rows = f.db.jdbi().withHandle(h -> h.createQuery("SELECT proc FROM swarm_procs WHERE swarm_id = :s")
        .bind("s", f.swarmId).mapTo(String.class).list());
    assertThat(rows).hasSize(2).allMatch(p -> p.startsWith("flow2-v1-"));
    assertThat(f.portLocks()).isZero();
  }

  static List<String> on(String host) {
    return f.on(host);
  }

  @Test
  @Order(6)
  void aHostLostMidSwarmFailsItNamingTheHostAndRemovingTheHostDispatchesTheSwarmAgain() throws Exception {
    f.setVersion("v2", 2);
    String trace = dispatch("{\"canary\": true}");
    AtomicReference<SwarmOutcome> out = new AtomicReference<>();
    Thread t = new Thread(() -> out.set(runJob(trace)));
    t.start();
    awaitState(trace, "waiting");
    Lab.Host a = lab.hosts().stream().filter(h -> on(h.name()).stream().anyMatch(l -> l.startsWith("flow2-v2-"))).findFirst()
        .orElseThrow();
    Lab.Host b = lab.hosts().stream().filter(h -> h != a).findFirst().orElseThrow();
    // b goes down: every sshd of its namespace (the listener and each connection's) is killed
    Process kill = new ProcessBuilder("sh", "-c", "for p in $(ip netns pids " + b.netns() + "); do "
        + "if [ \"$(cat /proc/$p/comm 2>/dev/null)\" = sshd ]; then kill -9 $p; fi; done")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(kill.waitFor()).isZero();
    json(server.post(path("continue"), ""), 202);
    t.join(300_000);
    SwarmOutcome o = out.get();
    assertThat(o.ok()).isFalse();
    assertThat(o.message()).contains("host " + b.name());
    // nothing over-deployed on the host that stayed: its old proc and the canary, no more
    assertThat(on(a.name())).hasSize(2).allMatch(l -> l.endsWith(" RUNNING"));
    assertThat(on(a.name()).stream().filter(l -> l.startsWith("flow2-v2-"))).hasSize(1);
    assertThat(f.portLocks()).isZero();

    // the host is lost for good: one call marks it gone and dispatches the swarm again
    JsonNode removed = json(server.post("/api/v1/hosts/" + b.name() + "/remove/", ""), 202);
    assertThat(removed.get("host").asText()).isEqualTo(b.name());
    assertThat(removed.get("squad").asText()).isEqualTo("lab");
    assertThat(removed.get("swarms")).hasSize(1);
    assertThat(removed.get("swarms").get(0).get("id").asLong()).isEqualTo(f.swarmId);
    String again = removed.get("swarms").get(0).get("trace_id").asText();
    Map<String, Object> host = f.db.jdbi().withHandle(h -> h.createQuery("SELECT active, squad_id, gone_time FROM hosts WHERE name = :n")
        .bind("n", b.name()).mapToMap().one());
    assertThat(host.get("active")).isEqualTo(false);
    assertThat(host.get("squad_id")).isNull();
    assertThat(host.get("gone_time")).isNotNull();
    assertThat(json(server.post("/api/v1/hosts/" + b.name() + "/remove/", ""), 409).get("error").asText()).contains("gone already");
    assertThat(server.post("/api/v1/hosts/nosuchhost/remove/", "").statusCode()).isEqualTo(404);

    SwarmOutcome redo = runJob(again);
    assertThat(redo.ok()).as(redo.message()).isTrue();
    assertThat(redo.message()).contains("host " + b.name() + " is gone");
    assertThat(on(a.name())).hasSize(2).allMatch(l -> l.startsWith("flow2-v2-") && l.endsWith(" RUNNING"));
    assertThat(pool()).hasSize(2).allMatch(n -> n.startsWith(a.name() + ":"));
    List<String> rows = f.db.jdbi().withHandle(h -> h.createQuery("SELECT host FROM swarm_procs WHERE swarm_id = :s")
        .bind("s", f.swarmId).mapTo(String.class).list());
    assertThat(rows).hasSize(2).containsOnly(a.name());
    assertThat(f.portLocks()).isZero();
  }
}
