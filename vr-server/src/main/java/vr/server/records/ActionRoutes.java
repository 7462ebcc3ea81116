package vr.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Json;
import vr.server.api.Router;
import vr.server.api.rest.Records;
import vr.server.api.rest.RenderContext;
import vr.server.jobs.JobQueue;

/**
 * The action endpoints of reference 7.5: start a build, dispatch a swarm, deploy a release by hand (202, the
 * work queued for the server's workers) and the latest test run. (A swarm's procs: vr.server.hosts.HostRoutes.)
 */
public final class ActionRoutes {
  private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9_.-]+");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

  private final Jdbi jdbi;
  private final Audit audit;
  private final Resources resources;
  private final JobQueue jobs;
  private volatile DispatchBody dispatchBody = (swarm, body) -> {
    if (body.isEmpty()) {
      return null;
    }
    throw ApiException.unavailable("this server does not run the swarm flow, which reads a dispatch's options");
  };

  /** {@code jobs} queues the accepted work in the request's transaction (row and run). */
  public ActionRoutes(Jdbi jdbi, Audit audit, Resources resources, JobQueue jobs) {
    this.jdbi = jdbi;
    this.audit = audit;
    this.resources = resources;
    this.jobs = jobs;
  }

  /**
   * What a dispatch's JSON body becomes: the job's params (null for none), read and checked by the swarm flow
   * (vr.server.swarm.SwarmRoutes#params: 400 for a bad option, 409 for a stale plan).
   */
  public interface DispatchBody {
    String params(long swarmId, ObjectNode body);
  }

  /** The server's swarm flow reads dispatch bodies; without it only an empty body is taken. */
  public void dispatchBody(DispatchBody b) {
    this.dispatchBody = b;
  }

  /** Registered before the generic resources, so {@code testruns/latest/} wins over {@code testruns/{id}/}. */
  public void register(Router r) {
    r.get("/api/v1/testruns/latest/", Access.USER, "Redirect (302) to the newest finished test run", this::latestRun);
    r.post("/api/v1/testruns/run/", Access.USER,
        "Uptest every proc of every active host into a new test run (202, {\"job_id\": id, \"trace_id\": t})", this::testRun);
    r.post("/api/v1/builds/{id}/build/", Access.USER, "Start the build (202); it runs on the build host", this::build);
    r.post("/api/v1/swarms/{id}/swarm/", Access.USER,
        "Dispatch the swarm (202, {\"swarm_id\": trace id}); body {\"batch\": K, \"canary\": true, \"plan\": id}, all optional",
        this::swarm);
    r.post("/api/v1/releases/{id}/deploy/", Access.USER,
        "Deploy the release by hand to host:port as proc (202; port 0 for workers)", this::deploy);
  }

  private static long id(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no such id '" + ctx.pathParam("id") + "'");
    }
  }

  void latestRun(Context ctx) {
    Long id = jdbi.withHandle(h -> h.createQuery("SELECT id FROM test_runs WHERE end_time IS NOT NULL ORDER BY id DESC")
        .mapTo(Long.class).findFirst().orElse(null));
    if (id == null) {
      throw ApiException.notFound("no finished test run yet");
    }
    String q = ctx.queryString();
    ctx.redirect("/api/v1/testruns/" + id + "/" + (q == null || q.isEmpty() ? "" : "?" + q), io.javalin.http.HttpStatus.FOUND);
  }

  /** The on-demand run of the hourly uptests (the original had none, its #40): a job of their kind. */
  void testRun(Context ctx) {
    String trace = Jobs.traceId();
    long job = jdbi.inTransaction(h -> jobs.enqueue(h, "uptest_all_procs", null, null, trace, Router.principal(ctx).username()));
    audit.record(Router.principal(ctx), "uptest", "all procs", null, false);
    ctx.status(202).contentType("application/json").result(Json.write(Map.of("job_id", job, "trace_id", trace)));
  }

  void build(Context ctx) {
    long id = id(ctx);
    String trace = Jobs.traceId();
    String name = jdbi.inTransaction(h -> {
      Map<String, Object> b = Records.byId(h, "builds", id).orElseThrow(() -> ApiException.notFound("no build " + id));
      long app = ((Number) b.get("app_id")).longValue();
      Long image = ReleaseService.osImage(h, app).orElse(null);
      h.createUpdate("UPDATE builds SET os_image_id = :i WHERE id = :b").bind("i", image).bind("b", id).execute();
      jobs.enqueue(h, "build", id, null, trace, Router.principal(ctx).username());
      return Records.names(h, "apps").get(app) + "-" + b.get("tag");
    });
    audit.record(Router.principal(ctx), "build", name, null, false);
    ctx.status(202).contentType("application/json").result(Json.write(Map.of("build_id", id, "trace_id", trace)));
  }

  void swarm(Context ctx) {
    long id = id(ctx);
    ObjectNode body = Json.object(ctx);
    if (!body.isEmpty() && jdbi.withHandle(h -> Records.byId(h, "swarms", id)).isEmpty()) {
      throw ApiException.notFound("no swarm " + id);
    }
    String params = dispatchBody.params(id, body);
    String trace = Jobs.traceId();
    String shortname = jdbi.inTransaction(h -> {
      Map<String, Object> s = Records.byId(h, "swarms", id).orElseThrow(() -> ApiException.notFound("no swarm " + id));
      if (s.get("release_id") == null) {
        throw ApiException.badField("version", "version: the swarm has no release; set its version first");
      }
      Map<String, Object> out = new LinkedHashMap<>();
      resources.registry().def("swarms").hooks().decorate(h, s, out, new RenderContext());
      String name = (String) out.get("shortname");
      refuseWhileDispatched(h, id, name);
      jobs.enqueue(h, "swarm", id, params, trace, Router.principal(ctx).username());
      return name;
    });
    audit.record(Router.principal(ctx), "swarm", shortname, null, false);
    ctx.status(202).contentType("application/json").result(Json.write(Map.of("swarm_id", trace)));
  }

  /**
   * One dispatch of a swarm at a time, refused up front (409) rather than failing later in the job: the swarm's
   * row is locked for the rest of the request's transaction, so of two requests (on one server or two) the second
   * waits for the first to commit and then sees its queued job. A dispatch run outside the job queue (its claim in
   * {@code swarms.running_trace}) counts as well.
   */
  private static void refuseWhileDispatched(Handle h, long id, String name) {
    String claim = h.createQuery("SELECT running_trace FROM swarms WHERE id = :s FOR UPDATE").bind("s", id)
        .mapTo(String.class).findOne().orElse(null);
    Optional<Map<String, Object>> job = h.createQuery("SELECT id, state, trace_id, runner, created_time FROM jobs "
            + "WHERE kind = 'swarm' AND target_id = :s AND state IN ('queued', 'running') ORDER BY id")
        .bind("s", id).mapToMap().findFirst();
    if (job.isPresent()) {
      Map<String, Object> j = job.get();
      throw ApiException.conflict(null, "swarm " + name + " is already being dispatched: job " + j.get("id") + " (trace "
          + j.get("trace_id") + ", " + j.get("state") + (j.get("runner") == null ? "" : " on " + j.get("runner"))
          + ", queued at " + j.get("created_time") + "); dispatch again when it has finished");
    }
    if (claim != null) {
      throw ApiException.conflict(null, "swarm " + name + " is already being dispatched: trace " + claim
          + "; dispatch again when it has finished");
    }
  }

  void deploy(Context ctx) {
    long id = id(ctx);
    ObjectNode body = Json.object(ctx);
    String host = text(body, "host", HOST, "a host name");
    String proc = text(body, "proc", NAME, "a proc name ([A-Za-z0-9_]+)");
    String config = text(body, "config_name", NAME, "a config name ([A-Za-z0-9_]+)");
    JsonNode port = body.get("port");
    if (port == null || !port.canConvertToInt() || port.intValue() < 0 || port.intValue() > 65535) {
      throw ApiException.badField("port", "port: must be an integer 0-65535 (0 for a worker without a port)");
    }
    String trace = Jobs.traceId();
    String release = jdbi.inTransaction(h -> {
      Records.byId(h, "releases", id).orElseThrow(() -> ApiException.notFound("no release " + id));
      if (Records.idByName(h, "hosts", host).isEmpty()) {
        throw ApiException.badField("host", "host: no host '" + host + "'");
      }
      jobs.enqueue(h, "deploy", id, Json.write(Map.of("host", host, "proc", proc, "config_name", config,
          "port", port.intValue())), trace, Router.principal(ctx).username());
      return "release " + id;
    });
    audit.record(Router.principal(ctx), "deploy", release + "-" + proc + "-" + port.intValue() + " to " + host, null, false);
    ctx.status(202).contentType("application/json").result(Json.write(Map.of("trace_id", trace)));
  }

  private static String text(ObjectNode body, String field, Pattern p, String what) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual() || !p.matcher(v.asText()).matches()) {
      throw ApiException.badField(field, field + ": must be " + what);
    }
    return v.asText();
  }
}
