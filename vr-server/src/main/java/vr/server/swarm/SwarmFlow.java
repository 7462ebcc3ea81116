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
import vr.common.model.Node;
import vr.server.domain.Ports;
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

  private static final Duration CANARY_POLL = Duration.ofMillis(250);

  private final SwarmStore store;
  private final Function<String, Balancer> balancers;
  private final FlowSettings settings;
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
    this.store = store;
    this.balancers = balancers;
    this.settings = settings;
    this.release = new ReleaseStep(store);
    this.deploy = new DeployStep(access, hostProcs, store, new ProcYaml(urls, settings), settings, fanout);
    this.uptest = new UptestStep(access, store, settings, fanout);
    this.route = new RouteStep(balancers);
    this.cleanup = new CleanupStep(access, balancers, store, settings, fanout);
  }

  public SwarmRuns runs() {
    return runs;
  }

  /** {@link #run(long, String, DispatchOptions)} all at once, without a canary or a plan. */
  public SwarmOutcome run(long swarmId, String traceId) {
    return run(swarmId, traceId, DispatchOptions.NONE);
  }

  /**
   * Dispatches the swarm under {@code traceId} and returns what came of it; a failure is an outcome, not an
   * exception (the run's row and a {@code failed} event record it). With a batch size, at most that many procs
   * are replaced at a time, each batch deployed, uptested and routed (and as many old procs retired) before
   * the next; with a canary, the first new proc is routed beside the old ones and the run waits (state
   * {@code waiting}) for {@link SwarmRuns#decide}; with a plan, the dispatch is refused when what the plan
   * depends on changed ({@link PlanStaleException} as the outcome's failure).
   *
   * @throws SwarmBusyException when a dispatch of this swarm runs already
   */
  public SwarmOutcome run(long swarmId, String traceId, DispatchOptions options) {
    return run(swarmId, traceId, options, false);
  }

  /**
   * As {@link #run(long, String, DispatchOptions)}; {@code resumed} when an earlier attempt of this dispatch died
   * with its server (abandoned first: {@link SwarmRuns#abandon}). A resumed dispatch uptests every proc of the
   * release it finds before anything else: the dead attempt may have deployed procs it never uptested, and a
   * plain dispatch would count them as current and route them.
   */
  public SwarmOutcome run(long swarmId, String traceId, DispatchOptions options, boolean resumed) {
    long runId = runs.begin(swarmId, traceId, options.toJson());
    SwarmContext ctx = new SwarmContext(traceId, new SwarmEvents(events, traceId));
    ctx.options = options;
    long t0 = System.nanoTime();
    Duration routedAfter = null;
    String step = "release";
    try {
      long t = System.nanoTime();
      release.run(ctx, swarmId);
      ctx.steps.put("release", Duration.ofNanos(System.nanoTime() - t));
      runs.step(runId, step = "deploy", ctx.swarm.release().id(), null);
      t = System.nanoTime();
      deploy.survey(ctx, true);
      Ports ports = settings.ports();
      if (options.plan() != null) {
        List<String> now = SwarmPlan.inputs(ctx, poolNow(ctx.swarm));
        List<String> changed = SwarmPlan.changed(options.plan(), now);
        if (!changed.isEmpty()) {
          throw new PlanStaleException(options.plan(), changed, SwarmPlan.id(now));
        }
        ports = SwarmPlan.seeded(ports, options.plan());
      }
      deploy.place(ctx, ports);
      if (resumed) {
        // the dead attempt may have deployed procs of this release it never uptested: test them before any
        // routing (a failure removes them, as a new batch's)
        List<PlacedProc> adopted = new ArrayList<>(ctx.current);
        adopted.removeAll(ctx.surplus);
        runs.step(runId, step = "uptest", null, null);
        uptest.run(ctx, adopted);
      }
      ctx.steps.put("deploy", Duration.ofNanos(System.nanoTime() - t));
      List<List<PlacedProc>> batches = batches(ctx.placements, options);
      // the procs this dispatch replaces while it runs, as many per batch as the batch brought: the old
      // release's, and the defunct ones routed in this very pool (the others leave at the end)
      List<PlacedProc> outgoing = new ArrayList<>(ctx.old);
      ctx.defunct.stream().filter(d -> !d.gone() && d.routed() && d.balancer().equals(ctx.swarm.balancer())
          && d.pool().equals(ctx.swarm.pool())).forEach(d -> outgoing.add(d.proc()));
      if (batches.isEmpty()) {
        batches.add(List.of());
      }
      for (int i = 0; i < batches.size(); i++) {
        List<PlacedProc> batch = batches.get(i);
        boolean last = i == batches.size() - 1;
        boolean canary = options.canary() && i == 0 && !batch.isEmpty();
        String of = batches.size() > 1 ? " (batch " + (i + 1) + " of " + batches.size() + ")" : "";
        runs.step(runId, step = "deploy", null, null);
        t = System.nanoTime();
        deploy.deploy(ctx, batch);
        ctx.steps.merge("deploy", Duration.ofNanos(System.nanoTime() - t), Duration::plus);
        runs.step(runId, step = "uptest", null, null);
        t = System.nanoTime();
        try {
          uptest.run(ctx, batch);
        } catch (UptestFailedException e) {
          throw i == 0 ? e : new UptestFailedException(e.getMessage() + of + "; the " + i + " batches before it serve");
        }
        ctx.steps.merge("uptest", Duration.ofNanos(System.nanoTime() - t), Duration::plus);
        // the old procs this batch replaces leave the pool now; a canary replaces none yet
        List<PlacedProc> leaving = canary ? List.of() : last ? new ArrayList<>(outgoing)
            : new ArrayList<>(outgoing.subList(0, Math.min(batch.size(), outgoing.size())));
        outgoing.removeAll(leaving);
        runs.step(runId, step = "route", null, ctx.testRunId);
        t = System.nanoTime();
        route.run(ctx, serving(ctx, outgoing));
        ctx.steps.merge("route", Duration.ofNanos(System.nanoTime() - t), Duration::plus);
        if (canary) {
          String decided = awaitCanary(ctx, runId, batch.get(0));
          if (decided != null) {
            return abortCanary(swarmId, runId, ctx, batch, outgoing, decided);
          }
          if (last) {
            // a swarm of one: the canary was all there was to deploy; the old procs leave now
            outgoing.clear();
            route.run(ctx, serving(ctx, outgoing));
          }
        }
        if (last) {
          routedAfter = Duration.ofNanos(System.nanoTime() - t0);
          break;
        }
        runs.step(runId, step = "cleanup", null, null);
        t = System.nanoTime();
        cleanup.retire(ctx, leaving);
        ctx.steps.merge("cleanup", Duration.ofNanos(System.nanoTime() - t), Duration::plus);
      }
      runs.step(runId, step = "cleanup", null, null);
      t = System.nanoTime();
      cleanup.run(ctx);
      ctx.steps.merge("cleanup", Duration.ofNanos(System.nanoTime() - t), Duration::plus);
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

  /**
   * What a dispatch of the swarm would do now, changing nothing (the release is hashed in a transaction rolled
   * back; hosts and the pool are read live). {@link SwarmFailedException} when the swarm cannot be planned (no
   * release, a squad host down), with why.
   */
  public SwarmPlan plan(long swarmId) {
    SwarmContext ctx = new SwarmContext("plan", new SwarmEvents(e -> { }, "plan"));
    ctx.swarm = store.peek(swarmId);
    deploy.survey(ctx, false);
    List<Node> pool = poolNow(ctx.swarm);
    List<String> inputs = SwarmPlan.inputs(ctx, pool);
    deploy.place(ctx, SwarmPlan.seeded(settings.ports(), SwarmPlan.id(inputs)));
    return SwarmPlan.of(ctx, inputs, pool, k -> balancers.apply(k.get(0)).getNodes(k.get(1)));
  }

  /**
   * Refuses a plan whose inputs changed since it was made, naming what changed ({@link PlanStaleException});
   * for the API to answer 409 before it queues the dispatch (the dispatch checks again when it runs).
   */
  public void checkPlan(long swarmId, String planId) {
    SwarmContext ctx = new SwarmContext("plan", new SwarmEvents(e -> { }, "plan"));
    ctx.swarm = store.peek(swarmId);
    deploy.survey(ctx, false);
    List<String> now = SwarmPlan.inputs(ctx, poolNow(ctx.swarm));
    List<String> changed = SwarmPlan.changed(planId, now);
    if (!changed.isEmpty()) {
      throw new PlanStaleException(planId, changed, SwarmPlan.id(now));
    }
  }

  private List<Node> poolNow(SwarmRecord s) {
    return s.routed() ? balancers.apply(s.balancer()).getNodes(s.pool()) : List.of();
  }

  /** The placements in batches: the first of one proc with a canary, then at most {@code batch} each (0: the rest at once). */
  static List<List<PlacedProc>> batches(List<PlacedProc> placements, DispatchOptions options) {
    List<List<PlacedProc>> out = new ArrayList<>();
    int i = 0;
    if (options.canary() && !placements.isEmpty()) {
      out.add(List.of(placements.get(0)));
      i = 1;
    }
    while (i < placements.size()) {
      int n = options.batch() > 0 ? Math.min(options.batch(), placements.size() - i) : placements.size() - i;
      out.add(List.copyOf(placements.subList(i, i + n)));
      i += n;
    }
    return out;
  }

  /** What the pool holds after a batch: the procs kept and new, and the outgoing ones not retired yet. */
  private static List<PlacedProc> serving(SwarmContext ctx, List<PlacedProc> outgoing) {
    List<PlacedProc> s = new ArrayList<>(ctx.keep());
    s.addAll(outgoing);
    return s;
  }

  /**
   * The canary serves beside the old procs: the run waits ({@code waiting}, step {@code canary}) until a
   * continue (null) or an abort (who aborted), or until {@link FlowSettings#canaryWait()} passes (an abort).
   */
  private String awaitCanary(SwarmContext ctx, long runId, PlacedProc canary) throws InterruptedException {
    String name = ctx.swarm.shortname();
    String message = "canary " + canary + " serves beside the old procs; waiting for continue or abort";
    runs.waiting(runId, message);
    ctx.events.send("Swarm " + name + " waiting", message, "swarm", "canary", "waiting");
    long end = System.nanoTime() + settings.canaryWait().toNanos();
    while (true) {
      java.util.Optional<List<String>> d = runs.decision(runId);
      if (d.isPresent()) {
        runs.resumed(runId);
        if (d.get().get(0).equals("continue")) {
          ctx.events.send("Swarm " + name + " continues", "canary " + canary + " accepted by " + d.get().get(1),
              "swarm", "canary", "continue");
          return null;
        }
        return "aborted by " + d.get().get(1);
      }
      if (System.nanoTime() > end) {
        runs.resumed(runId);
        return "no continue within " + settings.canaryWait();
      }
      Thread.sleep(CANARY_POLL.toMillis());
    }
  }

  /** The canary leaves the pool (the old procs serve as before) and is removed; the run ends {@code aborted}. */
  private SwarmOutcome abortCanary(long swarmId, long runId, SwarmContext ctx, List<PlacedProc> canary,
      List<PlacedProc> outgoing, String why) throws InterruptedException {
    runs.step(runId, "cleanup", null, null);
    ctx.fresh.removeAll(canary);
    route.run(ctx, serving(ctx, outgoing));
    cleanup.retire(ctx, canary);
    String message = "canary: " + why + "; the canary " + canary.get(0) + " was removed, the old procs serve"
        + (ctx.leftovers.isEmpty() ? "" : "; could not remove " + String.join("; ", ctx.leftovers));
    ctx.events.send("Swarm " + ctx.swarm.shortname() + " aborted", message, "swarm", "canary", "aborted");
    runs.finish(swarmId, ctx.trace, runId, "aborted", message);
    return outcome(runId, ctx, false, message, null);
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
