package vr.common.balancer;

import java.util.Collection;
import java.util.List;
import vr.common.model.Node;

/**
 * A load balancer whose pools the suite keeps in step with the procs that passed their uptests. A pool is
 * a named set of {@code host:port} nodes. Changes are idempotent: adding a present node or deleting an
 * absent one changes nothing. A change returns which balancer hosts were updated; when any host failed it
 * throws {@link BalancerException}, whose result names the hosts that were updated and those that failed.
 */
public interface Balancer {

  /** The pool's nodes, sorted; empty when the pool does not exist. */
  List<Node> getNodes(String pool);

  /** Adds {@code nodes} to {@code pool}, creating the pool when missing. */
  ChangeResult addNodes(String pool, Collection<Node> nodes);

  /** Removes {@code nodes} from {@code pool}; a missing pool or node is not an error. */
  ChangeResult deleteNodes(String pool, Collection<Node> nodes);

  /** Removes the pool; a missing pool is not an error. */
  ChangeResult deletePool(String pool);

  /**
   * Removes the pool when it has no nodes. Backends that can do so check and delete in one locked step,
   * so that a node added meanwhile by another process is never lost.
   */
  default ChangeResult deletePoolIfEmpty(String pool) {
    if (getNodes(pool).isEmpty()) {
      return deletePool(pool);
    }
    return ChangeResult.EMPTY;
  }
}
