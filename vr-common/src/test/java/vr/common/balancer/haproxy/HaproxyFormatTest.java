package vr.common.balancer.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vr.common.balancer.Balancers;
import vr.common.model.Node;
import vr.common.yaml.Yaml;

class HaproxyFormatTest {
  @Test
  void writesABackendWithServersNamedAfterTheirNodes() {
    HaproxyBalancer h = (HaproxyBalancer) Balancers.from(Yaml.parse(
        "BALANCERS: {h: {BACKEND: haproxy, server_options: 'check inter 2s'}}\n", Path.of("b.yaml"))).get("h");
    assertThat(h.renderBackend("web", Set.of(Node.parse("10.0.0.2:81"), Node.parse("10.0.0.1:80"))))
        .endsWith("backend web\n  balance roundrobin\n  server 10.0.0.1:80 10.0.0.1:80 check inter 2s\n  server 10.0.0.2:81 10.0.0.2:81 check inter 2s\n");
    assertThat(h.renderBackend("web", Set.of())).endsWith("backend web\n  balance roundrobin\n");
  }

  @Test
  void serverNamesKeepOnlyCharactersHaproxyAllows() {
    assertThat(HaproxyBalancer.serverName(Node.parse("[::1]:80"))).isEqualTo("_::1_:80");
    assertThat(HaproxyBalancer.serverName(Node.parse("app-1.example:8080"))).isEqualTo("app-1.example:8080");
  }
}
