package vr.server.bench;

import io.javalin.Javalin;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The baseline process of {@code scripts/bench server}: the same Javalin and Jetty as vr-server, from the same
 * jar and with the same JVM flags, serving {@code GET /health} (a constant) and, when a file is given,
 * {@code GET /static} (that file's bytes, held in memory, as JSON). Nothing else: no database, no
 * authentication, no request logger.
 *
 * <p>Usage: {@code HelloJavalin PORT [FILE]}.
 */
public final class HelloJavalin {
  private HelloJavalin() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    byte[] body = args.length > 1 ? Files.readAllBytes(Path.of(args[1])) : new byte[0];
    Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.routes.get("/health", ctx -> ctx.contentType("application/json").result("{\"status\": \"ok\"}"));
      cfg.routes.get("/static", ctx -> ctx.contentType("application/json").result(body));
    }).start("127.0.0.1", port);
  }
}
