package vr.common.balancer.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.balancer.Balancer;
import vr.common.balancer.BalancerException;
import vr.common.balancer.BalancerFixtures;
import vr.common.model.Node;
import vr.common.ssh.SshHosts;
import vr.common.ssh.SshSettings;
import vr.common.testing.BalancerRig;
import vr.common.testing.Daemons;
import vr.common.testing.HttpBackend;
import vr.common.testing.HttpProbe;
import vr.common.testing.NginxDaemon;
import vr.common.testing.SshDaemon;

/** The nginx backend over a real sshd against a real nginx, checked with real requests. */
class NginxBalancerIT {
  @TempDir static Path tmp;
  static BalancerRig rig;
  static SshDaemon sshd;
  static NginxDaemon nginx;

  @BeforeAll
  static void start() throws Exception {
    rig = BalancerRig.start(tmp);
    sshd = rig.sshd();
    nginx = rig.own(NginxDaemon.start(tmp.resolve("nginx"), "web", "swap", "many", "bad", "reload", "empty", "multi"));
  }

  @AfterAll
  static void stop() {
    if (rig != null) {
      rig.close();
    }
  }

  static String settings() {
    return "BACKEND: nginx, " + sshd.balancerSettings() + ", " + nginx.balancerSettings();
  }

  static Balancer lb() throws Exception {
    return BalancerFixtures.load(rig.ssh(), tmp, settings());
  }

  @Test
  void requestsReachAnAddedNodeAndNoneReachADeletedOne() throws Exception {
    Balancer lb = lb();
    HttpBackend a = rig.backend("a");
    HttpBackend b = rig.backend("b");
    int port = nginx.port("web");
    assertThat(lb.addNodes("web", List.of(a.node())).updated()).containsExactly(sshd.hostAndPort());
    HttpProbe.await(port, "a"::equals, 5, Duration.ofSeconds(10), "requests did not reach a");
    lb.addNodes("web", List.of(b.node()));
    HttpProbe.await(port, "b"::equals, 1, Duration.ofSeconds(10), "requests did not reach the added node b");
    assertThat(lb.getNodes("web")).containsExactlyInAnyOrder(a.node(), b.node());
    lb.deleteNodes("web", List.of(a.node()));
    HttpProbe.await(port, "b"::equals, 10, Duration.ofSeconds(10), "the deleted node a still got requests");
    for (int i = 0; i < 50; i++) {
      assertThat(HttpProbe.get(port)).isEqualTo("b");
    }
    assertThat(Files.readString(nginx.poolDir().resolve("web.conf"))).isEqualTo("\nupstream web {\n  server " + b.node() + ";\n}\n");
  }

  @Test
  void swappingNodesTenTimesUnderLoadFailsNoRequest() throws Exception {
    BalancerFixtures.assertTenSwapsUnderLoadFailNoRequest(lb(), rig, "swap", nginx.port("swap"));
  }

  @Test
  void eightProcessesAdding25NodesEachToOnePoolLoseNone() throws Exception {
    Path yaml = BalancerFixtures.write(tmp, settings());
    BalancerFixtures.addConcurrently(yaml, "many", 8, 25, 20000);
    List<Node> nodes = lb().getNodes("many");
    assertThat(nodes).hasSize(200);
    for (int p = 0; p < 8; p++) {
      for (int i = 0; i < 25; i++) {
        assertThat(nodes).contains(new Node("127.0.0.1", 20000 + p * 100 + i));
      }
    }
  }

  @Test
  void aChangeNginxRejectsIsRolledBackAndTrafficKeepsFlowing() throws Exception {
    Balancer lb = lb();
    HttpBackend ok = rig.backend("bad-ok");
    lb.addNodes("bad", List.of(ok.node()));
    int port = nginx.port("bad");
    HttpProbe.await(port, "bad-ok"::equals, 3, Duration.ofSeconds(10), "node not reached");
    // another file already defines upstream "taken": nginx -t fails on the duplicate
    Files.writeString(nginx.poolDir().resolve("other.conf"), "upstream taken { server 127.0.0.1:9; }\n");
    try {
      assertThatThrownBy(() -> lb.addNodes("taken", List.of(ok.node())))
          .isInstanceOfSatisfying(BalancerException.class, e -> assertThat(e.result().failed()).containsOnlyKeys(sshd.hostAndPort()))
          .hasMessageContaining("test_cmd")
          .hasMessageContaining("duplicate upstream")
          .hasMessageContaining("previous config restored");
      assertThat(nginx.poolFiles()).doesNotContain("taken.conf");
    } finally {
      Files.delete(nginx.poolDir().resolve("other.conf"));
    }
    assertThat(HttpProbe.get(port)).isEqualTo("bad-ok");
    assertThat(nginx.poolFiles()).noneMatch(f -> f.contains("vr-tmp"));
  }

  @Test
  void aFailedReloadRestoresTheOldFileAndReloadsIt() throws Exception {
    HttpBackend old = rig.backend("reload-old");
    HttpBackend added = rig.backend("reload-new");
    lb().addNodes("reload", List.of(old.node()));
    int port = nginx.port("reload");
    HttpProbe.await(port, "reload-old"::equals, 3, Duration.ofSeconds(10), "node not reached");
    String before = Files.readString(nginx.poolDir().resolve("reload.conf"));
    // the reload command loads the config but reports failure the first time (a flaky init script)
    Path marker = tmp.resolve("reload-failed-once");
    String flaky = "if [ -e " + marker + " ]; then " + nginx.reloadCmd() + "; else touch " + marker + "; " + nginx.reloadCmd() + "; exit 1; fi";
    Balancer lb = BalancerFixtures.load(rig.ssh(), tmp, "BACKEND: nginx, " + sshd.balancerSettings() + ", include_dir: '" + nginx.poolDir()
        + "', test_cmd: '" + nginx.testCmd() + "', reload_cmd: '" + flaky + "'");
    assertThatThrownBy(() -> lb.addNodes("reload", List.of(added.node())))
        .isInstanceOf(BalancerException.class).hasMessageContaining("reload_cmd").hasMessageContaining("previous config restored");
    assertThat(Files.readString(nginx.poolDir().resolve("reload.conf"))).isEqualTo(before);
    HttpProbe.await(port, "reload-old"::equals, 20, Duration.ofSeconds(10), "traffic did not return to the old node only");
  }

  @Test
  void anEmptyPoolIsValidAndCanThenBeDeleted() throws Exception {
    Balancer lb = lb();
    HttpBackend a = rig.backend("empty-a");
    lb.addNodes("empty", List.of(a.node()));
    lb.deleteNodes("empty", List.of(a.node()));
    assertThat(lb.getNodes("empty")).isEmpty();
    assertThat(Files.readString(nginx.poolDir().resolve("empty.conf"))).contains("down;");
    HttpProbe.await(nginx.port("empty"), s -> s.startsWith("FAIL HTTP/1.1 502"), 3, Duration.ofSeconds(10), "empty pool did not answer 502");
    assertThat(lb.deleteNodes("empty", List.of(a.node())).unchanged()).hasSize(1);
    assertThat(lb.deletePoolIfEmpty("empty").updated()).hasSize(1);
    assertThat(nginx.poolFiles()).doesNotContain("empty.conf");
    assertThat(lb.deleteNodes("empty", List.of(a.node())).unchanged()).hasSize(1);
    assertThat(lb.deletePool("empty").unchanged()).hasSize(1);
  }

  @Test
  void withSeveralHostsTheResultSaysWhichWereUpdatedAndWhichFailed() throws Exception {
    int closed = Daemons.freePort();
    String settings = settings().replace("hosts: ['" + sshd.hostAndPort() + "']", "hosts: ['" + sshd.hostAndPort() + "', '127.0.0.1:" + closed + "']");
    Balancer lb = BalancerFixtures.load(rig.ssh(), tmp, settings);
    HttpBackend a = rig.backend("multi-a");
    assertThatThrownBy(() -> lb.addNodes("multi", List.of(a.node())))
        .isInstanceOfSatisfying(BalancerException.class, e -> {
          assertThat(e.result().updated()).containsExactly(sshd.hostAndPort());
          assertThat(e.result().failed()).containsOnlyKeys("127.0.0.1:" + closed);
          assertThat(e.result().failed().get("127.0.0.1:" + closed)).isEqualTo("ssh: connection refused");
        });
    HttpProbe.await(nginx.port("multi"), "multi-a"::equals, 3, Duration.ofSeconds(10), "the reachable host was not updated");
  }

  @Test
  void anUnknownHostKeyIsRefusedAndNothingChanges() throws Exception {
    SshSettings trustsNothing = SshSettings.of(sshd.emptyKnownHosts(), List.of(sshd.clientKey())).withDefaultUser("root");
    try (SshHosts stranger = SshHosts.start(trustsNothing)) {
      Balancer lb = BalancerFixtures.load(stranger, tmp, settings().replace(sshd.knownHosts().toString(), sshd.emptyKnownHosts().toString()));
      assertThatThrownBy(() -> lb.addNodes("stranger", List.of(Node.parse("127.0.0.1:1"))))
          .isInstanceOfSatisfying(BalancerException.class, e -> assertThat(e.result().failed().get(sshd.hostAndPort()))
              .matches("ssh: host key ssh-ed25519 SHA256:\\S+ is not in " + Pattern.quote(sshd.emptyKnownHosts().toString())
                  + "; refused \\(check the fingerprint, then add the key\\)"));
    }
    assertThat(nginx.poolFiles()).doesNotContain("stranger.conf");
  }

  @Test
  void closingTheSshClientClosesTheBalancersConnectionsOnBothSides() throws Exception {
    ProcessHandle listener = ProcessHandle.of(sshd.pid()).orElseThrow();
    SshHosts own = SshHosts.start(BalancerRig.clientSettings(sshd));
    Balancer lb = BalancerFixtures.load(own, tmp, settings());
    long before = listener.children().count();
    lb.getNodes("web");
    lb.getNodes("web");
    assertThat(own.connections(sshd.hostAndPort())).isEqualTo(1); // one connection, reused
    assertThat(listener.children().count()).isEqualTo(before + 1);
    own.close();
    assertThat(own.connections(sshd.hostAndPort())).isZero();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (listener.children().count() > before && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(listener.children().count()).as("sshd session processes left").isEqualTo(before);
    assertThatThrownBy(() -> lb.getNodes("web"))
        .isInstanceOfSatisfying(BalancerException.class, e -> assertThat(e.result().failed()).containsEntry(sshd.hostAndPort(), "ssh client is closed"));
  }
}
