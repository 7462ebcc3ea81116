package vr.common.balancer.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import vr.common.balancer.BalancerFixtures;
import vr.common.balancer.SshBalancer;
import org.junit.jupiter.api.Test;
import vr.common.balancer.Balancers;
import vr.common.model.Node;
import vr.common.yaml.Yaml;

class HaproxyFormatTest {
  @Test
  void writesABackendWithServersNamedAfterTheirNodes() {
    HaproxyBalancer h = (HaproxyBalancer) Balancers.from(Yaml.parse(
        "BALANCERS: {h: {BACKEND: haproxy, server_options: 'check inter 2s'}}\n", Path.of("b.yaml")), BalancerFixtures.offline()).get("h");
    assertThat(h.renderBackend("web", Set.of(Node.parse("10.0.0.2:81"), Node.parse("10.0.0.1:80"))))
        .endsWith("backend web\n  balance roundrobin\n  server 10.0.0.1:80 10.0.0.1:80 check inter 2s\n  server 10.0.0.2:81 10.0.0.2:81 check inter 2s\n");
    assertThat(h.renderBackend("web", Set.of())).endsWith("backend web\n  balance roundrobin\n");
  }

  @Test
  void serverNamesKeepOnlyCharactersHaproxyAllows() {
    assertThat(HaproxyBalancer.serverName(Node.parse("[::1]:80"))).isEqualTo("_::1_:80");
    assertThat(HaproxyBalancer.serverName(Node.parse("app-1.example:8080"))).isEqualTo("app-1.example:8080");
  }

  static SshBalancer.Change change(HaproxyBalancer h, Set<Node> before, Set<Node> after) {
    String f = "/etc/haproxy/pools.d/web.cfg";
    return new SshBalancer.Change("web", before, after, before == null ? java.util.Collections.singletonMap(f, null)
        : Map.of(f, h.renderBackend("web", before)), after == null ? java.util.Collections.singletonMap(f, null) : Map.of(f, h.renderBackend("web", after)));
  }

  @Test
  void onlyServerLinesForAddressesSkipTestCmdBecauseTheRuntimeApiChecksThem() {
    HaproxyBalancer h = (HaproxyBalancer) Balancers.from(Yaml.parse("BALANCERS: {h: {BACKEND: haproxy, server_options: check}}\n",
        Path.of("b.yaml")), BalancerFixtures.offline()).get("h");
    Node a = Node.parse("10.0.0.1:80");
    Node b = Node.parse("10.0.0.2:80");
    assertThat(h.runtimeValidates(change(h, Set.of(a), Set.of(a, b)))).isTrue();
    assertThat(h.runtimeValidates(change(h, Set.of(a, b), Set.of(b)))).isTrue();
    assertThat(h.runtimeValidates(change(h, Set.of(a), Set.of(a, Node.parse("[::1]:80"))))).isTrue();
    // a host name may not resolve when the configuration is next loaded: add server does not check that
    assertThat(h.runtimeValidates(change(h, Set.of(a), Set.of(a, Node.parse("app1.example:80"))))).isFalse();
    // a new pool, a deleted pool and other settings for the servers that stay take test_cmd
    assertThat(h.runtimeValidates(change(h, null, Set.of(a)))).isFalse();
    assertThat(h.runtimeValidates(change(h, Set.of(a), null))).isFalse();
    HaproxyBalancer plain = (HaproxyBalancer) Balancers.from(Yaml.parse("BALANCERS: {h: {BACKEND: haproxy}}\n", Path.of("b.yaml")), BalancerFixtures.offline()).get("h");
    String f = "/etc/haproxy/pools.d/web.cfg";
    assertThat(h.runtimeValidates(new SshBalancer.Change("web", Set.of(a), Set.of(a, b), Map.of(f, plain.renderBackend("web", Set.of(a))),
        Map.of(f, h.renderBackend("web", Set.of(a, b)))))).isFalse();
  }
}
