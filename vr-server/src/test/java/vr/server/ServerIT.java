package vr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.testing.RedisDaemon;
import vr.server.api.Access;
import vr.server.api.Router;
import vr.server.config.ServerSettings;

/**
 * The whole server as {@code vr-server} assembles it (records, auth, events, files, hosts), in-process on H2
 * and a real redis-server: every registered route refuses a caller without credentials, no response carries
 * a stack trace, and health follows Redis.
 */
class ServerIT {
  @TempDir static Path dir;
  static RedisDaemon redis;
  static Server server;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    redis = RedisDaemon.start(dir.resolve("redis"));
    server = Server.start(ServerSettings.load(TestServer.settingsFile(dir, redis.url()), Map.of("HOME", dir.toString())), line -> {});
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    redis.close();
  }

  static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, method.equals("GET") || method.equals("HEAD") ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString("{}"));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyRouteRefusesACallerWithoutCredentialsAndNoResponseHoldsAStackTrace() throws Exception {
    List<Router.Route> routes = server.app().routes();
    assertThat(routes).hasSizeGreaterThan(60);
    List<String> checked = new ArrayList<>();
    for (Router.Route r : routes) {
      String path = r.path().replaceAll("\\{[a-z_]+}", "1").replaceAll("<[a-z_]+>", "1");
      for (Map<String, String> headers : List.of(Map.<String, String>of(),
          Map.of("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("nobody:wrong".getBytes())),
          Map.of("Authorization", "Bearer vrt_not-a-token"), Map.of("Cookie", "vr_session=forged"))) {
        HttpResponse<String> resp = send(r.method().name(), path, headers);
        assertThat(resp.body()).as(r.method() + " " + path).doesNotContain("\tat ").doesNotContain("Exception");
        if (r.access() == Access.PUBLIC) {
          continue;
        }
        if (r.access() == Access.SIGNED && headers.isEmpty()) {
          assertThat(resp.statusCode()).as(r.method() + " " + path).isIn(401, 403);
          continue;
        }
        if (headers.containsKey("Authorization") && headers.get("Authorization").startsWith("Basic")) {
          // wrong passwords are throttled after a few tries (429): refused either way
          assertThat(resp.statusCode()).as(r.method() + " " + path + " " + headers.keySet()).isIn(401, 429);
        } else {
          assertThat(resp.statusCode()).as(r.method() + " " + path + " " + headers.keySet()).isEqualTo(401);
        }
      }
      checked.add(r.method() + " " + r.path());
    }
    assertThat(checked).contains("GET /api/streams/events/", "GET /api/v1/hosts/{hostname}/procs/",
        "POST /api/v1/swarms/{id}/swarm/", "GET /api/v1/openapi.json");
  }

  @Test
  void browsersAskingForAPageAreSentToTheLoginForm() throws Exception {
    HttpResponse<String> r = send("GET", "/", Map.of("Accept", "text/html"));
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location").orElse("")).startsWith("/login/");
  }

  @Test
  void healthFollowsRedis() throws Exception {
    assertThat(send("GET", "/health", Map.of()).body()).contains("\"redis\":\"up\"").contains("\"status\":\"ok\"");
    redis.stop();
    try {
      HttpResponse<String> down = null;
      for (int i = 0; i < 100; i++) {
        down = send("GET", "/health", Map.of());
        if (down.statusCode() == 503) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("\"redis\":\"down").contains("\"status\":\"degraded\"");
    } finally {
      redis.start();
    }
    HttpResponse<String> up = null;
    for (int i = 0; i < 150; i++) {
      up = send("GET", "/health", Map.of());
      if (up.statusCode() == 200) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
  }
}
