package vr.common.balancer.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import vr.common.model.Node;

class NginxFormatTest {
  @Test
  void writesTheSeedsUpstreamFormatExactly() {
    assertThat(NginxBalancer.renderUpstream("web", Set.of(Node.parse("10.0.0.2:81"), Node.parse("10.0.0.1:80"))))
        .isEqualTo("\nupstream web {\n  server 10.0.0.1:80;\n  server 10.0.0.2:81;\n}\n");
  }

  @Test
  void readsFilesTheOriginalWrote() {
    assertThat(NginxBalancer.parseUpstream("\nupstream web {\n  server 10.0.0.1:80;\n  server  host.example:8080 weight=2;\n}\n"))
        .containsExactly(Node.parse("10.0.0.1:80"), Node.parse("host.example:8080"));
  }

  @Test
  void anEmptyPoolHoldsADownPlaceholderThatReadsBackAsEmpty() {
    String text = NginxBalancer.renderUpstream("web", Set.of());
    assertThat(text).contains("server 127.0.0.1:9 down;");
    assertThat(NginxBalancer.parseUpstream(text)).isEmpty();
  }
}
