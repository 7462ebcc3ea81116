package vr.server.swarm;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import vr.common.balancer.Balancer;
import vr.common.balancer.Balancers;
import vr.common.events.DeployEvent;
import vr.common.hosts.RemoteProcs;
import vr.common.model.Hashing;
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

/**
 * What the swarm flow's lab tests share: a lab squad of real hosts, builds and a busybox stack image served by
 * the file routes through signed URLs only, a real nginx (in this machine's namespace) as the swarm's balancer
 * ({@code lab}, pool {@code web}), an H2 database with an app {@code flow}, a squad {@code lab} of the lab's hosts
 * and a swarm {@code prod}/{@code web} of size 2, and a flow over all of it.
 */
final class FlowRig implements AutoCloseable {
  final Lab lab;
  final Path tmp;
  final String dbUrl;
  Database db;
  BlobStore store;
  SignedUrls urls;
  Javalin files;
  HostAccess access;
  HostProcs hostProcs;
  BalancerRig rig;
  NginxDaemon nginx;
  Balancer balancer;
  SwarmFlow flow;
  final List<DeployEvent> events = new CopyOnWriteArrayList<>();
  final Map<String, Long> release = new ConcurrentHashMap<>();
  long swarmId;

  private FlowRig(Lab lab, Path tmp, String dbName) {
    this.lab = lab;
    this.tmp = tmp;
    this.dbUrl = "jdbc:h2:mem:" + dbName + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
  }

  static Path tools() throws java.io.IOException {
    return Lab.toolsFromTargets(Files.createTempDirectory("vr-swarmflow-tools").resolve("dist"));
  }

  /** Starts everything; {@code tags} are the builds made, each serving its tag, with an uptest that passes or not. */
  static FlowRig start(Lab lab, Path tmp, String dbName, Map<String, Boolean> tags) throws Exception {
    FlowRig f = new FlowRig(lab, tmp, dbName);
    try {
      f.open(tags);
      return f;
    } catch (Exception | Error e) {
      f.close();
      throw e;
    }
  }

  private void open(Map<String, Boolean> tags) throws Exception {
    db = Database.open(dbUrl, null, null);
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
    records(tags);
  }

  /** An app on the busybox stack with the builds, a squad of the lab's hosts, a swarm. */
  private void records(Map<String, Boolean> tags) throws Exception {
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
    for (Map.Entry<String, Boolean> tag : tags.entrySet()) {
      Blob b = put(build(tag.getKey(), tag.getValue()));
      db.jdbi().useTransaction(h -> {
        long app = h.createQuery("SELECT id FROM apps WHERE name = 'flow'").mapTo(Long.class).one();
        long img = ReleaseService.osImage(h, app).orElseThrow();
        long id = ReleaseService.currentBuild(h, app, img, tag.getKey());
        h.createUpdate("UPDATE builds SET file = :f, file_md5 = :m, hash = :h, status = 'success' WHERE id = :b")
            .bind("f", b.key()).bind("m", b.md5()).bind("h", Hashing.buildHash(b.md5(), image.md5())).bind("b", id).execute();
        Map<String, Object> swarm = h.createQuery("SELECT * FROM swarms WHERE id = :s").bind("s", swarmId).mapToMap().one();
        release.put(tag.getKey(), ReleaseService.currentRelease(h, swarm, List.of(), tag.getKey()));
      });
    }
  }

  /** A build tarball: busybox httpd serving "tag\n", with an uptest that waits for it (or, failing, says so). */
  private Path build(String tag, boolean passing) throws Exception {
    return vr.common.testing.BusyboxApp.build(tmp, tag, passing);
  }

  private Blob put(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return store.put(in, null);
    }
  }

  @Override
  public void close() {
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

  void setVersion(String tag, int size) {
    db.jdbi().useHandle(h -> h.createUpdate("UPDATE swarms SET release_id = :r, size = :n WHERE id = :s")
        .bind("r", release.get(tag)).bind("n", size).bind("s", swarmId).execute());
  }

  String hash(String tag) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT hash FROM releases WHERE id = :r").bind("r", release.get(tag))
        .mapTo(String.class).one());
  }

  /** The app's procs (its name starts with {@code flow}) on each host as its supervisord runs them, with their states. */
  Map<String, List<String>> running() {
    Map<String, List<String>> out = new TreeMap<>();
    for (Lab.Host h : lab.hosts()) {
      out.put(h.name(), on(h.name()));
    }
    return out;
  }

  /** The app's procs on one host, with their states. */
  List<String> on(String host) {
    try (HostAccess.Supervisor s = access.supervisor(host, null)) {
      List<String> mine = new ArrayList<>();
      for (ProcessInfo i : s.client().getAllProcessInfo()) {
        if (i.name().startsWith("flow")) {
          mine.add(i.name() + " " + i.statename());
        }
      }
      return mine;
    }
  }

  List<ProcName> runningProcs() {
    List<ProcName> out = new ArrayList<>();
    running().values().forEach(l -> l.forEach(s -> out.add(ProcName.parse(s.split(" ")[0]).orElseThrow())));
    return out;
  }

  List<Boolean> passes(long run) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT passed FROM test_results WHERE run_id = :r ORDER BY id")
        .bind("r", run).mapTo(Boolean.class).list());
  }

  long portLocks() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM port_locks").mapTo(Long.class).one());
  }

  /** GETs through nginx in a loop until stopped, counting answers by body and failures. */
  final class Loop implements AutoCloseable {
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

  String body() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port("web") + "/"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body().strip();
  }

  static String trace(String what) {
    return what + "-" + System.nanoTime();
  }

  static String millis(Map<String, Duration> steps) {
    StringBuilder b = new StringBuilder("{");
    steps.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=').append(v.toMillis()));
    return b.append(" ms}").toString();
  }
}
