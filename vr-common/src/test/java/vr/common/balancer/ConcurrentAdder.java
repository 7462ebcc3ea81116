package vr.common.balancer;

import java.nio.file.Path;
import java.util.List;
import vr.common.model.Node;

/**
 * A separate process for the concurrency tests: adds {@code count} nodes, one change each, to a pool.
 * Args: balancers.yaml, balancer name, pool, first port, count. Exit 0 when every change succeeded.
 */
public final class ConcurrentAdder {
  public static void main(String[] args) {
    Balancer b = Balancers.load(Path.of(args[0])).get(args[1]);
    int first = Integer.parseInt(args[3]);
    int count = Integer.parseInt(args[4]);
    for (int i = 0; i < count; i++) {
      b.addNodes(args[2], List.of(new Node("127.0.0.1", first + i)));
    }
    System.exit(0);
  }
}
