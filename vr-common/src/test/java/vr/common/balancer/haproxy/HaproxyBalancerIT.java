package vr.common.balancer.haproxy;

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
import vr.common.testing.HaproxyDaemon;
import vr.common.testing.HttpBackend;
import vr.common.testing.HttpProbe;
import vr.common.testing.SshDaemon;

/** The HAProxy backend over a real sshd against a real HAProxy (master-worker), checked with real requests. */
class HaproxyBalancerIT {
  @TempDir static Path tmp;
  static BalancerRig rig;
  static SshDaemon sshd;
  static HaproxyDaemon haproxy;

  @BeforeAll
  static void start() throws Exception {
    rig = BalancerRig.start(tmp);
    sshd = rig.sshd();
    haproxy = rig.own(HaproxyDaemon.start(tmp.resolve("haproxy"), "web", "swap", "many", "bad", "gone"));
  }

  @AfterAll
  static void stop() {
    if (rig != null) {
      rig.close();
    }
  }

  static String settings() {
    return "BACKEND: haproxy, " + sshd.balancerSettings() + ", " + haproxy.balancerSettings() + ", drain_timeout: 5";
  }

  static Balancer lb() throws Exception {
    return BalancerFixtures.load(rig.ssh(), tmp, settings());
  }

  static long masterPid() throws Exception {
    return Long.parseLong(Files.readString(tmp.resolve("haproxy/haproxy.pid")).strip());
  }

  @Test
  void aNewPoolIsLoadedByReloadThenNodesChangeThroughTheRuntimeApi() throws Exception {
    Balancer lb = lb();
    HttpBackend a = rig.backend("a");
    HttpBackend b = rig.backend("b");
    int port = haproxy.port("web");
    lb.addNodes("web", List.of(a.node()));
    HttpProbe.await(port, "a"::equals, 5, Duration.ofSeconds(10), "requests did not reach a");
    String workers = haproxy.runtime("show info");
    lb.addNodes("web", List.of(b.node()));
    assertThat(haproxy.runtime("show servers state web")).contains(b.node().toString());
    HttpProbe.await(port, "b"::equals, 1, Duration.ofSeconds(5), "requests did not reach the added node b");
    lb.deleteNodes("web", List.of(a.node()));
    assertThat(haproxy.runtime("show servers state web")).doesNotContain(a.node().toString());
    for (int i = 0; i < 30; i++) {
      assertThat(HttpProbe.get(port)).isEqualTo("b");
    }
    // no reload happened for the node changes: the same worker answers
    assertThat(pidOf(haproxy.runtime("show info"))).isEqualTo(pidOf(workers));
    assertThat(Files.readString(haproxy.poolDir().resolve("web.cfg"))).contains("server " + b.node() + " " + b.node())
        .doesNotContain(a.node().toString());
    assertThat(lb.getNodes("web")).containsExactly(b.node());
  }

  static String pidOf(String showInfo) {
    return showInfo.lines().filter(l -> l.startsWith("Pid:")).findFirst().orElseThrow();
  }

  @Test
  void swappingNodesTenTimesUnderLoadFailsNoRequest() throws Exception {
    BalancerFixtures.assertTenSwapsUnderLoadFailNoRequest(lb(), rig, "swap", haproxy.port("swap"));
  }

  @Test
  void eightProcessesAdding25NodesEachToOnePoolLoseNone() throws Exception {
    Path yaml = BalancerFixtures.write(tmp, settings());
    BalancerFixtures.addConcurrently(yaml, "many", 8, 25, 30000);
    List<Node> nodes = lb().getNodes("many");
    assertThat(nodes).hasSize(200);
    String state = haproxy.runtime("show servers state many");
    for (int p = 0; p < 8; p++) {
      for (int i = 0; i < 25; i++) {
        assertThat(nodes).contains(new Node("127.0.0.1", 30000 + p * 100 + i));
        assertThat(state).contains(" 127.0.0.1:" + (30000 + p * 100 + i) + " ");
      }
    }
  }

  @Test
  void aConfigHaproxyRejectsIsRolledBackAndTrafficKeepsFlowing() throws Exception {
    Balancer good = lb();
    HttpBackend ok = rig.backend("bad-ok");
    good.addNodes("bad", List.of(ok.node()));
    int port = haproxy.port("bad");
    HttpProbe.await(port, "bad-ok"::equals, 3, Duration.ofSeconds(10), "node not reached");
    String before = Files.readString(haproxy.poolDir().resolve("bad.cfg"));
    Balancer broken = BalancerFixtures.load(rig.ssh(), tmp, settings() + ", server_options: 'bogus-keyword'");
    assertThatThrownBy(() -> broken.addNodes("bad", List.of(Node.parse("127.0.0.1:1"))))
        .isInstanceOf(BalancerException.class).hasMessageContaining("test_cmd").hasMessageContaining("previous config restored");
    assertThat(Files.readString(haproxy.poolDir().resolve("bad.cfg"))).isEqualTo(before);
    assertThat(haproxy.runtime("show servers state bad")).doesNotContain("127.0.0.1:1 ");
    for (int i = 0; i < 10; i++) {
      assertThat(HttpProbe.get(port)).isEqualTo("bad-ok");
    }
  }

  @Test
  void aDeletedPoolIsDroppedByAHitlessReload() throws Exception {
    Balancer lb = lb();
    HttpBackend a = rig.backend("gone-a");
    lb.addNodes("gone", List.of(a.node()));
    HttpProbe.await(haproxy.port("gone"), "gone-a"::equals, 3, Duration.ofSeconds(10), "node not reached");
    long master = masterPid();
    lb.deleteNodes("gone", List.of(a.node()));
    assertThat(lb.getNodes("gone")).isEmpty();
    assertThat(HttpProbe.get(haproxy.port("gone"))).startsWith("FAIL HTTP/1.1 503");
    lb.deletePoolIfEmpty("gone");
    assertThat(haproxy.runtime("show servers state gone")).contains("Can't find backend");
    assertThat(Files.exists(haproxy.poolDir().resolve("gone.cfg"))).isFalse();
    assertThat(masterPid()).isEqualTo(master);
  }
}
