package vr.common.balancer.stingray;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.balancer.Balancer;
import vr.common.balancer.BalancerConfig;
import vr.common.balancer.BalancerException;
import vr.common.balancer.ChangeResult;
import vr.common.balancer.Pools;
import vr.common.model.Hosts;
import vr.common.model.Node;

/**
 * Stingray / ZXTM (later Pulse and Ivanti vTM) through its SOAP {@code Pool} service. Settings: {@code URL}
 * (the SOAP endpoint, e.g. {@code https://traffic:9090/soap}), {@code USER}, {@code PASSWORD},
 * {@code POOL_PREFIX} (prepended to every pool name, default empty) and {@code GRACE_PERIOD} (seconds a
 * disabled node drains before removal, default 2). Adding to an unknown pool creates it; removing nodes
 * disables them first, waits the grace period, then removes only the nodes that were present.
 */
public final class StingrayBalancer implements Balancer {
  private final PoolSoap soap;
  private final String host;
  private final String prefix;
  private final Duration grace;

  public StingrayBalancer(BalancerConfig c) {
    String url = c.requireString("URL");
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw c.error("URL", "is not a URL: " + e.getMessage());
    }
    if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
      throw c.error("URL", "must be an http(s) URL of the SOAP endpoint, e.g. https://traffic:9090/soap");
    }
    String hostProblem = Hosts.problem(uri.getHost());
    if (hostProblem != null) {
      throw c.error("URL", "has a host that " + hostProblem + ": " + InputException.quote(url));
    }
    this.soap = new PoolSoap(uri, c.string("USER", null), c.string("PASSWORD", null));
    this.host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    this.prefix = c.string("POOL_PREFIX", "");
    this.grace = c.seconds("GRACE_PERIOD", Duration.ofSeconds(2));
  }

  private String remote(String pool) {
    return prefix + Pools.checkName(pool);
  }

  @Override
  public List<Node> getNodes(String pool) {
    String p = remote(pool);
    try {
      return List.copyOf(fetch(p));
    } catch (VrException e) {
      throw new BalancerException("get nodes of pool " + pool, new ChangeResult.Builder().failed(host, e.getMessage()).build());
    }
  }

  private Set<Node> fetch(String remotePool) {
    Set<Node> out = new TreeSet<>();
    try {
      List<List<String>> r = soap.call("getNodes", List.of(remotePool), null);
      if (!r.isEmpty()) {
        r.get(0).forEach(s -> out.add(Node.parse(s)));
      }
    } catch (PoolSoap.Fault f) {
      if (!f.unknownPool()) {
        throw f;
      }
    }
    return out;
  }

  @Override
  public ChangeResult addNodes(String pool, Collection<Node> nodes) {
    String p = remote(pool);
    List<List<String>> values = List.of(strings(nodes));
    return change("add nodes to pool " + pool, () -> {
      try {
        soap.call("addNodes", List.of(p), values);
      } catch (PoolSoap.Fault f) {
        if (!f.unknownPool()) {
          throw f;
        }
        soap.call("addPool", List.of(p), values);
      }
      return true;
    });
  }

  @Override
  public ChangeResult deleteNodes(String pool, Collection<Node> nodes) {
    String p = remote(pool);
    return change("delete nodes from pool " + pool, () -> {
      Set<Node> present = fetch(p);
      present.retainAll(Set.copyOf(nodes));
      if (present.isEmpty()) {
        return false;
      }
      List<List<String>> values = List.of(strings(present));
      soap.call("disableNodes", List.of(p), values);
      sleep(grace);
      try {
        soap.call("removeNodes", List.of(p), values);
      } catch (PoolSoap.Fault f) {
        if (!f.unknownPool()) {
          throw f;
        }
      }
      return true;
    });
  }

  @Override
  public ChangeResult deletePool(String pool) {
    String p = remote(pool);
    return change("delete pool " + pool, () -> {
      try {
        soap.call("deletePool", List.of(p), null);
        return true;
      } catch (PoolSoap.Fault f) {
        if (!f.unknownPool()) {
          throw f;
        }
        return false;
      }
    });
  }

  private static List<String> strings(Collection<Node> nodes) {
    return new TreeSet<>(nodes).stream().map(Node::toString).toList();
  }

  private ChangeResult change(String action, Supplier<Boolean> op) {
    ChangeResult.Builder b = new ChangeResult.Builder();
    try {
      if (op.get()) {
        b.updated(host);
      } else {
        b.unchanged(host);
      }
    } catch (VrException e) {
      b.failed(host, e.getMessage());
    }
    return BalancerException.check(action, b.build());
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while draining nodes");
    }
  }
}
