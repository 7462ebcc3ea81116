package vr.common.balancer.chained;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import vr.common.VrException;
import vr.common.balancer.Balancer;
import vr.common.balancer.BalancerConfig;
import vr.common.balancer.BalancerException;
import vr.common.balancer.BalancerFactory;
import vr.common.balancer.ChangeResult;
import vr.common.model.Node;
import vr.common.yaml.YamlMap;

/**
 * Fans every change out to several balancers (e.g. nginx on the edge and a Stingray inside), configured as
 * {@code BALANCERS: [{BACKEND: ...}, ...]}. Every member is tried even when one fails; the result names each
 * member's hosts as {@code <n>:<host>} (n counting from 1). {@code getNodes} is the sorted union. The members
 * are built by the {@link BalancerFactory} it is given (by {@code Balancers}, with its SSH client), so this class does not
 * depend on {@code Balancers}, which registers it.
 */
public final class ChainedBalancer implements Balancer {
  private final List<Balancer> members;

  public ChainedBalancer(BalancerConfig c, BalancerFactory factory) {
    List<YamlMap> list = c.children("BALANCERS");
    if (list == null || list.isEmpty()) {
      throw c.error("BALANCERS", "must list the chained balancers, e.g. BALANCERS: [{BACKEND: nginx, hosts: [lb1]}]");
    }
    List<Balancer> m = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      m.add(factory.create(c.name() + "[" + (i + 1) + "]", list.get(i), c.warnings()));
    }
    this.members = List.copyOf(m);
  }

  public ChainedBalancer(List<Balancer> members) {
    this.members = List.copyOf(members);
  }

  @Override
  public List<Node> getNodes(String pool) {
    TreeSet<Node> all = new TreeSet<>();
    for (Balancer b : members) {
      all.addAll(b.getNodes(pool));
    }
    return List.copyOf(all);
  }

  @Override
  public ChangeResult addNodes(String pool, Collection<Node> nodes) {
    return fanOut("add nodes to pool " + pool, b -> b.addNodes(pool, nodes));
  }

  @Override
  public ChangeResult deleteNodes(String pool, Collection<Node> nodes) {
    return fanOut("delete nodes from pool " + pool, b -> b.deleteNodes(pool, nodes));
  }

  @Override
  public ChangeResult deletePool(String pool) {
    return fanOut("delete pool " + pool, b -> b.deletePool(pool));
  }

  @Override
  public ChangeResult deletePoolIfEmpty(String pool) {
    return fanOut("delete pool " + pool + " if empty", b -> b.deletePoolIfEmpty(pool));
  }

  private ChangeResult fanOut(String action, Function<Balancer, ChangeResult> f) {
    ChangeResult all = ChangeResult.EMPTY;
    for (int i = 0; i < members.size(); i++) {
      String prefix = (i + 1) + ":";
      ChangeResult r;
      try {
        r = f.apply(members.get(i));
      } catch (BalancerException e) {
        r = e.result();
      } catch (VrException e) {
        r = new ChangeResult.Builder().failed("*", e.getMessage()).build();
      }
      all = all.plus(r.prefixed(prefix));
    }
    return BalancerException.check(action, all);
  }
}
