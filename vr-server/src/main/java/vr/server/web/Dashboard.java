package vr.server.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Json;
import vr.server.api.Router;

/**
 * The dashboard: HTML pages (one shell each, filled by {@code dashboard.js} from the JSON API and the SSE
 * streams), its two static assets, and two read-only JSON routes the API lacked (a dispatch's job state, the
 * swarms' last outcomes). Every route needs a login: a browser without a session is sent to the login form.
 * Nothing is loaded from another origin; the Content-Security-Policy says so to the browser too.
 */
public final class Dashboard {
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  /** The record kinds with a list/create/edit/delete page. */
  static final Set<String> KINDS = Set.of("apps", "buildpacks", "stacks", "squads", "hosts", "ingredients", "images");
  private static final Map<String, String> ASSETS = Map.of(
      "dashboard.js", "text/javascript; charset=utf-8",
      "dashboard.css", "text/css; charset=utf-8");

  private final Jdbi jdbi;
  private final Map<String, byte[]> assets = new LinkedHashMap<>();

  public Dashboard(Jdbi jdbi) {
    this.jdbi = jdbi;
    for (String name : ASSETS.keySet()) {
      try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("the dashboard asset " + name + " is missing from the jar");
        }
        assets.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public void register(Router r) {
    r.get("/", Access.USER, "Dashboard: hosts by squad with their procs, live", ctx -> page(ctx, "home", "Procs", Map.of()));
    r.get("/procs/{hostname}/{procname}/", Access.USER, "Dashboard: one proc (actions, log tail, release, uptests)",
        ctx -> page(ctx, "proc", "Proc " + ctx.pathParam("procname"),
            Map.of("host", ctx.pathParam("hostname"), "proc", ctx.pathParam("procname"))));
    r.get("/swarms/", Access.USER, "Dashboard: the swarms, searchable", ctx -> page(ctx, "swarms", "Swarms", Map.of()));
    r.get("/swarms/new/", Access.USER, "Dashboard: the form for a new swarm", ctx -> page(ctx, "swarm", "New swarm", Map.of()));
    r.get("/swarms/{id}/", Access.USER, "Dashboard: one swarm: its form, dispatch and progress",
        ctx -> page(ctx, "swarm", "Swarm " + ctx.pathParam("id"), Map.of("id", digits(ctx.pathParam("id")))));
    r.get("/events/", Access.USER, "Dashboard: the deployment events, live", ctx -> page(ctx, "events", "Events", Map.of()));
    r.get("/builds/", Access.USER, "Dashboard: builds: start one and watch its log, upload one",
        ctx -> page(ctx, "builds", "Builds", Map.of()));
    r.get("/testruns/", Access.USER, "Dashboard: the latest uptest runs and their failures",
        ctx -> page(ctx, "testruns", "Test runs", Map.of()));
    r.get("/records/{kind}/", Access.USER, "Dashboard: list, create, edit and delete apps, buildpacks, stacks, ...",
        ctx -> {
          String kind = ctx.pathParam("kind");
          if (!KINDS.contains(kind)) {
            throw ApiException.notFound("no record page " + kind);
          }
          page(ctx, "records", Character.toUpperCase(kind.charAt(0)) + kind.substring(1), Map.of("kind", kind));
        });
    r.get("/ui/{file}", Access.USER, "Dashboard assets (its script and style sheet)", this::asset);
    r.get("/api/v1/jobs/{trace}/", Access.USER, "A queued job by its trace id: kind, state (queued, running, done, "
        + "failed), message", this::job);
    r.get("/api/v1/swarm_runs/", Access.USER, "The newest dispatch of each swarm: state, step, message, times",
        this::swarmRuns);
  }

  private static String digits(String id) {
    if (!id.matches("[0-9]{1,18}")) {
      throw ApiException.notFound("no swarm " + id);
    }
    return id;
  }

  private static void page(Context ctx, String page, String title, Map<String, String> data) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("text/html; charset=utf-8").result(Pages.shell(page, title, data));
  }

  private void asset(Context ctx) {
    String name = ctx.pathParam("file");
    byte[] body = assets.get(name);
    if (body == null) {
      throw ApiException.notFound("no asset " + name);
    }
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Cache-Control", "private, max-age=60");
    ctx.contentType(ASSETS.get(name)).result(body);
  }

  private void job(Context ctx) {
    String trace = ctx.pathParam("trace");
    Map<String, Object> row = jdbi.withHandle(h -> h.createQuery(
            "SELECT kind, target_id, state, message, created_time, updated_time FROM jobs WHERE trace_id = :t ORDER BY id DESC")
        .bind("t", trace).mapToMap().findFirst().orElse(null));
    if (row == null) {
      throw ApiException.notFound("no job " + trace);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("trace_id", trace);
    out.put("kind", row.get("kind"));
    out.put("target_id", row.get("target_id"));
    out.put("state", row.get("state"));
    out.put("message", row.get("message"));
    out.put("created", String.valueOf(row.get("created_time")));
    out.put("updated", String.valueOf(row.get("updated_time")));
    ctx.contentType("application/json").result(Json.write(out));
  }

  private void swarmRuns(Context ctx) {
    List<Map<String, Object>> rows = jdbi.withHandle(h -> h.createQuery(
            "SELECT r.swarm_id, r.trace_id, r.state, r.step, r.message, r.start_time, r.end_time FROM swarm_runs r "
                + "WHERE r.id = (SELECT MAX(x.id) FROM swarm_runs x WHERE x.swarm_id = r.swarm_id) ORDER BY r.swarm_id")
        .mapToMap().list());
    List<Map<String, Object>> objects = rows.stream().map(row -> {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("swarm_id", row.get("swarm_id"));
      o.put("trace_id", row.get("trace_id"));
      o.put("state", row.get("state"));
      o.put("step", row.get("step"));
      o.put("message", row.get("message"));
      o.put("start", row.get("start_time") == null ? null : String.valueOf(row.get("start_time")));
      o.put("end", row.get("end_time") == null ? null : String.valueOf(row.get("end_time")));
      return o;
    }).toList();
    ctx.contentType("application/json").result(Json.write(Map.of("objects", objects)));
  }
}
