package vr.server.swarm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vr.common.balancer.Balancer;
import vr.common.events.DeployEvent;
import vr.server.files.SignedUrls;
import vr.server.hosts.HostAccess;
import vr.server.hosts.HostProcs;

/**
 * One dispatch of a swarm whose build is usable (reference 7.7 steps 3-12): release, deploy, uptest, route,
 * cleanup, each a class of its own sharing a {@link SwarmContext}. {@link #run} is synchronous: a job runner (or
 * a test) calls it on its own thread. A second dispatch of a swarm while one runs is refused
 * ({@link SwarmBusyException}); two swarms run at once on one flow.
 */
public final class SwarmFlow implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmFlow.class);

  private final SwarmRuns runs;
  private final Consumer<DeployEvent> events;
  private final ExecutorService threads;
  private final ReleaseStep release;
  private final DeployStep deploy;
  private final UptestStep uptest;
  private final RouteStep route;
  private final CleanupStep cleanup;

  /**
   * @param store the swarm's records (over the server's database)
   * @param access how hosts are reached (deploy, uptest, remove)
   * @param hostProcs what hosts run, asked live
   * @param balancers a balancer by the name a swarm gives ({@code Balancers::get} of the server's settings)
   * @param urls the server's URL signer, for proc.yaml's build and image URLs
   * @param events where deployment events go ({@code EventSender::send})
   */
  public SwarmFlow(SwarmStore store, HostAccess access, HostProcs hostProcs, Function<String, Balancer> balancers,
      SignedUrls urls, Consumer<DeployEvent> events, FlowSettings settings) {
    this.runs = new SwarmRuns(store.jdbi());
    this.events = events;
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(settings.hostThreads(), r -> {
      Thread t = new Thread(r, "vr-swarm-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    HostFanout fanout = new HostFanout(threads);
    this.release = new ReleaseStep(store);
    this.deploy = new DeployStep(access, hostProcs, store, new ProcYaml(urls, settings), settings, fanout);
    this.uptest = new UptestStep(access, store, settings, fanout);
    this.route = new RouteStep(balancers);
    this.cleanup = new CleanupStep(access, balancers, settings, fanout);
  }

  public SwarmRuns runs() {
    return runs;
  }

  /**
   * Dispatches the swarm under {@code traceId} and returns what came of it; a failure is an outcome, not an
   * exception (the run's row and a {@code failed} event record it).
   *
   * @throws SwarmBusyException when a dispatch of this swarm runs already
   */
  public SwarmOutcome run(long swarmId, String traceId) {
    return run(swarmId, traceId, false);
  }

  /**
   * As {@link #run(long, String)}; {@code resumed} when an earlier attempt of this dispatch died with its server
   * (abandoned first: {@link SwarmRuns#abandon}). A resumed dispatch uptests every proc of the release it finds
   * as well as the ones it deploys: the dead attempt may have deployed procs it never uptested, and a plain
   * dispatch would count them as current and route them.
   */
  public SwarmOutcome run(long swarmId, String traceId, boolean resumed) {
    long runId = runs.begin(swarmId, traceId);
    SwarmContext ctx = new SwarmContext(traceId, new SwarmEvents(events, traceId));
    long t0 = System.nanoTime();
    Duration routedAfter = null;
    String step = "release";
    try {
      long t = System.nanoTime();
      release.run(ctx, swarmId);
      ctx.steps.put("release", Duration.ofNanos(System.nanoTime() - t));
      runs.step(runId, step = "deploy", ctx.swarm.release().id(), null);
      t = System.nanoTime();
      deploy.run(ctx);
      if (resumed) {
        List<PlacedProc> adopted = new ArrayList<>(ctx.current);
        adopted.removeAll(ctx.surplus);
        ctx.current.removeAll(adopted);
        ctx.fresh.addAll(0, adopted);
      }
      ctx.steps.put("deploy", Duration.ofNanos(System.nanoTime() - t));
      runs.step(runId, step = "uptest", null, null);
      t = System.nanoTime();
      uptest.run(ctx);
      ctx.steps.put("uptest", Duration.ofNanos(System.nanoTime() - t));
      runs.step(runId, step = "route", null, ctx.testRunId);
      t = System.nanoTime();
      route.run(ctx);
      ctx.steps.put("route", Duration.ofNanos(System.nanoTime() - t));
      routedAfter = Duration.ofNanos(System.nanoTime() - t0);
      runs.step(runId, step = "cleanup", null, null);
      t = System.nanoTime();
      cleanup.run(ctx);
      ctx.steps.put("cleanup", Duration.ofNanos(System.nanoTime() - t));
      String name = ctx.swarm.shortname();
      String message = "Swarm " + name + " finished: " + ctx.keep().size() + " procs"
          + (ctx.leftovers.isEmpty() ? "" : "; could not remove " + String.join("; ", ctx.leftovers));
      ctx.events.send("Swarm " + name + " finished", message, "swarm", "deploy", "done");
      runs.finish(swarmId, traceId, runId, true, message);
      return outcome(runId, ctx, true, message, routedAfter);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(swarmId, runId, ctx, step, new SwarmFailedException("interrupted", e), routedAfter);
    } catch (RuntimeException e) {
      return failed(swarmId, runId, ctx, step, e, routedAfter);
    }
  }

  private SwarmOutcome failed(long swarmId, long runId, SwarmContext ctx, String step, RuntimeException e, Duration routedAfter) {
    String message = step + ": " + (e instanceof SwarmFailedException ? e.getMessage() : SwarmContext.reason(e));
    if (!(e instanceof SwarmFailedException)) {
      LOG.warn("swarm {} (trace {}) failed in {}", swarmId, ctx.trace, step, e);
    }
    String name = ctx.swarm == null ? "swarm " + swarmId : ctx.swarm.shortname();
    if (!(e instanceof UptestFailedException)) {
      // an uptest failure has had its own event, with the output
      ctx.events.send("Swarm " + name + " aborted", message, "failed");
    }
    try {
      runs.finish(swarmId, ctx.trace, runId, false, message);
    } catch (RuntimeException again) {
      LOG.warn("swarm {} (trace {}): could not record the failure: {}", swarmId, ctx.trace, again.toString());
    }
    return outcome(runId, ctx, false, message, routedAfter);
  }

  private static SwarmOutcome outcome(long runId, SwarmContext ctx, boolean ok, String message, Duration routedAfter) {
    return new SwarmOutcome(runId, ctx.trace, ok, message, ctx.fresh.stream().map(PlacedProc::toString).toList(),
        ctx.retired.stream().map(PlacedProc::toString).toList(), List.copyOf(ctx.leftovers), ctx.pool, ctx.testRunId,
        new LinkedHashMap<>(ctx.steps), routedAfter);
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
