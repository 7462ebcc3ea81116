package vr.server.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import vr.common.VrException;
import vr.common.ssh.HostUnreachableException;
import vr.common.supervisor.SupervisorFault;
import vr.common.supervisor.SupervisorUnreachableException;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Json;
import vr.server.api.Router;

/**
 * The routes of live procs on hosts (reference 7.5): a host's procs, one proc (look, start/stop/restart,
 * delete), a swarm's procs, and a proc's log as a stream. Handlers parse, call {@link HostProcs},
 * {@link ProcActions} or {@link ProcLog}, and render; every failure is a JSON answer with one line, never a
 * stack trace.
 */
public final class HostRoutes {
  static final Pattern HOSTNAME = Pattern.compile("[a-zA-Z0-9_.-]+");
  static final Pattern PROCNAME = Pattern.compile("[a-zA-Z0-9_.+-]+");

  private HostRoutes() {}

  /**
   * Adds the routes.
   *
   * @param knownHost whether a host of that name is in the server's records (others are 404)
   * @param swarms a swarm's scope by its id, empty when there is no such swarm
   */
  public static void register(Router r, HostProcs procs, ProcActions actions, ProcLog log, Predicate<String> knownHost,
      Function<String, Optional<SwarmScope>> swarms) {
    r.get("/api/v1/hosts/{hostname}/procs/", Access.USER,
        "A host's procs (?cache=only|no), with the host's state, the reason it is not up, and their source",
        guarded(ctx -> {
          String host = host(ctx, knownHost);
          HostProcs.CacheUse use = HostProcs.CacheUse.parse(ctx.queryParam("cache"));
          if (use == null) {
            throw ApiException.badField("cache", "cache: must be only, no or yes");
          }
          json(ctx, 200, procs.of(host, use).toMap());
        }));
    r.get("/api/v1/hosts/{hostname}/procs/{procname}/", Access.USER, "One proc as its host's supervisord sees it now",
        guarded(ctx -> json(ctx, 200, actions.info(host(ctx, knownHost), proc(ctx)))));
    r.post("/api/v1/hosts/{hostname}/procs/{procname}/", Access.USER,
        "Start, stop or restart a proc ({\"action\": \"start\"|\"stop\"|\"restart\"}); answers the proc afterwards",
        guarded(ctx -> {
          String host = host(ctx, knownHost);
          String proc = proc(ctx);
          JsonNode a = Json.object(ctx).get("action");
          ProcActions.Action action = a == null || !a.isTextual() ? null : ProcActions.Action.parse(a.asText());
          if (action == null) {
            throw ApiException.badField("action", "action: must be start, stop or restart");
          }
          json(ctx, 200, actions.act(Router.principal(ctx), host, proc, action));
        }));
    r.delete("/api/v1/hosts/{hostname}/procs/{procname}/", Access.USER,
        "Delete a proc: stop it, remove it from supervisord, tear it down and release its port",
        guarded(ctx -> {
          String host = host(ctx, knownHost);
          json(ctx, 200, actions.delete(Router.principal(ctx), host, proc(ctx)));
        }));
    r.get("/api/v1/swarms/{id}/procs/", Access.USER,
        "A swarm's procs on its squad's hosts, with each host's state (a host that is down is listed, not left out)",
        guarded(ctx -> {
          String id = ctx.pathParam("id");
          SwarmScope scope = (HOSTNAME.matcher(id).matches() ? swarms.apply(id) : Optional.<SwarmScope>empty())
              .orElseThrow(() -> ApiException.notFound("no swarm " + id));
          HostProcs.CacheUse use = HostProcs.CacheUse.parse(ctx.queryParam("cache"));
          if (use == null) {
            throw ApiException.badField("cache", "cache: must be only, no or yes");
          }
          List<Map<String, Object>> objects = new ArrayList<>();
          List<Map<String, Object>> hosts = new ArrayList<>();
          for (ProcList l : procs.of(scope.hosts(), use)) {
            ProcList mine = l.filter(scope::contains);
            objects.addAll(mine.objects());
            hosts.add(mine.status());
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("objects", objects);
          body.put("hosts", hosts);
          json(ctx, 200, body);
        }));
    r.stream("/api/streams/proc_log/{hostname}/{procname}/", Access.USER,
        "A proc's stdout log from now on: text/event-stream (one event per line) or text/plain",
        guarded(ctx -> {
          String host = host(ctx, knownHost);
          String proc = proc(ctx);
          boolean sse = String.valueOf(ctx.header("Accept")).contains("text/event-stream");
          try (ProcLog.Tail tail = log.open(host, proc)) {
            stream(ctx, tail, sse);
          }
        }));
  }

  private static void stream(Context ctx, ProcLog.Tail tail, boolean sse) throws IOException {
    HttpServletResponse res = ctx.res();
    res.setStatus(200);
    res.setContentType(sse ? "text/event-stream" : "text/plain; charset=utf-8");
    res.setCharacterEncoding("utf-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    OutputStream out = res.getOutputStream();
    res.flushBuffer();
    ProcLog.Sink sink = new ProcLog.Sink() {
      @Override
      public void line(String line) throws IOException {
        write(sse ? "data: " + line + "\n\n" : line + "\n");
      }

      @Override
      public void idle() throws IOException {
        if (sse) {
          write(":\n\n");
        }
      }

      @Override
      public void end(String reason) throws IOException {
        if (sse) {
          write("event: end\ndata: " + reason + "\n\n");
        }
      }

      private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    };
    try {
      tail.run(sink);
    } catch (IOException e) {
      // the client went away: the tail's forward closes with it
    }
  }

  private static String host(Context ctx, Predicate<String> knownHost) {
    String host = ctx.pathParam("hostname");
    if (!HOSTNAME.matcher(host).matches()) {
      throw ApiException.badField("hostname", "hostname: must match " + HOSTNAME.pattern());
    }
    if (!knownHost.test(host)) {
      throw ApiException.notFound("no host " + host);
    }
    return host;
  }

  private static String proc(Context ctx) {
    String proc = ctx.pathParam("procname");
    if (!PROCNAME.matcher(proc).matches()) {
      throw ApiException.badField("procname", "procname: must match " + PROCNAME.pattern());
    }
    return proc;
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }

  /**
   * Renders the failures of these routes: supervisord's faults as the original did ({@code 500 {"fault": ...}}),
   * a host that cannot be reached as 503 with the reason, a missing proc as 404; anything unexpected as a bare
   * 500. Only the first line of a message goes out.
   */
  static Handler guarded(Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (ApiException e) {
        json(ctx, e.status(), e.body());
      } catch (ProcNotFoundException e) {
        json(ctx, 404, error(404, e));
      } catch (ProcActions.NotAVrProcException e) {
        json(ctx, 400, error(400, e));
      } catch (SupervisorFault e) {
        Map<String, Object> m = error(500, e);
        m.put("fault", e.faultString());
        json(ctx, 500, m);
      } catch (HostUnreachableException | SupervisorUnreachableException e) {
        Map<String, Object> m = error(503, e);
        m.put("state", "down");
        json(ctx, 503, m);
      } catch (VrException e) {
        json(ctx, 500, error(500, e));
      } catch (RuntimeException e) {
        json(ctx, 500, Map.of("status", 500, "error", "internal error"));
      }
    };
  }

  private static Map<String, Object> error(int status, Exception e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status);
    m.put("error", HostProcs.reason(e));
    return m;
  }
}
