package vr.server.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import vr.common.balancer.Balancer;
import vr.common.balancer.Balancers;
import vr.common.events.DeployEvent;
import vr.common.model.Hashing;
import vr.common.model.Node;
import vr.common.model.ProcName;
import vr.common.ssh.SshSettings;
import vr.common.supervisor.ProcessInfo;
import vr.common.testing.BalancerRig;
import vr.common.testing.Lab;
import vr.common.testing.NginxDaemon;
import vr.common.testing.Stacks;
import vr.common.yaml.Yaml;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Json;
import vr.server.api.Router;
import vr.server.domain.Ports;
import vr.server.files.Blob;
import vr.server.files.BlobStore;
import vr.server.files.DirBlobStore;
import vr.server.files.FileRoutes;
import vr.server.files.SignedUrlCheck;
import vr.server.files.SignedUrls;
import vr.server.hosts.HostAccess;
import vr.server.hosts.HostProcs;
import vr.server.records.ReleaseService;
import vr.server.store.Database;
import vr.common.hosts.RemoteProcs;

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
  @RegisterExtension static final Lab lab = Lab.of(2, SwarmFlowIT::tools);

  static Database db;
  static BlobStore store;
  static SignedUrls urls;
  static Javalin files;
  static HostAccess access;
  static HostProcs hostProcs;
  static BalancerRig rig;
  static NginxDaemon nginx;
  static Balancer balancer;
  static SwarmFlow flow;
  static final List<DeployEvent> events = new CopyOnWriteArrayList<>();
  static final Map<String, Long> release = new ConcurrentHashMap<>();
  static long swarmId;

  static Path tools() throws java.io.IOException {
    return Lab.toolsFromTargets(Files.createTempDirectory("vr-swarmflow-tools").resolve("dist"));
  }

  @BeforeAll
  static void start() throws Exception {
    db = Database.open("jdbc:h2:mem:swarmflow;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
        null, null);
    store = new DirBlobStore(tmp.resolve("blobs"));
    urls = new SignedUrls(SignedUrls.newKey());
    // the file routes on the lab's bridge, where the hosts reach this machine; signed URLs only
    String a = lab.hosts().get(0).address();
    String bridge = a.substring(0, a.lastIndexOf('.')) + ".1";
    SignedUrlCheck check = new SignedUrlCheck(urls);
    files = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      Router r = new Router(cfg.routes, (ctx, acc) -> {
        if (acc == Access.SIGNED && check.present(ctx)) {
          return check.verify(ctx);
        }
        throw ApiException.unauthorized("signed URLs only");
      });
      FileRoutes.register(r, store, 1L << 30, Audit.NONE);
      cfg.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).result(Json.write(e.body())));
    }).start(bridge, 0);

    Lab.Host h0 = lab.hosts().get(0);
    access = HostAccess.start(SshSettings.of(h0.knownHosts(), List.of(h0.keyFile())).withConnectTimeout(Duration.ofSeconds(8)),
        name -> {
          Lab.Host h = lab.hosts().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
          return new HostAccess.HostSetup(h.ssh(), new HostAccess.Supervisord.Socket(h.supervisorSocket().toString()),
              new RemoteProcs.HostLayout(h.root(), h.vrun().toString(), h.supervisorSocket().toString(),
                  h.includeDir().toString(), false, Duration.ofMinutes(5)));
        }, Duration.ofSeconds(10));
    hostProcs = new HostProcs(access, null, Duration.ofSeconds(10), Clock.systemUTC());

    rig = BalancerRig.start(tmp.resolve("rig"));
    nginx = rig.own(NginxDaemon.start(tmp.resolve("nginx"), "web"));
    String settings = "BALANCERS: {lab: {BACKEND: nginx, " + rig.sshd().balancerSettings() + ", " + nginx.balancerSettings() + "}}";
    balancer = Balancers.from(Yaml.parse(settings, tmp.resolve("balancers.yaml")), rig.ssh()).get("lab");

    flow = new SwarmFlow(new SwarmStore(db.jdbi()), access, hostProcs, name -> {
      assertThat(name).isEqualTo("lab");
      return balancer;
    }, urls, events::add, FlowSettings.of("http://" + bridge + ":" + files.port()).withPorts(new Ports(5000, 5100,
        new java.util.Random(17))).withDrain(Duration.ofMillis(500)));
    records();
  }

  /** An app on the busybox stack with builds v1, v2 (serving their tag) and v3 (whose uptest fails), a squad, a swarm. */
  static void records() throws Exception {
    Blob image = put(Stacks.busyboxImage(tmp.resolve("busybox.tar.gz")));
    db.jdbi().useTransaction(h -> {
      long stack = h.createUpdate("INSERT INTO stacks (name) VALUES ('busybox')").executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
      h.createUpdate("INSERT INTO os_images (stack_id, name, file, file_md5, active) VALUES (:s, 'busybox', :f, :m, TRUE)")
          .bind("s", stack).bind("f", image.key()).bind("m", image.md5()).execute();
      h.createUpdate("INSERT INTO apps (name, repo_url, stack_id) VALUES ('flow', 'https://example.invalid/flow.git', :s)")
          .bind("s", stack).execute();
      long squad = h.createUpdate("INSERT INTO squads (name) VALUES ('lab')").executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
      for (Lab.Host host : lab.hosts()) {
        h.createUpdate("INSERT INTO hosts (name, squad_id) VALUES (:n, :q)").bind("n", host.name()).bind("q", squad).execute();
      }
      swarmId = h.createUpdate("INSERT INTO swarms (app_id, config_name, proc_name, squad_id, size, pool, balancer) "
              + "SELECT a.id, 'prod', 'web', :q, 2, 'web', 'lab' FROM apps a WHERE a.name = 'flow'")
          .bind("q", squad).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    });
    for (String tag : List.of("v1", "v2", "v3")) {
      Blob b = put(build(tag, !tag.equals("v3")));
      db.jdbi().useTransaction(h -> {
        long app = h.createQuery("SELECT id FROM apps WHERE name = 'flow'").mapTo(Long.class).one();
        long img = ReleaseService.osImage(h, app).orElseThrow();
        long id = ReleaseService.currentBuild(h, app, img, tag);
        h.createUpdate("UPDATE builds SET file = :f, file_md5 = :m, hash = :h, status = 'success' WHERE id = :b")
            .bind("f", b.key()).bind("m", b.md5()).bind("h", Hashing.buildHash(b.md5(), image.md5())).bind("b", id).execute();
        Map<String, Object> swarm = h.createQuery("SELECT * FROM swarms WHERE id = :s").bind("s", swarmId).mapToMap().one();
        release.put(tag, ReleaseService.currentRelease(h, swarm, List.of(), tag));
      });
    }
  }

  /** A build: busybox httpd serving "tag\n", with an uptest that waits for it (or, failing, says so). */
  static Path build(String tag, boolean passing) throws Exception {
    return vr.common.testing.BusyboxApp.build(tmp, tag, passing);
  }

  static Blob put(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return store.put(in, null);
    }
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {flow, hostProcs, access, rig, db}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // the rest still close
      }
    }
    if (files != null) {
      files.stop();
    }
  }

  static void setVersion(String tag, int size) {
    db.jdbi().useHandle(h -> h.createUpdate("UPDATE swarms SET release_id = :r, size = :n WHERE id = :s")
        .bind("r", release.get(tag)).bind("n", size).bind("s", swarmId).execute());
  }

  static String hash(String tag) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT hash FROM releases WHERE id = :r").bind("r", release.get(tag))
        .mapTo(String.class).one());
  }

  /** The swarm's procs on each host as its supervisord runs them, with their states. */
  static Map<String, List<String>> running() {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    for (Lab.Host h : lab.hosts()) {
      try (HostAccess.Supervisor s = access.supervisor(h.name(), null)) {
        List<String> mine = new ArrayList<>();
        for (ProcessInfo i : s.client().getAllProcessInfo()) {
          if (i.name().startsWith("flow-")) {
            mine.add(i.name() + " " + i.statename());
          }
        }
        out.put(h.name(), mine);
      }
    }
    return out;
  }

  static List<ProcName> runningProcs() {
    List<ProcName> out = new ArrayList<>();
    running().values().forEach(l -> l.forEach(s -> out.add(ProcName.parse(s.split(" ")[0]).orElseThrow())));
    return out;
  }

  static List<Boolean> passes(long run) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT passed FROM test_results WHERE run_id = :r ORDER BY id")
        .bind("r", run).mapTo(Boolean.class).list());
  }

  static long portLocks() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM port_locks").mapTo(Long.class).one());
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

  /** GETs through nginx in a loop until stopped, counting answers by body and failures. */
  static final class Loop implements AutoCloseable {
    final Map<String, AtomicInteger> bodies = new ConcurrentHashMap<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicBoolean on = new AtomicBoolean(true);
    final Thread thread;

    Loop() {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI uri = URI.create("http://127.0.0.1:" + nginx.port("web") + "/");
      thread = new Thread(() -> {
        while (on.get()) {
          try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              bodies.computeIfAbsent(r.body().strip(), k -> new AtomicInteger()).incrementAndGet();
            } else {
              failures.add("HTTP " + r.statusCode());
            }
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            failures.add(e.toString());
          }
        }
      });
      thread.start();
    }

    int total() {
      return bodies.values().stream().mapToInt(AtomicInteger::get).sum() + failures.size();
    }

    @Override
    public void close() throws InterruptedException {
      on.set(false);
      thread.join(20_000);
    }
  }

  static String body() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port("web") + "/"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body().strip();
  }

  static String trace(String what) {
    return what + "-" + System.nanoTime();
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
    Loop loop = new Loop();
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
    Loop loop = new Loop();
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

  static String millis(Map<String, Duration> steps) {
    StringBuilder b = new StringBuilder("{");
    steps.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=').append(v.toMillis()));
    return b.append(" ms}").toString();
  }

}
