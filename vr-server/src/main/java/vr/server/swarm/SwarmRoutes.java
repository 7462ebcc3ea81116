package vr.server.swarm;

import io.javalin.http.Context;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Json;
import vr.server.api.Router;
import vr.server.jobs.JobQueue;
import vr.server.records.Jobs;

/**
 * The swarm flow's own routes: a dispatch's plan, a canary's continue and abort, and losing a host. The server
 * registers them before its flow exists (the flow needs the server's URL); {@link #start} hands the flow over,
 * and until then they answer 503. The dispatch itself is {@code POST /api/v1/swarms/{id}/swarm/}
 * (vr.server.records.ActionRoutes), whose body {@link #params} reads.
 */
public final class SwarmRoutes {
  private final org.jdbi.v3.core.Jdbi jdbi;
  private final Audit audit;
  private volatile SwarmFlow flow;
  private volatile JobQueue jobs;

  public SwarmRoutes(org.jdbi.v3.core.Jdbi jdbi, Audit audit) {
    this.jdbi = jdbi;
    this.audit = audit;
  }

  /** The flow the routes use and the queue re-dispatches go to. */
  public SwarmRoutes start(SwarmFlow f, JobQueue q) {
    this.jobs = q;
    this.flow = f;
    return this;
  }

  public void register(Router r) {
    r.post("/api/v1/swarms/{id}/plan/", Access.USER,
        "What a dispatch would do now, changing nothing: build, new procs' hosts and ports, procs stopped, pools; with a plan id",
        this::plan);
    r.post("/api/v1/swarms/{id}/continue/", Access.USER, "Go on with a dispatch waiting at its canary (202)",
        ctx -> decide(ctx, "continue"));
    r.post("/api/v1/swarms/{id}/abort/", Access.USER,
        "Abort a dispatch waiting at its canary: the canary is removed, the old procs serve (202)", ctx -> decide(ctx, "abort"));
    r.post("/api/v1/hosts/{hostname}/remove/", Access.USER,
        "Mark a host gone: out of its squad, never reached again; every swarm with procs there is dispatched again (202)",
        this::removeHost);
  }

  /**
   * A dispatch's body ({@code POST /api/v1/swarms/{id}/swarm/}) as its job's params: {@link DispatchOptions} (400
   * naming a bad option), and with a plan, the plan checked (409 naming what changed when it is stale).
   */
  public String params(long swarmId, com.fasterxml.jackson.databind.node.ObjectNode body) {
    DispatchOptions o = DispatchOptions.of(body);
    if (o.plan() != null) {
      checkPlan(swarmId, o.plan());
    }
    return o.toJson();
  }

  private void checkPlan(long swarmId, String planId) {
    try {
      flow().checkPlan(swarmId, planId);
    } catch (PlanStaleException e) {
      throw ApiException.conflict("plan", e.getMessage());
    } catch (SwarmFailedException e) {
      throw ApiException.conflict("plan", "plan " + planId + " cannot be checked: " + e.getMessage());
    }
  }

  private SwarmFlow flow() {
    SwarmFlow f = flow;
    if (f == null) {
      throw ApiException.unavailable("the swarm flow is not running yet; try again shortly");
    }
    return f;
  }

  private static long id(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no such id '" + ctx.pathParam("id") + "'");
    }
  }

  private void swarmExists(long id) {
    boolean found = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM swarms WHERE id = :s").bind("s", id)
        .mapTo(Long.class).one() > 0);
    if (!found) {
      throw ApiException.notFound("no swarm " + id);
    }
  }

  void plan(Context ctx) {
    long id = id(ctx);
    swarmExists(id);
    SwarmPlan p;
    try {
      p = flow().plan(id);
    } catch (SwarmFailedException e) {
      if (e.getMessage().contains("has no release")) {
        throw ApiException.badField("version", "version: the swarm has no release; set its version first");
      }
      throw ApiException.conflict(null, "swarm " + id + " cannot be planned now: " + e.getMessage());
    }
    ctx.status(200).contentType("application/json").result(Json.write(p.body()));
  }

  void decide(Context ctx, String decision) {
    long id = id(ctx);
    swarmExists(id);
    String who = Router.principal(ctx).username();
    String trace;
    try {
      trace = flow().runs().decide(id, decision, who);
    } catch (SwarmFailedException e) {
      throw ApiException.conflict(null, e.getMessage());
    }
    audit.record(Router.principal(ctx), decision, "swarm " + id + " canary (trace " + trace + ")", null, false);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("swarm", id);
    out.put("trace_id", trace);
    out.put("decision", decision);
    ctx.status(202).contentType("application/json").result(Json.write(out));
  }

  void removeHost(Context ctx) {
    String name = ctx.pathParam("hostname");
    JobQueue q = jobs;
    if (q == null) {
      throw ApiException.unavailable("the swarm flow is not running yet; try again shortly");
    }
    String user = Router.principal(ctx).username();
    Map<String, Object> out = jdbi.inTransaction(h -> {
      Map<String, Object> host = h.createQuery("SELECT x.id, x.gone_time, q.name AS squad FROM hosts x "
              + "LEFT JOIN squads q ON q.id = x.squad_id WHERE x.name = :n")
          .bind("n", name).mapToMap().findFirst().orElseThrow(() -> ApiException.notFound("no host '" + name + "'"));
      if (host.get("gone_time") != null) {
        throw ApiException.conflict(null, "host " + name + " was marked gone already (" + host.get("gone_time") + ")");
      }
      h.createUpdate("UPDATE hosts SET gone_time = :t, active = FALSE, squad_id = NULL WHERE id = :i")
          .bind("t", OffsetDateTime.now()).bind("i", host.get("id")).execute();
      List<Map<String, Object>> swarms = new ArrayList<>();
      for (Map<String, Object> s : h.createQuery("SELECT DISTINCT s.id, s.release_id FROM swarm_procs p "
          + "JOIN swarms s ON s.id = p.swarm_id WHERE p.host = :n ORDER BY s.id").bind("n", name).mapToMap().list()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", ((Number) s.get("id")).longValue());
        if (s.get("release_id") == null) {
          m.put("trace_id", null);
          m.put("skipped", "the swarm has no release");
        } else {
          String trace = Jobs.traceId();
          q.enqueue(h, "swarm", ((Number) s.get("id")).longValue(), null, trace, user);
          m.put("trace_id", trace);
        }
        swarms.add(m);
      }
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("host", name);
      o.put("squad", host.get("squad"));
      o.put("swarms", swarms);
      return o;
    });
    audit.record(Router.principal(ctx), "remove", "host " + name, "marked gone; " + ((List<?>) out.get("swarms")).size()
        + " swarms dispatched again", false);
    ctx.status(202).contentType("application/json").result(Json.write(out));
  }
}
