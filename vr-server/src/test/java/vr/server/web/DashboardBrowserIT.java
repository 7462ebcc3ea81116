package vr.server.web;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.testing.Prereqs;
import vr.common.testing.RedisDaemon;
import vr.server.Server;
import vr.server.TestServer;
import vr.server.auth.Passwords;
import vr.server.auth.Users;
import vr.server.config.ServerSettings;
import vr.server.store.Database;

/**
 * The dashboard in a real browser: Debian's chromium, driven by playwright-core from {@code src/test/browser}
 * ({@code dashboard.test.mjs}, node's test runner), against the whole server on H2 and a real redis-server. The
 * records the pages show are made here through the API; the script publishes proc changes and events to the same
 * Redis the way the hosts' proc_publisher and the server do, and dispatches a swarm whose real run fails (its
 * host has no SSH key to reach it), so its progress comes from the server's own events.
 */
class DashboardBrowserIT {
  static final String USER = "carol";
  static final String PASSWORD = "dashboard-pw";
  @TempDir static Path dir;
  static RedisDaemon redis;
  static Server server;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static long swarmId;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisDaemon.start(dir.resolve("redis"));
    ServerSettings s = ServerSettings.load(TestServer.settingsFile(dir, redis.url()), Map.of("HOME", dir.toString()));
    Files.createDirectories(s.dataDir());
    try (Database db = Database.open(s.jdbcUrl(), null, null)) {
      new Users(db.jdbi(), new Passwords(4), Clock.systemUTC()).create(USER, PASSWORD, true);
    }
    server = Server.start(s, line -> {});
    call("POST", "/api/v1/squads/", "{\"name\": \"lab\"}", 201);
    call("POST", "/api/v1/hosts/", "{\"name\": \"localhost\", \"squad\": \"lab\"}", 201);
    call("POST", "/api/v1/apps/", "{\"name\": \"flow\", \"repo_url\": \"https://example.invalid/flow.git\"}", 201);
    call("POST", "/api/v1/builds/upload/?app=flow&tag=v1", "not really a tarball", 201);
    HttpResponse<String> swarm = call("POST", "/api/v1/swarms/", "{\"app\": \"flow\", \"squad\": \"lab\", \"config_name\": "
        + "\"prod\", \"proc_name\": \"web\", \"size\": 1, \"version\": \"v1\", \"pool\": \"\", \"balancer\": \"\"}", 201);
    String location = swarm.headers().firstValue("Location").orElseThrow();
    swarmId = Long.parseLong(location.replaceAll(".*/swarms/([0-9]+)/?$", "$1"));
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

  static HttpResponse<String> call(String method, String path, String body, int expect) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
        .build();
    HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).as(method + " " + path + ": " + resp.body()).isEqualTo(expect);
    return resp;
  }

  /** The browser harness's folder: {@code src/test/browser} of this module, with its npm dependencies installed. */
  static Path harness() {
    Path d = Path.of(System.getProperty("basedir", ".")).resolve("src/test/browser").toAbsolutePath().normalize();
    if (!Files.isDirectory(d.resolve("node_modules/playwright-core"))) {
      throw new AssertionError("missing prerequisite: playwright-core is not installed in " + d
          + "; run: npm ci --prefix vr-server/src/test/browser (scripts/test does it)");
    }
    return d;
  }

  @Test
  void theDashboardWorksInChromium() throws Exception {
    Path node = Prereqs.command("node", "nodejs");
    Prereqs.command("npm", "npm");
    Path chromium = Prereqs.command("chromium", "chromium");
    Prereqs.command("redis-cli", "redis-tools");
    Path browser = harness();
    List<String> cmd = new ArrayList<>(List.of(node.toString(), "--test", "--test-concurrency=1", "dashboard.test.mjs"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(browser.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("VR_URL", "http://127.0.0.1:" + server.port());
    env.put("VR_USER", USER);
    env.put("VR_PASSWORD", PASSWORD);
    env.put("REDIS_PORT", Integer.toString(URI.create(redis.url()).getPort()));
    env.put("CHROMIUM", chromium.toString());
    env.put("SWARM_ID", Long.toString(swarmId));
    env.put("HOME", dir.toString());
    String shots = System.getProperty("dashboard.screenshots");
    if (shots != null && !shots.isBlank()) {
      env.put("SCREENSHOT_DIR", Path.of(shots).toAbsolutePath().toString());
    }
    Process p = pb.start();
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (var in = p.inputReader(StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          System.out.println("[browser] " + line);
          synchronized (out) {
            out.append(line).append('\n');
          }
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
    });
    reader.start();
    boolean ended = p.waitFor(6, TimeUnit.MINUTES);
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    reader.join(10_000);
    String text;
    synchronized (out) {
      text = out.toString();
    }
    assertThat(ended).as("the browser tests did not end within 6 minutes:\n" + text).isTrue();
    assertThat(p.exitValue()).as("the browser tests failed:\n" + text).isZero();
    // node's test runner closes with its counts: every test ran and passed, none was skipped
    assertThat(text).contains("# fail 0").contains("# skipped 0").containsPattern("# pass [1-9][0-9]*");
  }
}
