package vr.common.balancer.stingray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vr.common.balancer.BalancerFixtures;
import vr.common.balancer.Balancer;
import vr.common.balancer.BalancerException;
import vr.common.balancer.Balancers;
import vr.common.model.Node;
import vr.common.testing.ZxtmFake;
import vr.common.yaml.Yaml;

/** The Stingray backend against a protocol fake of the SOAP Pool service. */
class StingrayBalancerTest {
  static final Node A = Node.parse("10.0.0.1:5000");
  static final Node B = Node.parse("10.0.0.2:5000");
  ZxtmFake fake;
  Balancer lb;

  @BeforeEach
  void start() throws Exception {
    fake = ZxtmFake.start("admin", "s3cret");
    lb = balancer("admin", "s3cret");
  }

  Balancer balancer(String user, String password) {
    return Balancers.from(Yaml.parse("BALANCERS:\n  st:\n    BACKEND: vr.common.balancer.zxtm.ZXTMBalancer\n    URL: '" + fake.url()
        + "'\n    USER: " + user + "\n    PASSWORD: " + password + "\n    POOL_PREFIX: 'vr-'\n    GRACE_PERIOD: 0.3\n", Path.of("b.yaml")), BalancerFixtures.offline()).get("st");
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void addingToAnUnknownPoolCreatesItWithThePrefix() {
    assertThat(lb.getNodes("web")).isEmpty();
    lb.addNodes("web", List.of(B, A));
    assertThat(fake.pool("vr-web")).isEqualTo(Map.of("10.0.0.1:5000", "active", "10.0.0.2:5000", "active"));
    assertThat(fake.calls()).extracting(ZxtmFake.Call::op).containsExactly("getNodes", "addNodes", "addPool");
    lb.addNodes("web", List.of(Node.parse("10.0.0.3:5000")));
    assertThat(lb.getNodes("web")).containsExactly(A, B, Node.parse("10.0.0.3:5000"));
  }

  @Test
  void deletingDisablesThenWaitsTheGracePeriodThenRemovesOnlyPresentNodes() {
    fake.putPool("vr-web", List.of("10.0.0.1:5000", "10.0.0.2:5000"));
    var r = lb.deleteNodes("web", List.of(A, Node.parse("10.9.9.9:1")));
    assertThat(r.updated()).containsExactly(fake.url().replaceAll("http://([^/]+)/.*", "$1"));
    assertThat(fake.pool("vr-web")).containsOnlyKeys("10.0.0.2:5000");
    List<ZxtmFake.Call> calls = fake.calls();
    assertThat(calls).extracting(ZxtmFake.Call::op).containsExactly("getNodes", "disableNodes", "removeNodes");
    assertThat(calls.get(1).nodes()).containsExactly(List.of("10.0.0.1:5000"));
    assertThat(calls.get(2).atMillis() - calls.get(1).atMillis()).isGreaterThanOrEqualTo(250);
  }

  @Test
  void missingPoolsAndNodesAreNotErrors() {
    assertThat(lb.deleteNodes("nope", List.of(A)).unchanged()).hasSize(1);
    assertThat(lb.deletePool("nope").unchanged()).hasSize(1);
    fake.putPool("vr-web", List.of());
    assertThat(lb.deletePoolIfEmpty("web").updated()).hasSize(1);
    assertThat(fake.pool("vr-web")).isNull();
  }

  @Test
  void aRefusedLoginFailsNamingTheHost() {
    Balancer wrong = balancer("admin", "wrong");
    assertThatThrownBy(() -> wrong.addNodes("web", List.of(A)))
        .isInstanceOf(BalancerException.class).hasMessageContaining("failed on 127.0.0.1:").hasMessageContaining("HTTP 401");
    assertThat(fake.pool("vr-web")).isNull();
  }
}
