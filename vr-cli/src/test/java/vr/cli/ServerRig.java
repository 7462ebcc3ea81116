package vr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import vr.common.testing.RedisDaemon;
import vr.server.Server;
import vr.server.auth.Passwords;
import vr.server.auth.Users;
import vr.server.config.ServerSettings;
import vr.server.hosts.HostAccess;
import vr.server.store.Database;

/**
 * A real vr-server in-process on an H2 data directory and a real Redis, with one user, and these records: app
 * {@code shop} with an uploaded build {@code v1}; squad {@code empty} (no hosts) and squad {@code ghosts} (host
 * localhost, where no sshd listens); swarms {@code shop-prod-web} (size 0 on empty: its dispatch finishes), {@code
 * shop-prod-worker} (size 1 on empty: its dispatch fails, no host to deploy to) and {@code shop-prod-cron} (on
 * ghosts); ingredient {@code redis}. Its build host is a port that accepts and never answers, so a build there
 * (and a swarm that needs one) runs until the rig closes.
 */
final class ServerRig implements AutoCloseable {
  static final String USER = "alice";
  static final String PASSWORD = "correct-horse";
  static final ObjectMapper JSON = new ObjectMapper();

  final RedisDaemon redis;
  final Server server;
  final String url;
  private final ServerSocket silent;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ServerRig(Path dir) throws Exception {
    this(dir, "");
  }

  /** {@link #ServerRig(Path)} with {@code settings} added (e.g. a {@code HOST_DEADLINE}). */
  ServerRig(Path dir, String settings) throws Exception {
    this(dir, "127.0.0.1", 0, settings, null, null);
    records();
  }

  /**
   * A server on {@code bind:port} with {@code settings} added to the rig's, reaching hosts as {@code setups} says
   * (null: the packaged layout), on the Redis at {@code redisUrl} (null: its own), without records.
   */
  ServerRig(Path dir, String bind, int port, String settings, Function<String, HostAccess.HostSetup> setups, String redisUrl)
      throws Exception {
    redis = redisUrl == null ? RedisDaemon.start(dir.resolve("redis")) : null;
    silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!silent.isClosed()) {
        try {
          held.add(silent.accept());
        } catch (IOException e) {
          return;
        }
      }
    }, "silent-build-host");
    t.setDaemon(true);
    t.start();
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    try (Database db = Database.open(Database.h2Url(data), null, null)) {
      new Users(db.jdbi(), new Passwords(4), Clock.systemUTC()).create(USER, PASSWORD, true);
    }
    Path file = dir.resolve("settings.yaml");
    String defaults = (settings.contains("SSH_KEY:") ? "" : "SSH_KEY: " + dir.resolve("no-key") + "\nSSH_KNOWN_HOSTS: "
        + dir.resolve("known_hosts") + "\n");
    Files.writeString(file, "BIND: " + bind + "\nPORT: " + port + "\nDATA_DIR: " + data + "\nREDIS_URL: " + (redis == null ? redisUrl : redis.url())
        + "\nBUILD_HOST: 127.0.0.1:" + silent.getLocalPort() + "\n"
        // no scheduled uptest runs: the test runs the commands see are the swarms' own
        + "SCHEDULES: {uptest_all_procs: 0}\n" + defaults + settings);
    ServerSettings loaded = ServerSettings.load(file, Map.of("HOME", dir.toString()));
    server = setups == null ? Server.start(loaded, line -> {}) : Server.start(loaded, line -> {}, setups);
    url = "http://" + bind + ":" + server.port() + "/";
  }

  /** The environment a user of vr.cli has: the server's URL and the credentials. */
  Map<String, String> env() {
    return Map.of("VELOCIRAPTOR_URL", url, "VELOCIRAPTOR_USERNAME", USER, "VELOCIRAPTOR_PASSWORD", PASSWORD);
  }

  private void records() throws Exception {
    api("POST", "api/v1/apps/", "{\"name\": \"shop\", \"repo_url\": \"https://example.invalid/shop.git\"}");
    upload("api/v1/builds/upload/?app=shop&tag=v1", "not really a tarball".getBytes(StandardCharsets.UTF_8));
    api("POST", "api/v1/buildpacks/", "{\"repo_url\": \"https://example.invalid/bp.git\", \"repo_type\": \"git\", \"order\": 0}");
    api("POST", "api/v1/squads/", "{\"name\": \"empty\"}");
    api("POST", "api/v1/squads/", "{\"name\": \"ghosts\"}");
    api("POST", "api/v1/hosts/", "{\"name\": \"localhost\", \"squad\": \"/api/v1/squads/ghosts/\"}");
    api("POST", "api/v1/ingredients/", "{\"name\": \"redis\", \"config_yaml\": {\"redis\": \"redis://r1\"}}");
    swarm("web", "empty", 0);
    swarm("worker", "empty", 1);
    swarm("cron", "ghosts", 1);
  }

  private void swarm(String proc, String squad, int size) throws Exception {
    api("POST", "api/v1/swarms/", "{\"app\": \"/api/v1/apps/shop/\", \"squad\": \"/api/v1/squads/" + squad + "/\", "
        + "\"config_name\": \"prod\", \"proc_name\": \"" + proc + "\", \"size\": " + size + ", \"version\": \"v1\"}");
  }

  /** POSTs {@code bytes} to an upload route ({@code path} with its query), with their md5. */
  void upload(String path, byte[] bytes) throws Exception {
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    HttpResponse<String> up = http.send(request(path + (path.contains("?") ? "&" : "?") + "md5=" + md5)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).header("Content-Type", "application/octet-stream").build(),
        HttpResponse.BodyHandlers.ofString());
    check(up, "upload " + path);
  }

  /** The swarm's record, found by its proc name. */
  JsonNode swarm(String proc) throws Exception {
    return api("GET", "api/v1/swarms/?proc_name=" + proc, null).path("objects").get(0);
  }

  JsonNode api(String method, String path, String json) throws Exception {
    HttpResponse<String> r = http.send(request(path).method(method, json == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    check(r, method + " " + path);
    return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).header("Authorization",
        "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
  }

  private static void check(HttpResponse<String> r, String what) {
    if (r.statusCode() >= 300) {
      throw new AssertionError(what + ": " + r.statusCode() + " " + r.body());
    }
  }

  @Override
  public void close() throws Exception {
    silent.close();
    for (Socket s : held) {
      s.close();
    }
    server.close();
    if (redis != null) {
      redis.close();
    }
  }
}
