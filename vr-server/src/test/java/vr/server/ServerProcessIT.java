package vr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.testing.Daemons;
import vr.common.testing.PostgresDaemon;
import vr.common.testing.RedisDaemon;

/**
 * {@code vr-server} as a process, twice, on one PostgreSQL and one Redis (the scale-out the swarm work relies
 * on): a user made by {@code create-user} logs in to both, what one writes the other serves (records and
 * stored files), events published through one reach a stream on the other, and SIGTERM stops each cleanly.
 */
class ServerProcessIT {
  @TempDir static Path dir;
  static PostgresDaemon pg;
  static RedisDaemon redis;
  static final List<Process> SERVERS = new ArrayList<>();
  static final int[] PORTS = new int[2];
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret-pass".getBytes(StandardCharsets.UTF_8));

  static Path jar() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("target"))) {
      return s.filter(p -> p.getFileName().toString().matches("vr-server-.*-all\\.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("no vr-server-*-all.jar in target: run mvn package first")).toAbsolutePath();
    }
  }

  static Process java(List<String> args, Path settings, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar().toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("APP_SETTINGS_YAML", settings.toString());
    pb.environment().put("HOME", dir.toString());
    return pb.start();
  }

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresDaemon.start(dir.resolve("pg"));
    redis = RedisDaemon.start(dir.resolve("redis"));
    for (int i = 0; i < 2; i++) {
      PORTS[i] = Daemons.freePort();
      Path settings = dir.resolve("settings" + i + ".yaml");
      Files.writeString(settings, "BIND: 127.0.0.1\nPORT: " + PORTS[i] + "\nDATA_DIR: " + dir.resolve("data" + i)
          + "\nDATABASE_URL: " + pg.jdbcUrl() + "\nREDIS_URL: " + redis.url() + "\nFILE_STORE: database\n");
    }
    Process create = java(List.of("create-user", "ops", "--admin"), dir.resolve("settings0.yaml"), dir.resolve("create.log"));
    create.getOutputStream().write("s3cret-pass\n".getBytes(StandardCharsets.UTF_8));
    create.getOutputStream().close();
    assertThat(create.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(create.exitValue()).as(Files.readString(dir.resolve("create.log"))).isZero();
    for (int i = 0; i < 2; i++) {
      SERVERS.add(java(List.of(), dir.resolve("settings" + i + ".yaml"), dir.resolve("server" + i + ".log")));
    }
    for (int i = 0; i < 2; i++) {
      Daemons.awaitPort("127.0.0.1", PORTS[i], Duration.ofSeconds(120));
    }
  }

  @AfterAll
  static void stop() {
    SERVERS.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
    SERVERS.forEach(Process::destroyForcibly);
    if (redis != null) {
      redis.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  static HttpResponse<String> send(int server, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORTS[server] + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", AUTH).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void twoServersShareRecordsUsersFilesAndEvents() throws Exception {
    assertThat(send(0, "POST", "/api/v1/apps/", "{\"name\": \"shared\", \"repo_url\": \"https://example.invalid/s.git\"}")
        .statusCode()).isEqualTo(201);
    HttpResponse<String> app = send(1, "GET", "/api/v1/apps/shared/", null);
    assertThat(app.statusCode()).as(app.body()).isEqualTo(200);
    assertThat(app.body()).contains("\"repo_url\":\"https://example.invalid/s.git\"");

    byte[] content = "a prebuilt build, stored once".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> up = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORTS[0] + "/api/v1/blobs/"))
        .header("Authorization", AUTH).POST(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
    String key = up.body().replaceAll(".*\"key\":\"([0-9a-f]{64})\".*", "$1");
    HttpResponse<byte[]> down = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORTS[1] + "/files/" + key))
        .header("Authorization", AUTH).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(down.statusCode()).isEqualTo(200);
    assertThat(down.body()).isEqualTo(content);

    // a user action on server 0 is in the log both read, and its event is in the shared buffer
    HttpResponse<String> log = send(1, "GET", "/api/v1/logs/?user=ops&type=create", null);
    assertThat(log.body()).contains("create apps shared");
    try (var j = new redis.clients.jedis.Jedis(URI.create(redis.url()))) {
      assertThat(j.lrange("vr2_events_buffer", 0, -1)).anySatisfy(e -> assertThat(e).contains("ops: create apps shared"));
    }
  }

  @Test
  void sigtermStopsAServerCleanly() throws Exception {
    Path settings = dir.resolve("settings-extra.yaml");
    int port = Daemons.freePort();
    Files.writeString(settings, "PORT: " + port + "\nDATABASE_URL: " + pg.jdbcUrl() + "\nREDIS_URL: " + redis.url()
        + "\nDATA_DIR: " + dir.resolve("data-extra") + "\n");
    Process p = java(List.of(), settings, dir.resolve("extra.log"));
    Daemons.awaitPort("127.0.0.1", port, Duration.ofSeconds(120));
    p.destroy();
    assertThat(p.waitFor(40, TimeUnit.SECONDS)).as(Files.readString(dir.resolve("extra.log"))).isTrue();
    assertThat(Files.readString(dir.resolve("extra.log"))).doesNotContain("Exception");
    assertThat(p.exitValue()).isIn(0, 143);
  }
}
