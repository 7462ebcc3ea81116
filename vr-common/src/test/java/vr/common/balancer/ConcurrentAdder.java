package vr.common.balancer;

import java.nio.file.Path;
import java.util.List;
import vr.common.model.Node;
import vr.common.ssh.SshHosts;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/**
 * A separate process for the concurrency tests: adds {@code count} nodes, one change each, to a pool.
 * Its SSH client is opened from the balancer's settings, as {@code vr.cli pool} does. Args: balancers.yaml, balancer name, pool, first port, count. Exit 0 when every change succeeded.
 */
public final class ConcurrentAdder {
  public static void main(String[] args) {
    YamlMap root = Yaml.load(Path.of(args[0]));
    try (SshHosts ssh = SshHosts.start(BalancerSsh.settings(root, args[1]))) {
      Balancer b = Balancers.from(root, ssh).get(args[1]);
      int first = Integer.parseInt(args[3]);
      int count = Integer.parseInt(args[4]);
      for (int i = 0; i < count; i++) {
        b.addNodes(args[2], List.of(new Node("127.0.0.1", first + i)));
      }
    }
    System.exit(0);
  }
}
