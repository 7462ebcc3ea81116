package vr.common.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;
import vr.common.ssh.HostAddress;
import vr.common.ssh.SshHosts;
import vr.common.ssh.SshSettings;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/** A balancer's SSH keys against the client it is given, and the client settings one balancer asks for. */
class BalancerSshTest {
  @TempDir Path tmp;

  static YamlMap yaml(String text) {
    return Yaml.parse(text, Path.of("balancers.yaml"));
  }

  @Test
  void acceptUnknownHostsTrueIsRefusedInOneLineNamingTheKnownHostsFile() {
    assertThatThrownBy(() -> Balancers.from(yaml("BALANCERS:\n  web:\n    BACKEND: nginx\n    accept_unknown_hosts: true\n"),
        BalancerFixtures.offline()))
        .isInstanceOf(InputException.class)
        .hasMessage("balancers.yaml line 4: accept_unknown_hosts is no longer supported: host keys are always checked against known_hosts ("
            + Path.of("target", "no-known-hosts") + "); check the host's fingerprint, then add its key there"
            + " (e.g. ssh-keyscan -p PORT HOST >> known_hosts)");
    Balancers off = Balancers.from(yaml("BALANCERS:\n  web:\n    BACKEND: nginx\n    accept_unknown_hosts: false\n"), BalancerFixtures.offline());
    assertThat(off.warnings()).isEmpty();
  }

  @Test
  void keysTheClientDoesNotHonourWarnNamingWhatIsUsedInstead() {
    Balancers b = Balancers.from(yaml("""
        BALANCERS:
          web:
            BACKEND: haproxy
            known_hosts: /etc/vr/known_hosts
            key_file: /etc/vr/deploy_key
            connect_timeout: 3
        """), BalancerFixtures.offline());
    assertThat(b.warnings()).containsExactly(
        "balancers.yaml line 4: known_hosts is not used by balancer web: host keys are checked against the SSH client's known_hosts, "
            + Path.of("target", "no-known-hosts"),
        "balancers.yaml line 5: key_file is not used by balancer web: the SSH client offers its own keys (none)",
        "balancers.yaml line 6: connect_timeout is not used by balancer web: the SSH client's connect timeout of 15.0 s applies");
  }

  @Test
  void hostsUserAndPortMakeTheAddressesAndTheClientsUserIsTheDefault() {
    SshBalancer lb = (SshBalancer) Balancers.from(yaml("BALANCERS: {web: {BACKEND: nginx, hosts: [lb1, 'lb2:2222', '[::1]:2200'], ssh_port: 22}}\n"),
        BalancerFixtures.offline()).get("web");
    assertThat(lb.hosts).containsExactly(new HostAddress("root", "lb1", 22), new HostAddress("root", "lb2", 2222),
        new HostAddress("root", "::1", 2200));
    SshBalancer deploy = (SshBalancer) Balancers.from(yaml("BALANCERS: {web: {BACKEND: varnish, user: deploy, ssh_port: 2022}}\n"),
        BalancerFixtures.offline()).get("web");
    assertThat(deploy.hosts).containsExactly(new HostAddress("deploy", "localhost", 2022));
  }

  @Test
  void aOneRunClientGetsTheNamedBalancersKnownHostsKeysAndLongestTimeoutWithItsChainMembers() throws Exception {
    Path kh = Files.writeString(tmp.resolve("kh"), "");
    Path k1 = Files.writeString(tmp.resolve("k1"), "");
    Path k2 = Files.writeString(tmp.resolve("k2"), "");
    YamlMap root = yaml("BALANCERS:\n"
        + "  other: {BACKEND: nginx, known_hosts: '/elsewhere/kh', key_file: '/elsewhere/key'}\n"
        + "  both:\n    BACKEND: chained\n    BALANCERS:\n"
        + "    - {BACKEND: nginx, known_hosts: '" + kh + "', key_file: '" + k1 + "', connect_timeout: 5}\n"
        + "    - {BACKEND: haproxy, key_file: '" + k2 + "', connect_timeout: 20}\n");
    SshSettings s = BalancerSsh.settings(root, "both");
    assertThat(s.knownHosts()).isEqualTo(kh);
    assertThat(s.identities()).containsExactly(k1, k2);
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.defaultUser()).isEqualTo(System.getProperty("user.name"));
    try (SshHosts ssh = SshHosts.start(s)) {
      Balancers b = Balancers.from(root, ssh);
      // the chain's members ask for what the client does (but the 5 s timeout); the other balancer is told what is used
      assertThat(b.warnings()).hasSize(3);
      assertThat(b.warnings().get(0)).startsWith("balancers.yaml line 2: known_hosts is not used by balancer other");
      assertThat(b.warnings().get(1)).startsWith("balancers.yaml line 2: key_file is not used by balancer other");
      assertThat(b.warnings().get(2)).startsWith("balancers.yaml line 6: connect_timeout is not used by balancer both[1]");
    }
    assertThat(BalancerSsh.settings(root, "nope").knownHosts()).isEqualTo(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
    assertThat(List.of(BalancerSsh.settings(yaml("BALANCERS: {}\n"), "x").connectTimeout())).containsExactly(Duration.ofSeconds(15));
  }
}
