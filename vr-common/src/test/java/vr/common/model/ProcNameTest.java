package vr.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcNameTest {

  @Test
  void formatsAndParsesSixParts() {
    ProcName n = ProcName.parse("node_example-v2-local-f96054b7-web-5003").orElseThrow();
    assertThat(n).isEqualTo(new ProcName("node_example", "v2", "local", "f96054b7", "web", 5003));
    assertThat(n.format()).isEqualTo("node_example-v2-local-f96054b7-web-5003");
    assertThat(n.shortName()).isEqualTo("node_example-v2-web");
  }

  @Test
  void nameThatDoesNotParseIsNonVrProc() {
    assertThat(ProcName.parse("redis")).isEmpty();
    assertThat(ProcName.parse("a-b-c-d-e-f-7")).isEmpty();
    assertThat(ProcName.parse("a-b-c-d-e-port")).isEmpty();
    assertThat(ProcName.fields("some-other-proc"))
        .containsEntry("app_name", "some-other-proc")
        .containsEntry("version", "UNKNOWN")
        .containsEntry("config_name", "UNKNOWN")
        .containsEntry("hash", "UNKNOWN")
        .containsEntry("proc_name", "some-other-proc")
        .containsEntry("port", 0);
  }

  @Test
  void partsMayNotContainDash() {
    assertThatThrownBy(() -> new ProcName("my-app", "v1", "prod", "abcd1234", "web", 1))
        .hasMessageContaining("app_name 'my-app' may not contain '-'");
  }

  @Test
  void nodeParsesHostPort() {
    assertThat(Node.parse("host1.example.com:5003")).isEqualTo(new Node("host1.example.com", 5003));
    assertThat(Node.parse("[::1]:80").host()).isEqualTo("[::1]");
    assertThatThrownBy(() -> Node.parse("nohost")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Node.parse("h:0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNodeHostMustBeAHostNameOrAddress() {
    for (String bad : new String[] {"-oProxyCommand=x:80", "a$(id):80", "a b:80", "lb1;x:80", "lb1\n:80"}) {
      assertThatThrownBy(() -> Node.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("node host ");
    }
    assertThat(Node.parse("10.0.0.1:80").host()).isEqualTo("10.0.0.1");
  }
}
