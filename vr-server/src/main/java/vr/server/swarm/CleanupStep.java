package vr.server.swarm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import vr.common.balancer.Balancer;
import vr.common.model.Node;
import vr.server.hosts.HostAccess;

/**
 * Step 5 (reference 7.7 steps 11-12): the old release's procs, and the surplus when the swarm shrank, leave the
 * pool, get a moment to finish the requests they have, and only then stop and are torn down (the original
 * stopped them first, its #173, and each stop cost requests). A proc that cannot be removed is reported, not
 * retried here: the new procs serve already.
 */
final class CleanupStep {
  private final HostAccess access;
  private final Function<String, Balancer> balancers;
  private final FlowSettings settings;
  private final HostFanout fanout;

  CleanupStep(HostAccess access, Function<String, Balancer> balancers, FlowSettings settings, HostFanout fanout) {
    this.access = access;
    this.balancers = balancers;
    this.settings = settings;
    this.fanout = fanout;
  }

  void run(SwarmContext ctx) throws InterruptedException {
    SwarmRecord s = ctx.swarm;
    List<PlacedProc> retire = ctx.toRetire();
    if (!retire.isEmpty()) {
      if (s.routed()) {
        Balancer b = balancers.apply(s.balancer());
        // the route step took them out; a node put back since (by hand, another server) must go before the stop
        List<Node> still = new ArrayList<>(b.getNodes(s.pool()));
        still.retainAll(SwarmContext.nodes(retire));
        if (!still.isEmpty()) {
          b.deleteNodes(s.pool(), still);
        }
        if (!settings.drain().isZero()) {
          Thread.sleep(settings.drain().toMillis());
        }
      }
      for (HostFanout.Done d : fanout.run(retire, false, p -> access.remoteProcs(p.host()).remove(access.setup(p.host()).ssh(), p.name()))) {
        if (d.ok()) {
          ctx.retired.add(d.proc());
          ctx.events.send(d.proc().name().shortName(), "deleted " + d.proc(), "proc", "deleted");
        } else {
          ctx.leftovers.add(d.proc() + ": " + SwarmContext.reason(d.failure()));
          ctx.events.send(d.proc().name().shortName(), "could not delete " + d.proc() + ": " + SwarmContext.reason(d.failure()),
              "proc", "deleted", "failed");
        }
      }
    }
    if (s.routed() && s.size() == 0) {
      balancers.apply(s.balancer()).deletePoolIfEmpty(s.pool());
    }
  }
}
