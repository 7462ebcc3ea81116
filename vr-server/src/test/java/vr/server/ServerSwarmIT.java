package vr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import vr.common.model.Hashing;
import vr.common.model.ProcName;
import vr.common.testing.Daemons;
import vr.common.testing.Lab;
import vr.common.testing.PostgresDaemon;
import vr.common.testing.RedisDaemon;
import vr.common.testing.Stacks;
import vr.server.files.Blob;
import vr.server.files.DbBlobStore;
import vr.server.records.ReleaseService;
import vr.server.store.Database;

/**
 * Two {@code vr-server} processes on one PostgreSQL deploying to a lab squad of two real hosts (reached through
 * {@code HOST_SETUP}): a swarm dispatched on both at once is accepted once; two apps' swarms run at once; a
 * release deployed by hand (a web proc on a port, a worker on port 0); and a server SIGKILLed mid-swarm, whose
 * job the other server resumes and finishes. After each: what each host's supervisord runs, and no port lock.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerSwarmIT {
  @TempDir static Path dir;
  @RegisterExtension static final Lab lab = Lab.of(2,
      () -> Lab.toolsFromTargets(Files.createTempDirectory("vr-serverswarm-tools").resolve("dist")));

  static PostgresDaemon pg;
  static RedisDaemon redis;
  static Database db;
  static String bridge;
  static final Process[] SERVERS = new Process[2];
  static final int[] PORTS = new int[2];
  static final Map<String, Long> RELEASES = new TreeMap<>();
  static final Map<String, Long> SWARMS = new TreeMap<>();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret-pass".getBytes(StandardCharsets.UTF_8));

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresDaemon.start(dir.resolve("pg"));
    redis = RedisDaemon.start(dir.resolve("redis"));
    db = Database.open(pg.jdbcUrl(), null, null); // migrates before the servers start
    String a = lab.hosts().get(0).address();
    bridge = a.substring(0, a.lastIndexOf('.')) + ".1";
    StringBuilder hosts = new StringBuilder("HOST_SETUP:\n");
    for (Lab.Host h : lab.hosts()) {
      hosts.append("  ").append(h.name()).append(": {SSH: '").append(h.ssh()).append("', SUPERVISOR_SOCKET: '")
          .append(h.supervisorSocket()).append("', ROOT: '").append(h.root()).append("', VRUN: '").append(h.vrun())
          .append("', INCLUDE_DIR: '").append(h.includeDir()).append("'}\n");
    }
    for (int i = 0; i < 2; i++) {
      PORTS[i] = Daemons.freePort();
      Files.writeString(dir.resolve("settings" + i + ".yaml"), "BIND: " + bridge + "\nPORT: " + PORTS[i]
          + "\nDATA_DIR: " + dir.resolve("data" + i) + "\nDATABASE_URL: " + pg.jdbcUrl() + "\nREDIS_URL: " + redis.url()
          + "\nFILE_STORE: database\nSSH_KEY: " + lab.hosts().get(0).keyFile() + "\nSSH_KNOWN_HOSTS: "
          + lab.hosts().get(0).knownHosts() + "\nPORT_RANGE_START: 5000\nPORT_RANGE_END: 5100\nJOB_HEARTBEAT: 3\nHOST_DEADLINE: 60\n" + hosts);
    }
    Process create = java(List.of("create-user", "ops", "--admin"), 0, dir.resolve("create.log"));
    create.getOutputStream().write("s3cret-pass\n".getBytes(StandardCharsets.UTF_8));
    create.getOutputStream().close();
    assertThat(create.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(create.exitValue()).as(Files.readString(dir.resolve("create.log"))).isZero();
    records();
    for (int i = 0; i < 2; i++) {
      SERVERS[i] = java(List.of(), i, dir.resolve("server" + i + ".log"));
    }
    for (int i = 0; i < 2; i++) {
      Daemons.awaitPort(bridge, PORTS[i], Duration.ofSeconds(120));
    }
  }

  static Process java(List<String> args, int settings, Path log) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", ServerProcessIT.jar().toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("APP_SETTINGS_YAML", dir.resolve("settings" + settings + ".yaml").toString());
    pb.environment().put("HOME", dir.toString());
    return pb.start();
  }

  @AfterAll
  static void stop() {
    for (Process p : SERVERS) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    for (AutoCloseable c : new AutoCloseable[] {db, redis, pg}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // the rest still close
      }
    }
  }

  /** Apps alpha and beta on the busybox stack, each with builds v1 and v2 (v2's uptest takes 4 s), a swarm each. */
  static void records() throws Exception {
    DbBlobStore store = new DbBlobStore(db);
    Blob image = put(store, Stacks.busyboxImage(dir.resolve("busybox.tar.gz")));
    Map<String, Blob> builds = new TreeMap<>();
    for (String tag : List.of("v1", "v2")) {
      builds.put(tag, put(store, build(tag)));
    }
    db.jdbi().useTransaction(h -> {
      long stack = h.createUpdate("INSERT INTO stacks (name) VALUES ('busybox')").executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
      h.createUpdate("INSERT INTO os_images (stack_id, name, file, file_md5, active) VALUES (:s, 'busybox', :f, :m, TRUE)")
          .bind("s", stack).bind("f", image.key()).bind("m", image.md5()).execute();
      long squad = h.createUpdate("INSERT INTO squads (name) VALUES ('lab')").executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
      for (Lab.Host host : lab.hosts()) {
        h.createUpdate("INSERT INTO hosts (name, squad_id) VALUES (:n, :q)").bind("n", host.name()).bind("q", squad).execute();
      }
      for (String app : List.of("alpha", "beta")) {
        long appId = h.createUpdate("INSERT INTO apps (name, repo_url, stack_id) VALUES (:a, 'https://example.invalid/a.git', :s)")
            .bind("a", app).bind("s", stack).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        long swarm = h.createUpdate("INSERT INTO swarms (app_id, config_name, proc_name, squad_id, size) "
                + "VALUES (:a, 'prod', 'web', :q, :n)")
            .bind("a", appId).bind("q", squad).bind("n", app.equals("alpha") ? 2 : 1).executeAndReturnGeneratedKeys("id")
            .mapTo(Long.class).one();
        SWARMS.put(app, swarm);
        long img = ReleaseService.osImage(h, appId).orElseThrow();
        for (String tag : List.of("v1", "v2")) {
          Blob b = builds.get(tag);
          long id = ReleaseService.currentBuild(h, appId, img, tag);
          h.createUpdate("UPDATE builds SET file = :f, file_md5 = :m, hash = :h, status = 'success' WHERE id = :b")
              .bind("f", b.key()).bind("m", b.md5()).bind("h", Hashing.buildHash(b.md5(), image.md5())).bind("b", id).execute();
          Map<String, Object> row = h.createQuery("SELECT * FROM swarms WHERE id = :s").bind("s", swarm).mapToMap().one();
          RELEASES.put(app + "-" + tag, ReleaseService.currentRelease(h, row, List.of(), tag));
        }
        h.createUpdate("UPDATE swarms SET release_id = :r WHERE id = :s").bind("r", RELEASES.get(app + "-v1"))
            .bind("s", swarm).execute();
      }
    });
  }

  /** busybox httpd serving the tag, a worker that only sleeps, and an uptest that waits for the tag (v2: 4 s first). */
  static Path build(String tag) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src-" + tag + "/www")).getParent();
    Files.writeString(src.resolve("www/index.html"), tag + "\n");
    Files.writeString(src.resolve("Procfile"), "web: exec busybox httpd -f -p $PORT -h /app/www\nworker: exec busybox sleep 100000\n");
    Path up = Files.createDirectories(src.resolve("uptests/web")).resolve("01_http");
    Files.writeString(up, "#!/bin/sh\n" + (tag.equals("v2") ? "sleep 4\n" : "") + "i=0\nwhile [ $i -lt 100 ]; do\n"
        + "  busybox wget -q -O- http://$1:$2/ | grep -q '" + tag + "' && exit 0\n  i=$((i+1)); sleep 0.1\ndone\nexit 1\n");
    Files.setPosixFilePermissions(up, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path out = dir.resolve("build-" + tag + ".tar.gz");
    assertThat(new ProcessBuilder("tar", "-C", src.toString(), "-czf", out.toString(), ".").inheritIO().start().waitFor()).isZero();
    return out;
  }

  static Blob put(DbBlobStore store, Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return store.put(in, null, 1L << 30);
    }
  }

  static HttpResponse<String> post(int server, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + bridge + ":" + PORTS[server] + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", AUTH).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The job queued under {@code trace}: state, message, attempts, runner. */
  static Map<String, Object> job(String trace) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT state, message, attempts, runner FROM jobs WHERE trace_id = :t")
        .bind("t", trace).mapToMap().one());
  }

  static Map<String, Object> awaitJob(String trace, Duration max) throws Exception {
    long end = System.nanoTime() + max.toNanos();
    Map<String, Object> j = job(trace);
    while (!List.of("succeeded", "failed").contains(j.get("state")) && System.nanoTime() < end) {
      Thread.sleep(200);
      j = job(trace);
    }
    return j;
  }

  /** Each host's programs of {@code app} with their states, as the host's supervisord lists them. */
  static List<String> running(String app) {
    List<String> out = new ArrayList<>();
    for (Lab.Host h : lab.hosts()) {
      String status = lab.lab(List.of("exec", h.name(), "sh", "-c", "supervisorctl -c " + h.supervisorSocket().getParent().getParent()
          .resolve("supervisord.conf") + " status || true")).output();
      for (String line : status.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 2 && f[0].startsWith(app + "-")) {
          out.add(h.name() + " " + f[0] + " " + f[1]);
        }
      }
    }
    return out;
  }

  static long portLocks() {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM port_locks").mapTo(Long.class).one());
  }

  static void setVersion(String app, String tag) {
    db.jdbi().useHandle(h -> h.createUpdate("UPDATE swarms SET release_id = :r WHERE id = :s")
        .bind("r", RELEASES.get(app + "-" + tag)).bind("s", SWARMS.get(app)).execute());
  }

  @Test
  @Order(1)
  void aSwarmDispatchedOnBothServersAtOnceIsAcceptedOnceAndAnotherAppsSwarmRunsBeside() throws Exception {
    String alpha = "/api/v1/swarms/" + SWARMS.get("alpha") + "/swarm/";
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService two = Executors.newFixedThreadPool(2);
    List<HttpResponse<String>> answers = new ArrayList<>();
    try {
      List<Future<HttpResponse<String>>> fs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int server = i;
        fs.add(two.submit(() -> {
          together.await();
          return post(server, alpha, "");
        }));
      }
      for (Future<HttpResponse<String>> f : fs) {
        answers.add(f.get());
      }
    } finally {
      two.shutdownNow();
    }
    assertThat(answers).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(202, 409);
    HttpResponse<String> accepted = answers.stream().filter(r -> r.statusCode() == 202).findFirst().orElseThrow();
    String trace = accepted.body().replaceAll(".*\"swarm_id\":\"([0-9a-f]+)\".*", "$1");
    HttpResponse<String> refused = answers.stream().filter(r -> r.statusCode() == 409).findFirst().orElseThrow();
    assertThat(refused.body()).contains("swarm alpha-v1-prod-web is already being dispatched").contains("trace " + trace);

    HttpResponse<String> beta = post(1, "/api/v1/swarms/" + SWARMS.get("beta") + "/swarm/", "");
    assertThat(beta.statusCode()).as(beta.body()).isEqualTo(202);
    String betaTrace = beta.body().replaceAll(".*\"swarm_id\":\"([0-9a-f]+)\".*", "$1");

    Map<String, Object> a = awaitJob(trace, Duration.ofMinutes(5));
    Map<String, Object> b = awaitJob(betaTrace, Duration.ofMinutes(5));
    assertThat(a.get("state")).as(String.valueOf(a.get("message"))).isEqualTo("succeeded");
    assertThat(b.get("state")).as(String.valueOf(b.get("message"))).isEqualTo("succeeded");
    assertThat(running("alpha")).hasSize(2).allMatch(s -> s.endsWith(" RUNNING") && s.contains("alpha-v1-prod-"));
    assertThat(running("alpha")).extracting(s -> s.split(" ")[0]).containsExactlyInAnyOrder(lab.hosts().get(0).name(),
        lab.hosts().get(1).name());
    assertThat(running("beta")).hasSize(1).allMatch(s -> s.endsWith(" RUNNING"));
    assertThat(portLocks()).isZero();
  }

  @Test
  @Order(2)
  void aReleaseDeployedByHandRunsOnItsPortAndAWorkerOnPortZero() throws Exception {
    String host = lab.hosts().get(1).name();
    String rel = "/api/v1/releases/" + RELEASES.get("beta-v2") + "/deploy/";
    HttpResponse<String> web = post(0, rel, "{\"host\": \"" + host + "\", \"proc\": \"web\", \"config_name\": \"manual\", \"port\": 5077}");
    assertThat(web.statusCode()).as(web.body()).isEqualTo(202);
    HttpResponse<String> worker = post(1, rel, "{\"host\": \"" + host + "\", \"proc\": \"worker\", \"config_name\": \"manual\", \"port\": 0}");
    assertThat(worker.statusCode()).as(worker.body()).isEqualTo(202);
    Map<String, Object> w = awaitJob(trace(web), Duration.ofMinutes(3));
    Map<String, Object> k = awaitJob(trace(worker), Duration.ofMinutes(3));
    assertThat(w.get("state")).as(String.valueOf(w.get("message"))).isEqualTo("succeeded");
    assertThat(k.get("state")).as(String.valueOf(k.get("message"))).isEqualTo("succeeded");
    // a deployed proc is STARTING until supervisord's startsecs have passed
    List<String> beta = running("beta");
    for (int i = 0; i < 60 && beta.stream().anyMatch(s -> s.endsWith(" STARTING")); i++) {
      Thread.sleep(500);
      beta = running("beta");
    }
    assertThat(beta).anyMatch(s -> s.startsWith(host + " beta-v2-manual-") && s.endsWith("-web-5077 RUNNING"));
    assertThat(beta).anyMatch(s -> s.startsWith(host + " beta-v2-manual-") && s.endsWith("-worker-0 RUNNING"));
    String procName = beta.stream().filter(s -> s.contains("-web-5077")).findFirst().orElseThrow().split(" ")[1];
    assertThat(ProcName.parse(procName).orElseThrow().hash()).isEqualTo(db.jdbi().withHandle(h -> h.createQuery(
        "SELECT hash FROM releases WHERE id = :r").bind("r", RELEASES.get("beta-v2")).mapTo(String.class).one()));
    String answer = lab.lab(List.of("exec", host, "sh", "-c", "busybox wget -q -O- http://" + host + ":5077/")).output();
    assertThat(answer.strip()).isEqualTo("v2");
    assertThat(w.get("message")).isEqualTo("deployed " + procName + " to " + host);

    // the port is taken now: a second deploy there fails, naming the proc, and changes nothing
    HttpResponse<String> again = post(0, rel, "{\"host\": \"" + host + "\", \"proc\": \"worker\", \"config_name\": \"other\", \"port\": 5077}");
    Map<String, Object> refused = awaitJob(trace(again), Duration.ofMinutes(1));
    assertThat(refused.get("state")).isEqualTo("failed");
    assertThat((String) refused.get("message")).isEqualTo("port 5077 is taken on " + host + " by " + procName);
    assertThat(running("beta")).hasSize(beta.size());
    assertThat(portLocks()).isZero();
    try (var j = new redis.clients.jedis.Jedis(URI.create(redis.url()))) {
      assertThat(j.lrange("vr2_events_buffer", 0, -1)).anySatisfy(e -> assertThat(e)
          .contains("deploying beta-v2-").contains("-web-5077 to " + host));
    }
  }

  static String trace(HttpResponse<String> accepted) {
    return accepted.body().replaceAll(".*\"trace_id\":\"([0-9a-f]+)\".*", "$1");
  }

  @Test
  @Order(3)
  void aServerKilledMidSwarmHasItsJobResumedAndFinishedByTheOther() throws Exception {
    setVersion("alpha", "v2");
    HttpResponse<String> r = post(0, "/api/v1/swarms/" + SWARMS.get("alpha") + "/swarm/", "");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String trace = r.body().replaceAll(".*\"swarm_id\":\"([0-9a-f]+)\".*", "$1");
    // wait for the uptests (4 s each), then kill the server running the job
    long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    String step = null;
    while (!"uptest".equals(step) && System.nanoTime() < end) {
      Thread.sleep(100);
      step = db.jdbi().withHandle(h -> h.createQuery("SELECT step FROM swarm_runs WHERE trace_id = :t AND state = 'running'")
          .bind("t", trace).mapTo(String.class).findOne().orElse(null));
    }
    assertThat(step).as("the dispatch reached its uptests; job " + job(trace)).isEqualTo("uptest");
    String runner = (String) job(trace).get("runner");
    int victim = runner.endsWith(":" + SERVERS[0].pid()) ? 0 : 1;
    assertThat(runner).endsWith(":" + SERVERS[victim].pid());
    SERVERS[victim].destroyForcibly(); // SIGKILL: no shutdown hook, no chance to finish anything
    assertThat(SERVERS[victim].waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(portLocks()).as("a killed dispatch past its deploys holds no lock").isZero();

    Map<String, Object> j = awaitJob(trace, Duration.ofMinutes(5));
    assertThat(j.get("state")).as(j.get("message") + "; " + Files.readString(dir.resolve("server" + (1 - victim) + ".log")))
        .isEqualTo("succeeded");
    assertThat(((Number) j.get("attempts")).intValue()).isEqualTo(2);
    assertThat((String) j.get("runner")).endsWith(":" + SERVERS[1 - victim].pid());
    List<String> runs = db.jdbi().withHandle(h -> h.createQuery("SELECT state || ':' || COALESCE(message, '') FROM swarm_runs "
        + "WHERE trace_id = :t ORDER BY id").bind("t", trace).mapTo(String.class).list());
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0)).startsWith("failed:the server running this dispatch died; attempt 2 resumed it on ");
    assertThat(runs.get(1)).startsWith("done:Swarm alpha-v2-prod-web finished: 2 procs");
    // exactly the swarm's size of v2 procs, one per host, all running; v1 retired; nothing claimed or locked
    List<String> alpha = running("alpha");
    assertThat(alpha).hasSize(2).allMatch(s -> s.contains(" alpha-v2-prod-") && s.endsWith(" RUNNING"));
    assertThat(alpha).extracting(s -> s.split(" ")[0]).containsExactlyInAnyOrder(lab.hosts().get(0).name(),
        lab.hosts().get(1).name());
    assertThat(portLocks()).isZero();
    long claimed = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM swarms WHERE running_trace IS NOT NULL")
        .mapTo(Long.class).one());
    assertThat(claimed).isZero();
    // the resumed attempt uptested the procs the dead one had deployed
    long tested = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM test_results t JOIN swarm_runs r "
        + "ON r.test_run_id = t.run_id WHERE r.trace_id = :t AND r.state = 'done' AND t.passed").bind("t", trace)
        .mapTo(Long.class).one());
    assertThat(tested).isEqualTo(2);
  }

  @Test
  @Order(4)
  void anOnDemandUptestRunTestsEveryProcOfEveryHostIntoATestRun() throws Exception {
    int alive = SERVERS[0].isAlive() ? 0 : 1;
    List<String> procs = new ArrayList<>(running("alpha"));
    procs.addAll(running("beta"));
    HttpResponse<String> r = post(alive, "/api/v1/testruns/run/", "");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(r.body()).matches("\\{\"(job_id|trace_id)\":.*");
    Map<String, Object> j = awaitJob(trace(r), Duration.ofMinutes(3));
    assertThat(j.get("state")).as(String.valueOf(j.get("message"))).isEqualTo("succeeded");
    long run = db.jdbi().withHandle(h -> h.createQuery("SELECT MAX(id) FROM test_runs").mapTo(Long.class).one());
    assertThat(j.get("message")).isEqualTo("test run " + run + ": " + procs.size() + " procs on 2 hosts, 0 failed");
    List<String> results = db.jdbi().withHandle(h -> h.createQuery("SELECT hostname || ' ' || procname || ' ' || passed "
        + "FROM test_results WHERE run_id = :r").bind("r", run).mapTo(String.class).list());
    assertThat(results).containsExactlyInAnyOrderElementsOf(procs.stream()
        .map(p -> p.split(" ")[0] + " " + p.split(" ")[1] + " true").toList());
  }
}
