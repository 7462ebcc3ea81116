package vr.server.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every route of the server goes through here, with its access and a one-line summary, so that one list
 * feeds the OpenAPI document, the test that walks every route without credentials, and Javalin. The
 * access check runs before the handler; a route cannot be added without one.
 */
public final class Router {
  /** One registered route. {@code sse} routes answer {@code text/event-stream}. */
  public record Route(HandlerType method, String path, Access access, String summary, boolean sse) {}

  private static final String PRINCIPAL = "vr.principal";

  private final RoutesConfig routes;
  private final Authenticator auth;
  private final List<Route> table = new ArrayList<>();

  public Router(RoutesConfig routes, Authenticator auth) {
    this.routes = routes;
    this.auth = auth;
  }

  /** The caller of the current request (set by the access check). */
  public static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      throw new IllegalStateException("no principal: the route was not registered through Router");
    }
    return p;
  }

  public void get(String path, Access access, String summary, Handler h) {
    add(HandlerType.GET, path, access, summary, h);
  }

  public void post(String path, Access access, String summary, Handler h) {
    add(HandlerType.POST, path, access, summary, h);
  }

  public void put(String path, Access access, String summary, Handler h) {
    add(HandlerType.PUT, path, access, summary, h);
  }

  public void patch(String path, Access access, String summary, Handler h) {
    add(HandlerType.PATCH, path, access, summary, h);
  }

  public void delete(String path, Access access, String summary, Handler h) {
    add(HandlerType.DELETE, path, access, summary, h);
  }

  public void head(String path, Access access, String summary, Handler h) {
    add(HandlerType.HEAD, path, access, summary, h);
  }

  /**
   * A GET that writes its own stream: server-sent events when the client's {@code Accept} asks for
   * {@code text/event-stream}, another streamed type otherwise. Listed as {@code sse}, as {@link #sse} routes are.
   */
  public void stream(String path, Access access, String summary, Handler h) {
    add(HandlerType.GET, path, access, summary, h, true);
  }

  /** A server-sent events stream; the consumer runs once per client after the access check. */
  public void sse(String path, Access access, String summary, Consumer<SseClient> client) {
    table.add(new Route(HandlerType.GET, path, access, summary, true));
    SseHandler sse = new SseHandler(client);
    routes.get(path, ctx -> {
      ctx.attribute(PRINCIPAL, auth.authenticate(ctx, access));
      sse.handle(ctx);
    });
  }

  private void add(HandlerType method, String path, Access access, String summary, Handler h) {
    add(method, path, access, summary, h, false);
  }

  private void add(HandlerType method, String path, Access access, String summary, Handler h, boolean sse) {
    table.add(new Route(method, path, access, summary, sse));
    Handler checked = ctx -> {
      ctx.attribute(PRINCIPAL, auth.authenticate(ctx, access));
      h.handle(ctx);
    };
    routes.addHttpHandler(method, path, checked);
  }

  public List<Route> routes() {
    return Collections.unmodifiableList(table);
  }
}
