package vr.server;

import io.javalin.Javalin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Authenticator;
import vr.server.api.Json;
import vr.server.api.Metrics;
import vr.server.api.OpenApi;
import vr.server.api.Router;
import vr.server.api.rest.RestResource;
import vr.server.files.BlobStore;
import vr.server.files.FileRoutes;
import vr.server.jobs.JobQueue;
import vr.server.records.ActionRoutes;
import vr.server.records.UploadRoutes;
import vr.server.records.ProcSource;
import vr.server.records.Resources;
import vr.server.records.Validation;
import vr.server.store.Database;
import vr.server.web.Dashboard;

/**
 * The HTTP side of the server: the Javalin instance with every route, assembled from its parts. It owns
 * nothing it is given (database, Redis, SSH); {@link VrServer} opens and closes those.
 */
public final class ServerApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerApp.class);

  /** What the server is made of; tests give their own. */
  public record Parts(Database db, Authenticator auth, Audit audit, Validation validation, ProcSource procs,
      int apiLimitPerPage, BlobStore files, long maxUploadBytes, List<Consumer<Router>> extraRoutes,
      Map<String, Supplier<Object>> health, JobQueue jobs) {
    /** Without workers: accepted work is only recorded in the jobs table. */
    public Parts(Database db, Authenticator auth, Audit audit, Validation validation, ProcSource procs,
        int apiLimitPerPage, BlobStore files, long maxUploadBytes, List<Consumer<Router>> extraRoutes,
        Map<String, Supplier<Object>> health) {
      this(db, auth, audit, validation, procs, apiLimitPerPage, files, maxUploadBytes, extraRoutes, health,
          JobQueue.ROWS_ONLY);
    }
  }

  private final Javalin javalin;
  private final List<Router.Route> routes = new ArrayList<>();
  private ActionRoutes actions;
  private final Metrics metrics = new Metrics();

  public ServerApp(Parts parts) {
    Resources resources = new Resources(parts.validation(), parts.procs());
    Map<String, RestResource> rest = new LinkedHashMap<>();
    for (var def : resources.registry().all()) {
      rest.put(def.name(), new RestResource(def, resources.registry(), parts.db().jdbi(), parts.audit(), parts.apiLimitPerPage()));
    }
    resources.bind(rest);
    this.javalin = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.http.prefer405over404 = true;
      cfg.http.maxRequestSize = 4L << 20;
      cfg.jetty.modifyServer(s -> s.setStopTimeout(10_000));
      cfg.requestLogger.http((ctx, ms) -> metrics.request(ctx.method().name(), ctx.statusCode(), (long) (ms * 1e6)));
      cfg.routes.exception(ApiException.class, (e, ctx) -> {
        if (e.status() == 401 && ctx.path().startsWith("/api/")) {
          ctx.header("WWW-Authenticate", "Basic realm=\"vr-server\"");
        }
        ctx.status(e.status()).contentType("application/json").result(Json.write(e.body()));
      });
      cfg.routes.exception(Exception.class, (e, ctx) -> {
        String ref = Long.toString(System.nanoTime() & 0xffffffL, 36);
        LOG.error("{} {} failed (ref {})", ctx.method(), ctx.path(), ref, e);
        ctx.status(500).contentType("application/json")
            .result(Json.write(Map.of("status", 500, "error", "internal error; the server log has it under ref " + ref)));
      });
      cfg.routes.error(404, ctx -> {
        if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{")) {
          ctx.contentType("application/json").result(Json.write(Map.of("status", 404, "error", "not found: " + ctx.path())));
        }
      });
      cfg.routes.error(405, ctx -> ctx.contentType("application/json")
          .result(Json.write(Map.of("status", 405, "error", ctx.method() + " is not allowed on " + ctx.path()))));

      Router router = new Router(cfg.routes, parts.auth());
      router.get("/health", Access.PUBLIC, "Health: database and Redis state (200 ok, 503 degraded)", ctx -> {
        Map<String, Object> h = new LinkedHashMap<>();
        boolean ok = true;
        for (var e : parts.health().entrySet()) {
          Object v = e.getValue().get();
          h.put(e.getKey(), v);
          ok &= "up".equals(v);
        }
        h.put("status", ok ? "ok" : "degraded");
        ctx.status(ok ? 200 : 503).contentType("application/json").result(Json.write(h));
      });
      router.get("/metrics", Access.USER, "Metrics in Prometheus's text format",
          ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.text()));
      actions = new ActionRoutes(parts.db().jdbi(), parts.audit(), resources, parts.jobs());
      actions.register(router);
      FileRoutes files = FileRoutes.register(router, parts.files(), parts.maxUploadBytes(), parts.audit());
      new UploadRoutes(parts.db().jdbi(), parts.audit(), files, rest).register(router);
      for (RestResource r : rest.values()) {
        r.register(router, Resources.READ_ONLY.contains(r.def().name()));
      }
      for (Consumer<Router> extra : parts.extraRoutes()) {
        extra.accept(router);
      }
      new Dashboard(parts.db().jdbi()).register(router);
      router.get("/api/v1/openapi.json", Access.USER, "This API's OpenAPI 3 document",
          ctx -> ctx.contentType("application/json").result(Json.write(
              OpenApi.document(router.routes(), resources.registry(), VrServer.version()))));
      routes.addAll(router.routes());
    });
  }

  public ServerApp start(String host, int port) {
    javalin.start(host, port);
    return this;
  }

  public int port() {
    return javalin.port();
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The action routes, for the server to give them its swarm flow's reading of dispatch bodies. */
  public ActionRoutes actions() {
    return actions;
  }

  /** Every route, with its access (the 401 walk and the OpenAPI check read this). */
  public List<Router.Route> routes() {
    return routes;
  }

  /** Stops accepting, lets requests in flight finish (up to 10 s), then stops. */
  @Override
  public void close() {
    javalin.stop();
  }
}
