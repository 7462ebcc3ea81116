package vr.common.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vr.common.InputException;
import vr.common.balancer.chained.ChainedBalancer;
import vr.common.balancer.dummy.DummyBalancer;
import vr.common.balancer.haproxy.HaproxyBalancer;
import vr.common.balancer.nginx.NginxBalancer;
import vr.common.model.Node;

/** Balancers built from settings held in memory (a server's settings, a database), as from the YAML file. */
class BalancersFromMapTest {
  static final Path SOURCE = Path.of("settings");

  static Balancers from(Map<String, ?> balancers) {
    return Balancers.from(Map.of("BALANCERS", balancers), SOURCE, BalancerFixtures.offline());
  }

  /** {@code BALANCERS: {web: {BACKEND: nginx, <extra>}}} */
  static Map<String, Object> nginx(Object... extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("BACKEND", "nginx");
    for (int i = 0; i < extra.length; i += 2) {
      m.put((String) extra[i], extra[i + 1]);
    }
    return Map.of("web", m);
  }

  @Test
  void buildsEveryBackendFromTheYamlStructureWithJavaTypesAsAJsonReaderGivesThem() {
    Balancers b = from(Map.of(
        "default", Map.of("BACKEND", "dummy"),
        "web", Map.of("BACKEND", "nginx", "hosts", List.of("lb1", "lb2:2222"), "ssh_port", 2200, "connect_timeout", 2.5f),
        "hp", Map.of("BACKEND", "haproxy", "drain_timeout", 3, "accept_unknown_hosts", false),
        "both", Map.of("BACKEND", "chained", "BALANCERS", List.of(Map.of("BACKEND", "dummy"), Map.of("BACKEND", "nginx")))));
    assertThat(b.names()).containsExactlyInAnyOrder("default", "web", "hp", "both");
    assertThat(b.get("default")).isInstanceOf(DummyBalancer.class);
    assertThat(b.get("web")).isInstanceOf(NginxBalancer.class);
    assertThat(b.get("hp")).isInstanceOf(HaproxyBalancer.class);
    assertThat(b.get("both")).isInstanceOf(ChainedBalancer.class);
    b.get("default").addNodes("shop", List.of(Node.parse("h:1")));
    assertThat(b.get("default").getNodes("shop")).containsExactly(Node.parse("h:1"));
  }

  @Test
  void anUnknownKeyIsAnErrorNamingTheSourceAndTheKeysPath() {
    assertThatThrownBy(() -> from(nginx("incude_dir", "/etc/nginx/conf.d/")))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("settings: BALANCERS.web.incude_dir is not a setting of balancer web (nginx); known: ")
        .hasMessageContaining("include_dir");
  }

  @Test
  void aWrongTypeOrRangeIsAnErrorNamingTheKeysPath() {
    assertThatThrownBy(() -> from(nginx("ssh_port", 70000)))
        .isInstanceOf(InputException.class).hasMessage("settings: BALANCERS.web.ssh_port must be between 1 and 65535");
    assertThatThrownBy(() -> from(nginx("hosts", Map.of("a", 1))))
        .isInstanceOf(InputException.class).hasMessage("settings: BALANCERS.web.hosts must be a list of strings");
    assertThatThrownBy(() -> from(nginx("accept_unknown_hosts", "yes")))
        .isInstanceOf(InputException.class).hasMessage("settings: BALANCERS.web.accept_unknown_hosts must be true or false");
    assertThatThrownBy(() -> from(nginx("hosts", List.of("lb1;reboot"))))
        .isInstanceOf(InputException.class).hasMessageStartingWith("settings: BALANCERS.web.hosts entry 'lb1;reboot'");
    assertThatThrownBy(() -> from(nginx("connect_timeout", new Object())))
        .isInstanceOf(InputException.class).hasMessageStartingWith("settings: BALANCERS.web.connect_timeout must be a string, number");
  }

  @Test
  void aChainedMembersErrorNamesItsPlaceInTheList() {
    assertThatThrownBy(() -> from(Map.of("both", Map.of("BACKEND", "chained",
        "BALANCERS", List.of(Map.of("BACKEND", "dummy"), Map.of("BACKEND", "nginx", "bogus", 1))))))
        .isInstanceOf(InputException.class).hasMessageStartingWith("settings: BALANCERS.both.BALANCERS[2].bogus is not a setting of balancer both[2]");
  }

  @Test
  void aMissingBackendOrSectionOrANonStringKeyIsAnError() {
    assertThatThrownBy(() -> from(Map.of("web", Map.of("hosts", List.of("a")))))
        .isInstanceOf(InputException.class).hasMessage("settings: balancer web: missing required key BACKEND");
    assertThatThrownBy(() -> from(Map.of("web", "nginx")))
        .isInstanceOf(InputException.class).hasMessage("settings: BALANCERS.web must be a mapping (key: value lines), not a string");
    assertThatThrownBy(() -> Balancers.from(Map.of("OTHER", 1), SOURCE, BalancerFixtures.offline()))
        .isInstanceOf(InputException.class).hasMessageStartingWith("settings: missing required key BALANCERS");
    assertThatThrownBy(() -> from(Map.of("web", Map.of(7, "x"))))
        .isInstanceOf(InputException.class).hasMessage("settings: BALANCERS.web has a key that is not a string: '7'");
  }

  @Test
  void obsoleteKeysWarnNamingTheKeysPath() {
    Balancers b = from(Map.of("v", Map.of("BACKEND", "varnish", "reload_cmd", "/etc/init.d/varnish reload")));
    assertThat(b.warnings()).containsExactly("settings: BALANCERS.v.reload_cmd is not used by balancer v: changes are"
        + " compiled and switched with varnishadm vcl.load and vcl.use (set varnishadm and vcl_file instead)");
  }
}
