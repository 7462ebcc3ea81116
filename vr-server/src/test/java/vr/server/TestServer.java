package vr.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Authenticator;
import vr.server.api.Principal;
import vr.server.api.Router;
import vr.server.records.DbAudit;
import vr.server.records.ProcSource;
import vr.server.records.Validation;
import vr.server.store.Database;

/**
 * An in-process server for tests on a database the test gives (H2 file or PostgreSQL), with Basic auth for one
 * user {@code alice:secret}, and an HTTP client that speaks JSON to it.
 */
public final class TestServer implements AutoCloseable {
  public static final String USER = "alice";
  public static final String PASSWORD = "secret";

  public final Database db;
  public final Path blobs;
  public final ServerApp app;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public TestServer(String jdbcUrl, ProcSource procs, List<Consumer<Router>> extra) {
    this.db = Database.open(jdbcUrl, null, null);
    try {
      blobs = java.nio.file.Files.createTempDirectory("vr-test-blobs");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Audit audit = new DbAudit(db.jdbi(), (user, action, object, detail, failed) -> {});
    this.app = new ServerApp(new ServerApp.Parts(db, basicAuth(), audit,
        new Validation(Set.of("default", "edge"), null), procs, 100, new vr.server.files.DirBlobStore(blobs), 1L << 30, extra,
        Map.of("database", () -> "up"))).start("127.0.0.1", 0);
  }

  public static TestServer h2(Path dir) {
    return new TestServer(Database.h2Url(dir), ProcSource.NONE, List.of());
  }

  /** Basic auth for alice; PUBLIC routes pass; SIGNED routes need alice too in these tests. */
  public static Authenticator basicAuth() {
    String good = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    return (ctx, access) -> {
      if (access == Access.PUBLIC) {
        return new Principal("(anonymous)", false);
      }
      if (good.equals(ctx.header("Authorization"))) {
        return new Principal(USER, true);
      }
      throw ApiException.unauthorized("authentication required");
    };
  }

  /**
   * A settings file for a whole {@link Server} in {@code dir}: any free port on loopback, data under {@code dir},
   * the given Redis, and an SSH key that does not exist (hosts answer 'down').
   */
  public static Path settingsFile(Path dir, String redisUrl) {
    Path settings = dir.resolve("settings.yaml");
    try {
      java.nio.file.Files.writeString(settings, "BIND: 127.0.0.1\nPORT: 0\nDATA_DIR: " + dir.resolve("data") + "\nREDIS_URL: "
          + redisUrl + "\nSSH_KEY: " + dir.resolve("no-key") + "\nSSH_KNOWN_HOSTS: " + dir.resolve("known_hosts") + "\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return settings;
  }

  public String base() {
    return "http://127.0.0.1:" + app.port();
  }

  public HttpResponse<String> send(String method, String path, String json, boolean auth) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .header("Content-Type", "application/json");
    if (auth) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + ": " + e, e);
    }
  }

  public HttpResponse<String> get(String path) {
    return send("GET", path, null, true);
  }

  public HttpResponse<String> post(String path, String json) {
    return send("POST", path, json, true);
  }

  @Override
  public void close() {
    app.close();
    db.close();
    try (var walk = java.nio.file.Files.walk(blobs)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // a temp dir left behind is not worth failing a test for
    }
  }
}
