package vr.common.balancer.dummy;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vr.common.balancer.Balancer;
import vr.common.balancer.BalancerConfig;
import vr.common.balancer.ChangeResult;
import vr.common.balancer.Pools;
import vr.common.model.Node;

/** Pools in memory, for tests and development; the registry keeps one instance, so its pools persist. */
public final class DummyBalancer implements Balancer {
  private static final Logger LOG = LoggerFactory.getLogger(DummyBalancer.class);
  private static final String HOST = "memory";
  private final Map<String, TreeSet<Node>> pools = new HashMap<>();

  public DummyBalancer() {}

  public DummyBalancer(BalancerConfig config) {}

  @Override
  public synchronized List<Node> getNodes(String pool) {
    Pools.checkName(pool);
    TreeSet<Node> s = pools.get(pool);
    return s == null ? List.of() : List.copyOf(s);
  }

  @Override
  public synchronized ChangeResult addNodes(String pool, Collection<Node> nodes) {
    Pools.checkName(pool);
    boolean created = !pools.containsKey(pool);
    boolean changed = pools.computeIfAbsent(pool, p -> new TreeSet<>()).addAll(nodes) || created;
    log(pool);
    return result(changed);
  }

  @Override
  public synchronized ChangeResult deleteNodes(String pool, Collection<Node> nodes) {
    Pools.checkName(pool);
    TreeSet<Node> s = pools.get(pool);
    boolean changed = s != null && s.removeAll(nodes);
    log(pool);
    return result(changed);
  }

  @Override
  public synchronized ChangeResult deletePool(String pool) {
    Pools.checkName(pool);
    return result(pools.remove(pool) != null);
  }

  @Override
  public synchronized ChangeResult deletePoolIfEmpty(String pool) {
    Pools.checkName(pool);
    TreeSet<Node> s = pools.get(pool);
    return result(s != null && s.isEmpty() && pools.remove(pool) != null);
  }

  private void log(String pool) {
    LOG.info("Dummy Pool \"{}\": {}", pool, pools.getOrDefault(pool, new TreeSet<>()));
  }

  private static ChangeResult result(boolean changed) {
    ChangeResult.Builder b = new ChangeResult.Builder();
    return (changed ? b.updated(HOST) : b.unchanged(HOST)).build();
  }
}
