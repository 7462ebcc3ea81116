package vr.common.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import vr.common.InputException;
import vr.common.balancer.chained.ChainedBalancer;
import vr.common.balancer.dummy.DummyBalancer;
import vr.common.balancer.haproxy.HaproxyBalancer;
import vr.common.balancer.nginx.NginxBalancer;
import vr.common.balancer.stingray.StingrayBalancer;
import vr.common.balancer.varnish.VarnishBalancer;
import vr.common.model.Node;
import vr.common.yaml.Yaml;

class BalancersTest {
  static Balancers parse(String yaml) {
    return Balancers.from(Yaml.parse(yaml, Path.of("balancers.yaml")));
  }

  @Test
  void acceptsTheSeedsDottedBackendNamesAndShortOnes() {
    Balancers b = parse("""
        BALANCERS:
          a: {BACKEND: vr.server.balancer.dummy.DummyBalancer}
          b: {BACKEND: vr.common.balancer.nginx.NginxBalancer, hosts: [lb1]}
          c: {BACKEND: vr.common.balancer.varnish.VarnishBalancer}
          d: {BACKEND: vr.common.balancer.zxtm.ZXTMBalancer, URL: 'https://traffic:9090/soap'}
          e: {BACKEND: haproxy}
          f: {BACKEND: stingray, URL: 'http://t/soap'}
          g: {BACKEND: chained, BALANCERS: [{BACKEND: dummy}, {BACKEND: zxtm, URL: 'http://t/soap'}]}
          h: {BACKEND: nginx}
        """);
    assertThat(b.get("a")).isInstanceOf(DummyBalancer.class);
    assertThat(b.get("b")).isInstanceOf(NginxBalancer.class);
    assertThat(b.get("c")).isInstanceOf(VarnishBalancer.class);
    assertThat(b.get("d")).isInstanceOf(StingrayBalancer.class);
    assertThat(b.get("e")).isInstanceOf(HaproxyBalancer.class);
    assertThat(b.get("f")).isInstanceOf(StingrayBalancer.class);
    assertThat(b.get("g")).isInstanceOf(ChainedBalancer.class);
    assertThat(b.get("h")).isInstanceOf(NginxBalancer.class);
  }

  @Test
  void returnsTheSameInstanceSoDummyPoolsPersistBetweenCalls() {
    Balancers b = parse("BALANCERS: {default: {BACKEND: dummy}}\n");
    b.get("default").addNodes("web", List.of(Node.parse("h:1")));
    assertThat(b.get("default")).isSameAs(b.get("default"));
    assertThat(b.get("default").getNodes("web")).containsExactly(Node.parse("h:1"));
  }

  @Test
  void unknownKeyIsAnErrorNamingFileLineAndKey() {
    assertThatThrownBy(() -> parse("""
        BALANCERS:
          web:
            BACKEND: nginx
            incude_dir: /etc/nginx/conf.d/
        """))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("balancers.yaml line 4: incude_dir is not a setting of balancer web")
        .hasMessageContaining("include_dir");
  }

  @Test
  void wrongTypeIsAnErrorAtItsLine() {
    assertThatThrownBy(() -> parse("BALANCERS:\n  web:\n    BACKEND: nginx\n    hosts: {a: 1}\n"))
        .isInstanceOf(InputException.class).hasMessage("balancers.yaml line 4: hosts must be a list of strings");
    assertThatThrownBy(() -> parse("BALANCERS:\n  web:\n    BACKEND: nginx\n    ssh_port: 70000\n"))
        .isInstanceOf(InputException.class).hasMessage("balancers.yaml line 4: ssh_port must be between 1 and 65535");
    assertThatThrownBy(() -> parse("BALANCERS:\n  web:\n    BACKEND: nginx\n    accept_unknown_hosts: 'yes'\n"))
        .isInstanceOf(InputException.class).hasMessage("balancers.yaml line 4: accept_unknown_hosts must be true or false");
  }

  @Test
  void missingOrUnknownBackendIsAnError() {
    assertThatThrownBy(() -> parse("BALANCERS:\n  web:\n    hosts: [a]\n"))
        .isInstanceOf(InputException.class).hasMessageContaining("balancers.yaml line 3: balancer web: missing required key BACKEND");
    assertThatThrownBy(() -> parse("BALANCERS:\n  web:\n    BACKEND: apache\n"))
        .isInstanceOf(InputException.class).hasMessageStartingWith("balancers.yaml line 3: BACKEND 'apache' is not a known backend");
    assertThatThrownBy(() -> parse("BALANCERS:\n  web:\n    BACKEND: java.lang.String\n"))
        .isInstanceOf(InputException.class).hasMessageContaining("does not implement");
  }

  @Test
  void stingrayNeedsAnHttpUrl() {
    assertThatThrownBy(() -> parse("BALANCERS:\n  s:\n    BACKEND: zxtm\n"))
        .isInstanceOf(InputException.class).hasMessageContaining("missing required key URL");
    assertThatThrownBy(() -> parse("BALANCERS:\n  s:\n    BACKEND: zxtm\n    URL: traffic:9090\n"))
        .isInstanceOf(InputException.class).hasMessageStartingWith("balancers.yaml line 4: URL must be an http(s) URL");
  }

  @Test
  void chainedMembersAreCheckedWithTheirOwnLines() {
    assertThatThrownBy(() -> parse("""
        BALANCERS:
          both:
            BACKEND: chained
            BALANCERS:
              - BACKEND: dummy
              - BACKEND: nginx
                bogus: 1
        """))
        .isInstanceOf(InputException.class).hasMessageStartingWith("balancers.yaml line 7: bogus is not a setting of balancer both[2]");
  }

  @Test
  void varnishRefusesReloadCmdBecauseItAppliesThroughVarnishadm() {
    assertThatThrownBy(() -> parse("BALANCERS:\n  v:\n    BACKEND: varnish\n    reload_cmd: /etc/init.d/varnish reload\n"))
        .isInstanceOf(InputException.class).hasMessageStartingWith("balancers.yaml line 4: reload_cmd is not used by the varnish backend");
  }

  @Test
  void unknownBalancerNameAndMissingSectionAreInputErrors() {
    assertThatThrownBy(() -> parse("BALANCERS: {a: {BACKEND: dummy}}\n").get("b"))
        .isInstanceOf(InputException.class).hasMessage("balancers.yaml: no balancer named 'b'; configured: a");
    assertThatThrownBy(() -> parse("OTHER: 1\n")).isInstanceOf(InputException.class).hasMessageContaining("missing required key BALANCERS");
  }

  @Test
  void hostsTakeAnOptionalSshPort() {
    parse("BALANCERS:\n  w: {BACKEND: nginx, hosts: ['lb1', 'lb2:2222', '[::1]:22', '[::1]']}\n");
    assertThatThrownBy(() -> parse("BALANCERS:\n  w: {BACKEND: nginx, hosts: ['lb1:ssh']}\n"))
        .isInstanceOf(InputException.class).hasMessage("balancers.yaml line 2: hosts entry 'lb1:ssh' must be host or host:port");
  }

  @Test
  void badPoolNamesAreRefusedBeforeAnythingHappens() {
    Balancer b = parse("BALANCERS: {a: {BACKEND: dummy}}\n").get("a");
    for (String bad : new String[] {"../etc", "a b", "", ".hidden", "x;y", "-rf"}) {
      assertThatThrownBy(() -> b.addNodes(bad, List.of())).as(bad).isInstanceOf(InputException.class).hasMessageContaining("is not valid");
    }
  }
}
