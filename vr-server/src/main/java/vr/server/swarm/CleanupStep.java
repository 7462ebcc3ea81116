package vr.server.swarm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import vr.common.balancer.Balancer;
import vr.common.model.Node;
import vr.server.hosts.HostAccess;

/**
 * Step 5 (reference 7.7 steps 11-12): the procs the dispatch replaces (the old release's, the surplus when the
 * swarm shrank, the defunct ones of its old identity) leave their pool, get a moment to finish the requests
 * they have, and only then stop and are torn down (the original stopped them first, its #173, and each stop
 * cost requests). A proc that cannot be removed is reported, not retried here: the new procs serve already. A
 * proc on a host marked gone only leaves its pool: nothing reaches that host any more.
 */
final class CleanupStep {
  private final HostAccess access;
  private final Function<String, Balancer> balancers;
  private final SwarmStore store;
  private final FlowSettings settings;
  private final HostFanout fanout;

  CleanupStep(HostAccess access, Function<String, Balancer> balancers, SwarmStore store, FlowSettings settings,
      HostFanout fanout) {
    this.access = access;
    this.balancers = balancers;
    this.store = store;
    this.settings = settings;
    this.fanout = fanout;
  }

  /** Everything the dispatch replaces that is still up; deletes the pool of a swarm of size 0. */
  void run(SwarmContext ctx) throws InterruptedException {
    List<PlacedProc> rest = new ArrayList<>(ctx.toRetire());
    rest.removeAll(ctx.retired);
    retire(ctx, rest);
    SwarmRecord s = ctx.swarm;
    if (s.routed() && s.size() == 0) {
      balancers.apply(s.balancer()).deletePoolIfEmpty(s.pool());
    }
  }

  /** Out of their pools, a drain, then stopped and torn down (and their records dropped). */
  void retire(SwarmContext ctx, List<PlacedProc> retire) throws InterruptedException {
    if (retire.isEmpty()) {
      return;
    }
    SwarmRecord s = ctx.swarm;
    // the route step took the swarm's own out; a node put back since (by hand, another server) must go before
    // the stop, and a defunct proc is in the pool it was routed in, which may be another
    Map<List<String>, List<Node>> byPool = new LinkedHashMap<>();
    List<PlacedProc> reach = new ArrayList<>();
    for (PlacedProc p : retire) {
      SwarmContext.Defunct d = ctx.defunctOf(p);
      if (d == null && s.routed()) {
        byPool.computeIfAbsent(List.of(s.balancer(), s.pool()), k -> new ArrayList<>()).add(p.node());
      } else if (d != null && d.routed()) {
        byPool.computeIfAbsent(List.of(d.balancer(), d.pool()), k -> new ArrayList<>()).add(p.node());
      }
      if (d != null && d.gone()) {
        store.forget(p.host(), p.name().format());
        ctx.leftovers.add(p + ": host " + p.host() + " is gone; taken out of its pool only");
      } else {
        reach.add(p);
      }
    }
    boolean drained = false;
    for (Map.Entry<List<String>, List<Node>> e : byPool.entrySet()) {
      Balancer b = balancers.apply(e.getKey().get(0));
      String pool = e.getKey().get(1);
      List<Node> still = new ArrayList<>(b.getNodes(pool));
      still.retainAll(e.getValue());
      if (!still.isEmpty()) {
        b.deleteNodes(pool, still);
        drained = true;
      }
      if (!pool.equals(s.pool()) || !e.getKey().get(0).equals(s.balancer())) {
        b.deletePoolIfEmpty(pool);
      }
    }
    if ((drained || s.routed()) && !settings.drain().isZero()) {
      Thread.sleep(settings.drain().toMillis());
    }
    for (HostFanout.Done d : fanout.run(reach, false, p -> access.remoteProcs(p.host()).remove(access.setup(p.host()).ssh(), p.name()))) {
      if (d.ok()) {
        store.forget(d.proc().host(), d.proc().name().format());
        ctx.retired.add(d.proc());
        List<String> names = ctx.hostProcs.get(d.proc().host());
        if (names != null) {
          names.remove(d.proc().name().format());
        }
        ctx.events.send(d.proc().name().shortName(), "deleted " + d.proc(), "proc", "deleted");
      } else {
        ctx.leftovers.add(d.proc() + ": " + SwarmContext.reason(d.failure()));
        ctx.events.send(d.proc().name().shortName(), "could not delete " + d.proc() + ": " + SwarmContext.reason(d.failure()),
            "proc", "deleted", "failed");
      }
    }
  }
}
