package vr.common.balancer.varnish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.balancer.Balancer;
import vr.common.balancer.BalancerException;
import vr.common.balancer.BalancerFixtures;
import vr.common.model.Node;
import vr.common.testing.BalancerRig;
import vr.common.testing.HttpBackend;
import vr.common.testing.HttpProbe;
import vr.common.testing.SshDaemon;
import vr.common.testing.VarnishDaemon;

/** The Varnish backend over a real sshd against a real varnishd 7, checked with real requests. */
class VarnishBalancerIT {
  @TempDir static Path tmp;
  static BalancerRig rig;
  static SshDaemon sshd;
  static VarnishDaemon varnish;

  @BeforeAll
  static void start() throws Exception {
    rig = BalancerRig.start(tmp);
    sshd = rig.sshd();
    varnish = rig.own(VarnishDaemon.start(tmp.resolve("varnish"), "web", "bad"));
  }

  @AfterAll
  static void stop() {
    if (rig != null) {
      rig.close();
    }
  }

  static Balancer lb() throws Exception {
    return BalancerFixtures.load(rig.ssh(), tmp, "BACKEND: varnish, " + sshd.balancerSettings() + ", " + varnish.balancerSettings());
  }

  @Test
  void requestsReachAnAddedNodeAndNoneReachADeletedOneAndOldVclsAreDiscarded() throws Exception {
    Balancer lb = lb();
    HttpBackend a = rig.backend("a");
    HttpBackend b = rig.backend("b");
    int port = varnish.port("web");
    assertThat(HttpProbe.get(port)).startsWith("FAIL HTTP/1.1 503"); // the empty pool
    lb.addNodes("web", List.of(a.node()));
    HttpProbe.await(port, "a"::equals, 3, Duration.ofSeconds(10), "requests did not reach a");
    lb.addNodes("web", List.of(b.node()));
    HttpProbe.await(port, "b"::equals, 1, Duration.ofSeconds(10), "requests did not reach the added node b");
    lb.deleteNodes("web", List.of(a.node()));
    for (int i = 0; i < 30; i++) {
      assertThat(HttpProbe.get(port)).isEqualTo("b");
    }
    assertThat(lb.getNodes("web")).containsExactly(b.node());
    String list = varnish.vclList();
    // earlier VCLs are discarded (one still serving a request shows as "discarded ... busy" until it ends)
    assertThat(list.lines().filter(l -> l.contains(VarnishBalancer.VCL_PREFIX) && !l.startsWith("discarded"))).hasSize(1);
    assertThat(list.lines().filter(l -> l.startsWith("active")).findFirst().orElseThrow()).contains(VarnishBalancer.VCL_PREFIX);
    lb.deleteNodes("web", List.of(b.node()));
    HttpProbe.await(port, s -> s.startsWith("FAIL HTTP/1.1 503"), 3, Duration.ofSeconds(10), "an empty pool did not answer 503");
  }

  @Test
  void aVclThatDoesNotCompileIsRolledBackAndTrafficKeepsFlowing() throws Exception {
    Balancer lb = lb();
    HttpBackend ok = rig.backend("bad-ok");
    lb.addNodes("bad", List.of(ok.node()));
    int port = varnish.port("bad");
    HttpProbe.await(port, "bad-ok"::equals, 3, Duration.ofSeconds(10), "node not reached");
    String pools = Files.readString(varnish.poolDir().resolve("pools.vcl"));
    // a pool called "default" would clash with the main VCL's "backend default": vcl.load refuses it
    assertThatThrownBy(() -> lb.addNodes("default", List.of(Node.parse("127.0.0.1:1"))))
        .isInstanceOf(BalancerException.class)
        .hasMessageContaining("varnish rejected the new VCL")
        .hasMessageContaining("previous config restored");
    assertThat(Files.readString(varnish.poolDir().resolve("pools.vcl"))).isEqualTo(pools);
    assertThat(Files.exists(varnish.poolDir().resolve("pool-default.vcl"))).isFalse();
    for (int i = 0; i < 10; i++) {
      assertThat(HttpProbe.get(port)).isEqualTo("bad-ok");
    }
  }
}
