package vr.server.files;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Authenticator;
import vr.server.api.Json;
import vr.server.api.Principal;
import vr.server.api.Router;

/**
 * A server with only the file routes on 127.0.0.1, a free port: SIGNED routes take a signed URL (through
 * {@link SignedUrlCheck}) or the user header, USER routes the header {@code X-Test-User}.
 */
final class FilesRig implements AutoCloseable {
  static final String USER = "X-Test-User";

  final SignedUrls urls;
  final Javalin app;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  FilesRig(BlobStore store, byte[] key, long maxUpload) {
    this.urls = new SignedUrls(key);
    SignedUrlCheck check = new SignedUrlCheck(urls);
    Authenticator auth = (ctx, access) -> {
      if (access == Access.SIGNED && check.present(ctx)) {
        return check.verify(ctx);
      }
      String user = ctx.header(USER);
      if (user == null) {
        throw ApiException.unauthorized("authentication required");
      }
      return new Principal(user, false);
    };
    app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      Router r = new Router(cfg.routes, auth);
      FileRoutes.register(r, store, maxUpload, Audit.NONE);
      cfg.routes.exception(ApiException.class, (e, ctx) -> {
        ctx.status(e.status());
        ctx.contentType("application/json");
        ctx.result(Json.write(e.body()));
      });
      cfg.routes.exception(Exception.class, (e, ctx) -> {
        e.printStackTrace(); // into the test's report, never to the client
        ctx.status(500);
        ctx.contentType("application/json");
        ctx.result("{\"status\":500,\"error\":\"internal error\"}");
      });
    }).start("127.0.0.1", 0);
  }

  URI uri(String relative) {
    return URI.create("http://127.0.0.1:" + app.port() + relative);
  }

  HttpRequest.Builder get(String relative) {
    return HttpRequest.newBuilder(uri(relative)).timeout(Duration.ofMinutes(5));
  }

  <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> h) throws Exception {
    return http.send(req, h);
  }

  HttpResponse<byte[]> send(HttpRequest req) throws Exception {
    return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Override
  public void close() {
    app.stop();
  }
}
