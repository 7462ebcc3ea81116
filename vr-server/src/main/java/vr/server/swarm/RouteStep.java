package vr.server.swarm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import vr.common.balancer.Balancer;
import vr.common.model.Node;

/**
 * Step 4 (reference 7.7 step 10): the swarm's pool set to exactly the procs that serve once this batch is done,
 * the new nodes added before the stale ones are deleted, so the pool is never empty in between. No pool, no
 * routing. A pool left with no node (size 0) is deleted (the original kept it, its #140).
 */
final class RouteStep {
  private final Function<String, Balancer> balancers;

  RouteStep(Function<String, Balancer> balancers) {
    this.balancers = balancers;
  }

  /** Sets the pool to {@code serving}: the procs kept and new, and, mid-way through a rolling dispatch, the old ones still up. */
  void run(SwarmContext ctx, List<PlacedProc> serving) {
    SwarmRecord s = ctx.swarm;
    if (!s.routed()) {
      return;
    }
    Balancer b = balancers.apply(s.balancer());
    List<Node> correct = SwarmContext.nodes(serving);
    List<Node> current = b.getNodes(s.pool());
    List<Node> added = new ArrayList<>(correct);
    added.removeAll(current);
    List<Node> stale = new ArrayList<>(current);
    stale.removeAll(correct);
    if (!added.isEmpty()) {
      b.addNodes(s.pool(), added);
    }
    if (!stale.isEmpty()) {
      b.deleteNodes(s.pool(), stale);
    }
    if (correct.isEmpty()) {
      b.deletePoolIfEmpty(s.pool());
    }
    ctx.pool = correct;
    ctx.events.send(s.shortname(), "Routed swarm " + s.shortname() + ". Nodes: current=" + current + " correct=" + correct
        + " new=" + added + " stale=" + stale, "route");
  }
}
