package vr.server.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import vr.common.balancer.Balancer;
import vr.common.events.DeployEvent;
import vr.common.model.Node;
import vr.common.model.ProcName;
import vr.common.testing.Lab;
import vr.common.testing.NginxDaemon;
import vr.server.store.Database;

/**
 * The swarm flow against a lab squad of two real hosts, with builds and a busybox stack image served by the file
 * routes through signed URLs only, and a real nginx (in this machine's namespace) as the swarm's balancer with a
 * request loop through it. The tests run in order, each from the state the one before left: v1 at size 2; v2
 * under load; a release whose uptest fails (and a second dispatch refused meanwhile); scale to 0; then figures.
 * After each: what each host's supervisord runs, the pool's nodes, and no port lock left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmFlowIT {
  @TempDir static Path tmp;
  @RegisterExtension static final Lab lab = Lab.of(2, FlowRig::tools);

  static FlowRig f;
  static Database db;
  static NginxDaemon nginx;
  static Balancer balancer;
  static SwarmFlow flow;
  static List<DeployEvent> events;
  static long swarmId;

  @BeforeAll
  static void start() throws Exception {
    f = FlowRig.start(lab, tmp, "swarmflow", new java.util.LinkedHashMap<>(Map.of("v1", true, "v2", true, "v3", false)));
    db = f.db;
    nginx = f.nginx;
    balancer = f.balancer;
    flow = f.flow;
    events = f.events;
    swarmId = f.swarmId;
  }

  @AfterAll
  static void stop() {
    if (f != null) {
      f.close();
    }
  }

  static void setVersion(String tag, int size) {
    f.setVersion(tag, size);
  }

  static String hash(String tag) {
    return f.hash(tag);
  }

  static Map<String, List<String>> running() {
    return f.running();
  }

  static List<ProcName> runningProcs() {
    return f.runningProcs();
  }

  static List<Boolean> passes(long run) {
    return f.passes(run);
  }

  static long portLocks() {
    return f.portLocks();
  }

  /** Each host runs one RUNNING proc of {@code tag}; the pool is exactly them; no lock is left. */
  static void assertServing(String tag, SwarmOutcome o) {
    Map<String, List<String>> run = running();
    List<Node> expected = new ArrayList<>();
    for (Lab.Host h : lab.hosts()) {
      assertThat(run.get(h.name())).as(h.name()).hasSize(1);
      String line = run.get(h.name()).get(0);
      assertThat(line).endsWith(" RUNNING");
      ProcName p = ProcName.parse(line.split(" ")[0]).orElseThrow();
      assertThat(p.version()).isEqualTo(tag);
      assertThat(p.hash()).isEqualTo(hash(tag));
      expected.add(new Node(h.name(), p.port()));
    }
    assertThat(balancer.getNodes("web")).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(o.pool()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(portLocks()).isZero();
  }

  static String body() throws Exception {
    return f.body();
  }

  static String trace(String what) {
    return FlowRig.trace(what);
  }

  static String millis(Map<String, Duration> steps) {
    return FlowRig.millis(steps);
  }

  @Test
  @Order(1)
  void v1AtSizeTwoIsDeployedOnePerHostUptestedAndRouted() throws Exception {
    setVersion("v1", 2);
    SwarmOutcome o = flow.run(swarmId, trace("v1"));
    assertThat(o.ok()).as(o.message()).isTrue();
    assertThat(o.deployed()).hasSize(2);
    assertServing("v1", o);
    // nginx's reload returns before its new workers take over; with a brand-new pool the old workers have no
    // upstream yet (502) for those few milliseconds
    String answer = body();
    for (int i = 0; i < 50 && !answer.equals("v1"); i++) {
      Thread.sleep(100);
      answer = body();
    }
    assertThat(answer).isEqualTo("v1");
    assertThat(events).anyMatch(e -> e.title().equals("Swarm flow-v1-prod-web finished")
        && e.tags().equals(List.of("swarm", "deploy", "done")) && e.extra().get("swarm_id").equals(o.trace()));
    assertThat(events).anyMatch(e -> e.tags().equals(List.of("route")) && e.message().contains("stale=[]"));
    assertThat(events).filteredOn(e -> e.tags().equals(List.of("deploy"))).hasSize(2);
    // the stored test run: one passing result per new proc
    assertThat(passes(o.testRunId())).containsExactly(true, true);
    // proc.yaml on the host carries signed URLs under the server's base URL
    Lab.Host h = lab.hosts().get(0);
    String procYaml = lab.lab(List.of("exec", h.name(), "sh", "-c", "cat /apps/procs/flow-v1-*/proc.yaml")).output();
    assertThat(procYaml).containsPattern("build_url: http://[0-9.]+:[0-9]+/files/[0-9a-f]{64}/flow-v1-[0-9a-f]{32}\\.tar\\.gz\\?expires=[0-9]+&sig=");
    assertThat(procYaml).contains("image_name: busybox").contains("host: " + h.name());
    System.out.println("SwarmFlowIT figures: v1 (cold: first download of the image and build on each host) 2 procs on 2 hosts: "
        + "routed after " + o.routedAfter().toMillis() + " ms, steps " + millis(o.steps()));
  }

  @Test
  @Order(2)
  void v2ReplacesV1UnderLoadWithoutAFailedRequestAndRetiresV1AfterRouting() throws Exception {
    setVersion("v2", 2);
    events.clear();
    SwarmOutcome o;
    FlowRig.Loop loop = f.new Loop();
    try {
      Thread.sleep(300);
      o = flow.run(swarmId, trace("v2"));
      Thread.sleep(1000);
    } finally {
      loop.close();
    }
    assertThat(o.ok()).as(o.message()).isTrue();
    assertThat(loop.failures).as("failed requests of " + loop.total()).isEmpty();
    assertThat(loop.bodies.keySet()).contains("v1", "v2");
    assertServing("v2", o);
    assertThat(o.retired()).hasSize(2).allMatch(s -> s.startsWith("flow-v1-"));
    // routed (new added, then stale deleted) before any v1 proc was deleted
    List<String> order = events.stream().map(e -> String.join(",", e.tags())).toList();
    assertThat(order.indexOf("route")).isLessThan(order.indexOf("proc,deleted"));
    System.out.println("SwarmFlowIT figures: v2 2 procs on 2 hosts (warm image): routed after " + o.routedAfter().toMillis()
        + " ms, steps " + millis(o.steps()) + "; " + loop.total() + " requests, " + loop.failures.size() + " failed");
  }

  @Test
  @Order(3)
  void aReleaseWhoseUptestFailsLeavesTheOldProcsServingAndThePoolAsItWas() throws Exception {
    List<Node> poolBefore = balancer.getNodes("web");
    setVersion("v3", 2);
    events.clear();
    SwarmOutcome[] first = new SwarmOutcome[1];
    String trace = trace("v3");
    FlowRig.Loop loop = f.new Loop();
    try {
      Thread t = new Thread(() -> first[0] = flow.run(swarmId, trace));
      t.start();
      // a second dispatch while the first runs is refused, naming it
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (db.jdbi().withHandle(h -> h.createQuery("SELECT running_trace FROM swarms WHERE id = :s").bind("s", swarmId)
          .mapTo(String.class).findOne().orElse(null)) == null && System.nanoTime() < end) {
        Thread.sleep(5);
      }
      assertThatThrownBy(() -> flow.run(swarmId, trace("again"))).isInstanceOf(SwarmBusyException.class)
          .hasMessageContaining("already being dispatched: trace " + trace);
      t.join(300_000);
    } finally {
      loop.close();
    }
    SwarmOutcome o = first[0];
    assertThat(o.ok()).isFalse();
    assertThat(o.message()).contains("uptest failed").contains("01_http failed:broken on purpose");
    assertThat(o.retired()).hasSize(2).allMatch(s -> s.startsWith("flow-v3-"));
    assertThat(loop.failures).as("failed requests of " + loop.total()).isEmpty();
    assertThat(loop.bodies.keySet()).containsExactly("v2");
    assertThat(balancer.getNodes("web")).isEqualTo(poolBefore);
    assertThat(runningProcs()).hasSize(2).allMatch(p -> p.version().equals("v2"));
    assertThat(running().values().stream().flatMap(List::stream)).allMatch(s -> s.endsWith(" RUNNING"));
    assertThat(portLocks()).isZero();
    assertThat(events).anyMatch(e -> e.tags().equals(List.of("failed", "uptest")) && e.title().equals("flow-v3-prod-web")
        && e.message().contains("01_http failed:broken on purpose"));
    String run = db.jdbi().withHandle(h -> h.createQuery("SELECT state || ':' || step FROM swarm_runs WHERE trace_id = :t")
        .bind("t", trace).mapTo(String.class).one());
    assertThat(run).isEqualTo("failed:uptest");
    assertThat(passes(o.testRunId())).containsExactly(false, false);
    // and the swarm is free again: the refused dispatch left no claim
    long claimed = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM swarms WHERE running_trace IS NOT NULL")
        .mapTo(Long.class).one());
    assertThat(claimed).isZero();
  }

  @Test
  @Order(4)
  void scalingToZeroEmptiesTheHostsAndDeletesThePool() throws Exception {
    setVersion("v2", 0);
    SwarmOutcome o = flow.run(swarmId, trace("zero"));
    assertThat(o.ok()).as(o.message()).isTrue();
    assertThat(o.retired()).hasSize(2);
    assertThat(runningProcs()).isEmpty();
    assertThat(balancer.getNodes("web")).isEmpty();
    assertThat(nginx.poolFiles()).doesNotContain("web.conf");
    assertThat(portLocks()).isZero();
    for (Lab.Host h : lab.hosts()) {
      assertThat(lab.lab(List.of("exec", h.name(), "sh", "-c", "ls /apps/procs | grep -c flow- || true")).output().strip())
          .as("proc folders left on " + h.name()).isEqualTo("0");
    }
  }

  @Test
  @Order(5)
  void figuresOneProcAgainstTwoHostsTimesN() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int size : new int[] {1, 2, 4, 8}) {
      setVersion("v2", size);
      SwarmOutcome up = flow.run(swarmId, trace("fig" + size));
      assertThat(up.ok()).as(up.message()).isTrue();
      assertThat(runningProcs()).hasSize(size);
      assertThat(balancer.getNodes("web")).hasSize(size);
      assertThat(portLocks()).isZero();
      lines.add(size + " procs: routed after " + up.routedAfter().toMillis() + " ms " + millis(up.steps()));
      setVersion("v2", 0);
      assertThat(flow.run(swarmId, trace("fig0")).ok()).isTrue();
      assertThat(runningProcs()).isEmpty();
    }
    System.out.println("SwarmFlowIT figures (warm, 2 hosts, dispatch to routed): " + String.join("; ", lines));
  }
}
