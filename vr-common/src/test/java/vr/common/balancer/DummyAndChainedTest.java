package vr.common.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import vr.common.VrException;
import vr.common.balancer.chained.ChainedBalancer;
import vr.common.balancer.dummy.DummyBalancer;
import vr.common.model.Node;

class DummyAndChainedTest {
  static final Node A = Node.parse("10.0.0.1:5000");
  static final Node B = Node.parse("10.0.0.2:5000");
  static final Node C = Node.parse("10.0.0.3:5000");

  @Test
  void dummyAddsCreatesAndDeletesWithoutFailingOnMissingPoolsOrNodes() {
    DummyBalancer d = new DummyBalancer();
    assertThat(d.getNodes("web")).isEmpty();
    assertThat(d.deleteNodes("web", List.of(A)).unchanged()).containsExactly("memory");
    assertThat(d.addNodes("web", List.of(B, A)).updated()).containsExactly("memory");
    assertThat(d.addNodes("web", List.of(A)).unchanged()).containsExactly("memory");
    assertThat(d.getNodes("web")).containsExactly(A, B);
    d.deleteNodes("web", List.of(A, C));
    assertThat(d.getNodes("web")).containsExactly(B);
    assertThat(d.deletePoolIfEmpty("web").unchanged()).containsExactly("memory");
    d.deleteNodes("web", List.of(B));
    assertThat(d.deletePoolIfEmpty("web").updated()).containsExactly("memory");
    assertThat(d.deletePool("web").unchanged()).containsExactly("memory");
  }

  @Test
  void chainedFansOutAndGetsTheSortedUnion() {
    DummyBalancer one = new DummyBalancer();
    DummyBalancer two = new DummyBalancer();
    two.addNodes("web", List.of(C));
    ChainedBalancer ch = new ChainedBalancer(List.of(one, two));
    ChangeResult r = ch.addNodes("web", List.of(B, A));
    assertThat(r.updated()).containsExactly("1:memory", "2:memory");
    assertThat(one.getNodes("web")).containsExactly(A, B);
    assertThat(ch.getNodes("web")).containsExactly(A, B, C);
    ch.deletePool("web");
    assertThat(ch.getNodes("web")).isEmpty();
  }

  @Test
  void chainedTriesEveryMemberAndReportsWhichFailed() {
    DummyBalancer ok = new DummyBalancer();
    Balancer broken = new Broken();
    ChainedBalancer ch = new ChainedBalancer(List.of(broken, ok));
    assertThatThrownBy(() -> ch.addNodes("web", List.of(A)))
        .isInstanceOfSatisfying(BalancerException.class, e -> {
          assertThat(e.result().updated()).containsExactly("2:memory");
          assertThat(e.result().failed()).containsOnlyKeys("1:lb9");
          assertThat(e.getMessage()).isEqualTo("add nodes to pool web: updated on 2:memory; failed on 1:lb9 (connection refused)");
        });
    assertThat(ok.getNodes("web")).containsExactly(A);
  }

  /** A balancer whose only host is unreachable. */
  static final class Broken implements Balancer {
    @Override
    public List<Node> getNodes(String pool) {
      throw new VrException("lb9: connection refused");
    }

    @Override
    public ChangeResult addNodes(String pool, Collection<Node> nodes) {
      return BalancerException.check("add", new ChangeResult.Builder().failed("lb9", "connection refused").build());
    }

    @Override
    public ChangeResult deleteNodes(String pool, Collection<Node> nodes) {
      return addNodes(pool, nodes);
    }

    @Override
    public ChangeResult deletePool(String pool) {
      return addNodes(pool, List.of());
    }
  }
}
