package vr.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import vr.server.events.RedisLink;
import vr.common.hosts.RemoteProcs;
import vr.common.model.ProcData;
import vr.common.model.ProcName;
import vr.common.ssh.SshSettings;
import vr.common.testing.Daemons;
import vr.common.testing.Lab;
import vr.common.testing.Stacks;
import vr.server.api.Audit;
import vr.server.api.Principal;
import vr.server.api.Router;

/**
 * The host-procs routes against two real lab hosts (sshd, supervisord with proc_publisher, Redis): cached and live
 * procs, start/stop/restart and delete of a busybox proc deployed with RemoteProcs, its log followed as it prints,
 * 404s, and hosts that cannot be reached (unknown host key, no answer, sshd stopped) answered as down or unknown
 * with the reason, within the deadline. The tests run in order: the last one stops the second host's sshd.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostProcsIT {
  @TempDir static Path tmp;

  @TempDir static Path toolsDir;
  @RegisterExtension static final Lab lab = Lab.of(2, () -> Lab.toolsFromTargets(toolsDir.resolve("dist")));

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(3);
  private static final Set<String> AS_DICT = new TreeSet<>(Arrays.asList("app_name", "config_name", "description",
      "exitstatus", "group", "hash", "host", "id", "jsname", "logfile", "name", "now", "pid", "port", "proc_name",
      "spawnerr", "start_time", "state", "statename", "stderr_logfile", "stdout_logfile", "stop_time", "version"));
  /** A name on the lab's subnet that no host answers. */
  private static final String GHOST = "ghost";

  private static final List<String> audited = new CopyOnWriteArrayList<>();
  private static final List<String> released = new CopyOnWriteArrayList<>();
  private static RedisLink redis;
  private static Server server;
  private static ProcName ticker;
  private static HttpClient http = HttpClient.newHttpClient();

  /** A server with the routes over its own HostAccess (closed with it). */
  record Server(Javalin app, HostAccess access, HostProcs procs) implements AutoCloseable {
    String url(String path) {
      return "http://127.0.0.1:" + app.port() + path;
    }

    @Override
    public void close() {
      app.stop();
      procs.close();
      access.close();
    }
  }

  static Server server(SshSettings ssh, Function<String, HostAccess.HostSetup> setups) {
    HostAccess access = HostAccess.start(ssh, setups, Duration.ofSeconds(10));
    HostProcs procs = new HostProcs(access, new LinkProcCache(redis), DEADLINE, Clock.systemUTC());
    Audit audit = (who, action, object, detail, failed) -> audited.add(who.username() + ": " + action + " " + object
        + (failed ? " (failed: " + detail + ")" : ""));
    ProcActions actions = new ProcActions(access, audit, (host, port) -> released.add(host + ":" + port));
    ProcLog log = new ProcLog(access, Duration.ofMillis(200), Duration.ofSeconds(1), 64 * 1024);
    Set<String> known = new TreeSet<>();
    lab.hosts().forEach(h -> known.add(h.name()));
    known.add(GHOST);
    Function<String, Optional<SwarmScope>> swarms = id -> id.equals("7")
        ? Optional.of(new SwarmScope(List.of(lab.hosts().get(0).name(), lab.hosts().get(1).name()), "ticker", "test", "web"))
        : id.equals("8") ? Optional.of(new SwarmScope(List.of(lab.hosts().get(0).name(), GHOST), "ticker", "test", "web"))
        : Optional.empty();
    Javalin app = Javalin.create(cfg -> {
      Router r = new Router(cfg.routes, (ctx, access1) -> new Principal("tester", false));
      HostRoutes.register(r, procs, actions, log, known::contains, swarms);
    }).start("127.0.0.1", 0);
    return new Server(app, access, procs);
  }

  static HostAccess.HostSetup setup(String name) {
    if (name.equals(GHOST)) {
      // an address of the lab's subnet that no host has: connects time out
      String a = lab.hosts().get(0).address();
      String ghost = a.substring(0, a.lastIndexOf('.')) + ".250";
      Lab.Host h = lab.hosts().get(0);
      return new HostAccess.HostSetup("root@" + ghost, new HostAccess.Supervisord.Socket(h.supervisorSocket().toString()),
          layout(h));
    }
    Lab.Host h = lab.hosts().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    return new HostAccess.HostSetup(h.ssh(), new HostAccess.Supervisord.Socket(h.supervisorSocket().toString()), layout(h));
  }

  static RemoteProcs.HostLayout layout(Lab.Host h) {
    return new RemoteProcs.HostLayout(h.root(), h.vrun().toString(), h.supervisorSocket().toString(),
        h.includeDir().toString(), false, Duration.ofMinutes(5));
  }

  static SshSettings ssh() {
    Lab.Host h = lab.hosts().get(0);
    return SshSettings.of(h.knownHosts(), List.of(h.keyFile())).withConnectTimeout(Duration.ofSeconds(8));
  }

  @BeforeAll
  static void start() throws Exception {
    redis = RedisLink.open(lab.redisUrl());
    server = server(ssh(), HostProcsIT::setup);
    // a VR proc on the first host that prints a numbered line every 200 ms
    Lab.Host h = lab.hosts().get(0);
    Path image = Stacks.busyboxImage(tmp.resolve("busybox.tar.gz"));
    Files.createDirectories(tmp.resolve("build"));
    Files.writeString(tmp.resolve("build/Procfile"),
        "web: i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done\n");
    Path build = tmp.resolve("ticker.tar.gz");
    assertThat(new ProcessBuilder("tar", "-C", tmp.resolve("build").toString(), "-czf", build.toString(), ".")
        .inheritIO().start().waitFor()).isZero();
    String yaml = "app_name: ticker\nversion: v1\nconfig_name: test\nrelease_hash: 0123abcd\nproc_name: web\n"
        + "host: " + h.address() + "\nport: " + Daemons.freePort() + "\nuser: nobody\ngroup: nogroup\n"
        + "image_name: busybox\nimage_url: " + image + "\nbuild_url: " + build + "\n";
    ticker = ProcData.load(Files.writeString(tmp.resolve("ticker.yaml"), yaml)).name();
    server.access().remoteProcs(h.name()).deploy(h.ssh(), ticker, yaml.getBytes(StandardCharsets.UTF_8));
    // and a plain program whose command does not exist, for supervisord's faults
    Files.writeString(h.includeDir().resolve("broken.conf"),
        "[program:broken]\ncommand=/nonexistent/broken\nautostart=false\nautorestart=false\n");
    try (HostAccess.Supervisor s = server.access().supervisor(h.name(), null)) {
      s.client().reloadConfig();
      s.client().addProcessGroup("broken");
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  static Reply call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofSeconds(60));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    long t0 = System.nanoTime();
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JSON.readTree(r.body()), (System.nanoTime() - t0) / 1_000_000);
  }

  record Reply(int status, JsonNode json, long millis) {}

  static String procsPath(Lab.Host h) {
    return "/api/v1/hosts/" + h.name() + "/procs/";
  }

  static List<String> names(JsonNode objects) {
    List<String> out = new ArrayList<>();
    objects.forEach(o -> out.add(o.get("name").asText()));
    return out;
  }

  @Test
  @Order(1)
  void aHostsProcsComeFromTheFreshCacheAndLiveOnRequestInTheOriginalsShape() throws Exception {
    Lab.Host h = lab.hosts().get(0);
    Reply cached = call("GET", procsPath(h), null);
    assertThat(cached.status()).isEqualTo(200);
    assertThat(cached.json().get("state").asText()).isEqualTo("up");
    assertThat(cached.json().get("source").asText()).isEqualTo("cache");
    assertThat(cached.json().get("reason").isNull()).isTrue();
    assertThat(names(cached.json().get("objects"))).contains("proc_publisher", ticker.format());

    // supervisord holds a new program in STARTING for its startsecs (1 s): ask live until it has passed
    Reply live = null;
    JsonNode mine = null;
    for (int i = 0; i < 50 && (mine == null || !mine.get("statename").asText().equals("RUNNING")); i++) {
      if (i > 0) {
        Thread.sleep(200);
      }
      live = call("GET", procsPath(h) + "?cache=no", null);
      mine = null;
      for (JsonNode o : live.json().get("objects")) {
        if (o.get("name").asText().equals(ticker.format())) {
          mine = o;
        }
      }
    }
    assertThat(live.json().get("source").asText()).isEqualTo("live");
    assertThat(live.json().get("state").asText()).isEqualTo("up");
    assertThat(mine).isNotNull();
    Set<String> keys = new TreeSet<>();
    mine.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).isEqualTo(AS_DICT);
    assertThat(mine.get("host").asText()).isEqualTo(h.name());
    assertThat(mine.get("app_name").asText()).isEqualTo("ticker");
    assertThat(mine.get("port").asInt()).isEqualTo(ticker.port());
    assertThat(mine.get("statename").asText()).isEqualTo("RUNNING");

    // figures for the lead: 20 of each, after the first
    long[] c = new long[20];
    long[] l = new long[20];
    for (int i = 0; i < 20; i++) {
      c[i] = call("GET", procsPath(h), null).millis();
      l[i] = call("GET", procsPath(h) + "?cache=no", null).millis();
    }
    Arrays.sort(c);
    Arrays.sort(l);
    System.out.println("HostProcsIT timing: GET procs from cache median " + c[10] + " ms (max " + c[19]
        + "), live median " + l[10] + " ms (max " + l[19] + ")");
  }

  @Test
  @Order(2)
  void cacheOnlyAnswersWithoutAskingAndAMissingCacheIsUnknownNotEmpty() throws Exception {
    Lab.Host h = lab.hosts().get(1);
    redis.call(j -> j.del("host_procs:" + h.name()));
    Reply only = call("GET", procsPath(h) + "?cache=only", null);
    assertThat(only.json().get("state").asText()).isEqualTo("unknown");
    assertThat(only.json().get("source").asText()).isEqualTo("cache");
    assertThat(only.json().get("reason").asText()).contains("nothing cached");
    // the default asks the host then, and refreshes the cache
    Reply fallback = call("GET", procsPath(h), null);
    assertThat(fallback.json().get("source").asText()).isEqualTo("live");
    assertThat(names(fallback.json().get("objects"))).contains("proc_publisher");
    assertThat(call("GET", procsPath(h) + "?cache=only", null).json().get("state").asText()).isEqualTo("up");
    assertThat(call("GET", procsPath(h) + "?cache=maybe", null).status()).isEqualTo(400);
  }

  static JsonNode act(String action) throws Exception {
    Reply r = call("POST", procsPath(lab.hosts().get(0)) + ticker.format() + "/", "{\"action\": \"" + action + "\"}");
    assertThat(r.status()).as(r.json().toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  @Order(3)
  void stopStartAndRestartReachSupervisordAndAreAudited() throws Exception {
    audited.clear();
    assertThat(act("stop").get("statename").asText()).isEqualTo("STOPPED");
    JsonNode started = act("start");
    assertThat(started.get("statename").asText()).isEqualTo("RUNNING");
    JsonNode restarted = act("restart");
    assertThat(restarted.get("statename").asText()).isEqualTo("RUNNING");
    assertThat(restarted.get("pid").asLong()).isNotEqualTo(started.get("pid").asLong());
    Reply info = call("GET", procsPath(lab.hosts().get(0)) + ticker.format() + "/", null);
    assertThat(info.json().get("pid").asLong()).isEqualTo(restarted.get("pid").asLong());
    String on = ticker.format() + " on " + lab.hosts().get(0).name();
    assertThat(audited).containsExactly("tester: stop " + on, "tester: start " + on, "tester: restart " + on);
    assertThat(call("POST", procsPath(lab.hosts().get(0)) + ticker.format() + "/", "{\"action\": \"explode\"}").status())
        .isEqualTo(400);
  }

  @Test
  @Order(4)
  void aSupervisorFaultIsA500WithTheFaultAndNoTrace() throws Exception {
    Reply r = call("POST", procsPath(lab.hosts().get(0)) + "broken/", "{\"action\": \"start\"}");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().get("fault").asText()).contains("broken");
    assertThat(r.json().toString()).doesNotContain("at vr.").doesNotContain("Exception");
    assertThat(audited).last().asString().contains("start broken").contains("failed");
    // a plain program is not deleted: it has no folder or port of a proc
    assertThat(call("DELETE", procsPath(lab.hosts().get(0)) + "broken/", null).status()).isEqualTo(400);
  }

  @Test
  @Order(5)
  void theLogStreamCarriesLinesPrintedAfterItOpenedAndLetsGoWhenTheClientLeaves() throws Exception {
    Lab.Host h = lab.hosts().get(0);
    // one SSH channel per host: a tail that kept its forward after the client left would starve the next call
    try (Server tight = server(ssh().withPool(1, 1, Duration.ofSeconds(60)).withConnectTimeout(Duration.ofSeconds(2)),
        HostProcsIT::setup)) {
      int before = lastTick(tight, h);
      String path = "/api/streams/proc_log/" + h.name() + "/" + ticker.format() + "/";
      int seen;
      try (Socket s = new Socket("127.0.0.1", tight.app().port())) {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        s.setSoTimeout(10_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String status = in.readLine();
        assertThat(status).contains("200");
        seen = -1;
        Pattern tick = Pattern.compile("^data: tick (\\d+)$");
        for (String line; seen < 0 && (line = in.readLine()) != null; ) {
          Matcher m = tick.matcher(line);
          if (m.matches()) {
            seen = Integer.parseInt(m.group(1));
          }
        }
      }
      assertThat(seen).as("a tick printed after the stream opened").isGreaterThan(before);
      // the client is gone: the next write fails, the tail closes its forward, and the one channel is free again
      long t0 = System.nanoTime();
      JsonNode live = null;
      for (int i = 0; i < 20; i++) {
        live = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(tight.url(procsPath(h) + "?cache=no"))).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        if (live.get("state").asText().equals("up")) {
          break;
        }
      }
      assertThat(live.get("state").asText()).as(live.toString()).isEqualTo("up");
      System.out.println("HostProcsIT: channel free again " + (System.nanoTime() - t0) / 1_000_000 + " ms after the client left");

      // text/plain: bare lines
      HttpResponse<java.io.InputStream> plain = http.send(HttpRequest.newBuilder(URI.create(tight.url(path))).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(plain.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
      try (BufferedReader in = new BufferedReader(new InputStreamReader(plain.body(), StandardCharsets.UTF_8))) {
        assertThat(in.readLine()).matches("tick \\d+");
      }
    }
  }

  /** The newest tick in the proc's log now, read through supervisord. */
  private static int lastTick(Server s, Lab.Host h) {
    try (HostAccess.Supervisor sup = s.access().supervisor(h.name(), null)) {
      String text = sup.client().tailProcessStdoutLog(ticker.format(), 0, 4096).text();
      Matcher m = Pattern.compile("tick (\\d+)\n").matcher(text);
      int last = -1;
      while (m.find()) {
        last = Integer.parseInt(m.group(1));
      }
      assertThat(last).as("the ticker has printed").isPositive();
      return last;
    }
  }

  @Test
  @Order(6)
  void aSwarmsProcsSpanItsHostsAndADeadHostIsListedWithinTheDeadline() throws Exception {
    Reply r = call("GET", "/api/v1/swarms/7/procs/", null);
    assertThat(names(r.json().get("objects"))).containsExactly(ticker.format());
    assertThat(r.json().get("hosts")).hasSize(2);
    Reply dead = call("GET", "/api/v1/swarms/8/procs/?cache=no", null);
    assertThat(dead.millis()).as("one dead host delays the answer by the deadline at most")
        .isLessThan(DEADLINE.toMillis() + 1500);
    assertThat(names(dead.json().get("objects"))).containsExactly(ticker.format());
    JsonNode ghost = dead.json().get("hosts").get(1);
    assertThat(ghost.get("host").asText()).isEqualTo(GHOST);
    assertThat(ghost.get("state").asText()).isIn("unknown", "down");
    assertThat(ghost.get("reason").asText()).isNotBlank();
    System.out.println("HostProcsIT: swarm procs with a dead host answered in " + dead.millis() + " ms: " + ghost);
    assertThat(call("GET", "/api/v1/swarms/9/procs/", null).status()).isEqualTo(404);
  }

  @Test
  @Order(7)
  void unknownHostsAndProcsAre404AndBadNamesAre400() throws Exception {
    Lab.Host h = lab.hosts().get(0);
    assertThat(call("GET", "/api/v1/hosts/nosuchhost/procs/", null).status()).isEqualTo(404);
    assertThat(call("GET", "/api/v1/hosts/nosuchhost/procs/x/", null).status()).isEqualTo(404);
    Reply missing = call("GET", procsPath(h) + "nosuchproc/", null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").asText()).contains("nosuchproc");
    assertThat(call("POST", procsPath(h) + "nosuchproc/", "{\"action\": \"start\"}").status()).isEqualTo(404);
    assertThat(call("DELETE", procsPath(h) + "nosuchproc/", null).status()).isEqualTo(404);
    assertThat(call("GET", "/api/streams/proc_log/" + h.name() + "/nosuchproc/", null).status()).isEqualTo(404);
    assertThat(call("GET", "/api/v1/hosts/bad%20host/procs/", null).status()).isEqualTo(400);
    assertThat(call("GET", procsPath(h) + "bad%21proc/", null).status()).isEqualTo(400);
  }

  @Test
  @Order(8)
  void deleteStopsRemovesAndTearsDownTheProcAndReleasesItsPort() throws Exception {
    Lab.Host h = lab.hosts().get(0);
    audited.clear();
    Reply r = call("DELETE", procsPath(h) + ticker.format() + "/", null);
    assertThat(r.status()).as(r.json().toString()).isEqualTo(200);
    assertThat(r.json().get("name").asText()).isEqualTo(ticker.format());
    assertThat(r.json().get("deleted").asBoolean()).isTrue();
    assertThat(released).containsExactly(h.name() + ":" + ticker.port());
    assertThat(audited).containsExactly("tester: destroy " + ticker.format() + " on " + h.name());
    assertThat(names(call("GET", procsPath(h) + "?cache=no", null).json().get("objects"))).doesNotContain(ticker.format());
    assertThat(h.rootDir().resolve("procs").resolve(ticker.format())).doesNotExist();
    assertThat(h.includeDir().resolve(ticker.format() + ".conf")).doesNotExist();
  }

  @Test
  @Order(9)
  void aHostKeyNotInKnownHostsIsDownWithTheReason() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");
    Lab.Host h = lab.hosts().get(0);
    try (HostAccess access = HostAccess.start(SshSettings.of(empty, List.of(h.keyFile())), HostProcsIT::setup,
        Duration.ofSeconds(5)); HostProcs procs = new HostProcs(access, null, DEADLINE, Clock.systemUTC())) {
      ProcList l = procs.of(h.name(), HostProcs.CacheUse.NEVER);
      assertThat(l.state()).isEqualTo(ProcList.State.DOWN);
      assertThat(l.reason()).contains("not in").contains(empty.toString());
      assertThat(l.toMap()).containsKey("objects");
    }
  }

  @Test
  @Order(10)
  void aHostWhoseSshdIsStoppedIsDownWithTheReasonAndItsStaleProcsNeverAnEmptyList() throws Exception {
    Lab.Host h = lab.hosts().get(1);
    for (long pid : netnsPids(h.netns())) {
      if (comm(pid).equals("sshd")) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    Daemons.sleep(300);
    // the fresh cache still answers by default; asked live, the host is down and the cache is the fallback
    Reply live = call("GET", procsPath(h) + "?cache=no", null);
    assertThat(live.millis()).isLessThan(DEADLINE.toMillis() + 1500);
    assertThat(live.json().get("state").asText()).isEqualTo("down");
    assertThat(live.json().get("reason").asText()).containsIgnoringCase("refused");
    assertThat(live.json().get("source").asText()).isEqualTo("stale-cache");
    assertThat(names(live.json().get("objects"))).contains("proc_publisher");
    // without a cache: down, with the reason, and no procs claimed
    redis.call(j -> j.del("host_procs:" + h.name()));
    Reply bare = call("GET", procsPath(h), null);
    assertThat(bare.json().get("state").asText()).isEqualTo("down");
    assertThat(bare.json().get("reason").asText()).containsIgnoringCase("refused");
    assertThat(bare.json().get("source").asText()).isEqualTo("live");
    assertThat(call("GET", procsPath(h) + "proc_publisher/", null).status()).isEqualTo(503);
  }

  private static List<Long> netnsPids(String netns) throws Exception {
    Process p = new ProcessBuilder("ip", "netns", "pids", netns).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.lines().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.strip())).toList();
  }

  private static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
