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
    return Balancers.from(Yaml.parse(yaml, Path.of("balancers.yaml")), BalancerFixtures.offline());
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
  void varnishAcceptsReloadCmdWithAWarningSayingWhatIsUsedInstead() {
    Balancers b = parse("BALANCERS:\n  v:\n    BACKEND: varnish\n    reload_cmd: /etc/init.d/varnish reload\n");
    assertThat(b.get("v")).isInstanceOf(VarnishBalancer.class);
    assertThat(b.warnings()).containsExactly("balancers.yaml line 4: reload_cmd is not used by balancer v: changes are"
        + " compiled and switched with varnishadm vcl.load and vcl.use (set varnishadm and vcl_file instead)");
  }

  @Test
  void tmpdirIsAcceptedWithAWarningAlsoInsideAChain() {
    Balancers b = parse("BALANCERS:\n  c:\n    BACKEND: chained\n    BALANCERS:\n    - {BACKEND: nginx, tmpdir: /tmp}\n");
    assertThat(b.warnings()).containsExactly("balancers.yaml line 5: tmpdir is not used by balancer c[1]: temp files are"
        + " written beside their target, so that the rename into place is atomic");
  }

  /**
   * Every settings example of the original's docs/balancers.rst (the Django default, nginx, Varnish,
   * Stingray/ZXTM, several balancers; the hypothetical TightRope backend aside, whose class does not exist),
   * as written there: each loads, and the keys that no longer apply only warn.
   */
  @Test
  void everySettingsExampleOfTheOriginalsDocsLoads() {
    Balancers b = parse("""
        BALANCERS:
          default:
            BACKEND: vr.common.balancer.dummy.DummyBalancer
          my_nginx_balancer:
            BACKEND: vr.common.balancer.nginx.NginxBalancer 
            user: some_user_with_sudo
            password: some_password
            include_dir: /etc/nginx/sites-enabled/
            reload_cmd: /etc/init.d/nginx reload
            tmpdir: /tmp
            hosts:
            - frontend1.mydomain.com
            - frontend2.mydomain.com
          my_varnish_balancer:
            BACKEND: vr.common.balancer.varnish.VarnishBalancer 
            user: some_user_with_sudo
            password: some_password
            include_dir: /etc/varnish/
            reload_cmd: /etc/init.d/varnish reload
            tmpdir: /tmp
            hosts:
            - cache1.mydomain.com
            - cache2.mydomain.com
          my_stingray_balancer:
            BACKEND: vr.common.balancer.zxtm.ZXTMBalancer
            URL: https://traffic.yougov.local:9090/soap
            USER: api_user
            PASSWORD: api_user_password
            POOL_PREFIX: vr-
        """);
    assertThat(b.names()).containsExactly("default", "my_nginx_balancer", "my_varnish_balancer", "my_stingray_balancer");
    assertThat(b.warnings()).hasSize(5).allMatch(w -> w.contains("is not used by balancer"));
    assertThat(b.warnings().get(0)).startsWith("balancers.yaml line 7: password is not used by balancer my_nginx_balancer: the SSH client"
        + " logs in with keys only (key_file) and runs root commands through sudo -n");
    assertThat(b.warnings().get(1)).startsWith("balancers.yaml line 10: tmpdir is not used by balancer my_nginx_balancer");
    assertThat(b.warnings().get(2)).startsWith("balancers.yaml line 17: password is not used by balancer my_varnish_balancer");
    assertThat(b.warnings().get(3)).startsWith("balancers.yaml line 20: tmpdir is not used by balancer my_varnish_balancer");
    assertThat(b.warnings().get(4)).startsWith("balancers.yaml line 19: reload_cmd is not used by balancer my_varnish_balancer");
    Balancers several = parse("""
        BALANCERS:
          my_varnish_balancer:
            BACKEND: vr.common.balancer.varnish.VarnishBalancer 
            user: some_user_with_sudo
            password: some_password
            hosts:
            - varnish.mydomain.com
          my_nginx_balancer:
            BACKEND: vr.common.balancer.nginx.NginxBalancer 
            user: some_user_with_sudo
            password: some_password
            hosts:
            - nginx.mydomain.com
        """);
    assertThat(several.get("my_varnish_balancer")).isInstanceOf(VarnishBalancer.class);
    assertThat(several.warnings()).hasSize(2).allMatch(w -> w.contains("password is not used by balancer"));
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

  @Test
  void aHostThatIsNotAHostNameOrAddressIsRefusedWhenTheFileLoads() {
    for (String bad : new String[] {"'lb 1'", "'-oProxyCommand=touch /tmp/x'", "'lb1;reboot'", "'$(id)'", "\"lb1\\tx\""}) {
      assertThatThrownBy(() -> parse("BALANCERS:\n  web:\n    BACKEND: nginx\n    hosts: [" + bad + "]\n")).as(bad)
          .isInstanceOf(InputException.class).hasMessageStartingWith("balancers.yaml line 4: hosts entry ");
    }
  }

  @Test
  void aHostPortOutOfRangeIsRefusedWhenTheFileLoads() {
    assertThatThrownBy(() -> parse("BALANCERS:\n  web:\n    BACKEND: haproxy\n    hosts: ['lb1:70000']\n"))
        .isInstanceOf(InputException.class).hasMessage("balancers.yaml line 4: hosts entry 'lb1:70000': the port must be 1-65535");
    assertThatThrownBy(() -> parse("BALANCERS:\n  web:\n    BACKEND: nginx\n    ssh_port: 0\n"))
        .hasMessage("balancers.yaml line 4: ssh_port must be between 1 and 65535");
  }

  @Test
  void aUserThatCouldBeAnOptionIsRefused() {
    assertThatThrownBy(() -> parse("BALANCERS:\n  web:\n    BACKEND: varnish\n    user: '-oProxyCommand=x'\n"))
        .isInstanceOf(InputException.class).hasMessageStartingWith("balancers.yaml line 4: user must be a user name");
  }

  @Test
  void goodHostsStillLoad() {
    assertThat(parse("BALANCERS:\n  web:\n    BACKEND: nginx\n    hosts: [lb1, 'lb2.example.com:2222', '[::1]:22', 10.0.0.1]\n")
        .get("web")).isInstanceOf(NginxBalancer.class);
  }
}
