package vr.common.balancer.varnish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import vr.common.model.Node;

class VarnishFormatTest {
  @Test
  void writesBackendsAndARoundRobinDirectorNamedAfterThePool() {
    String vcl = VarnishBalancer.renderPool("web", Set.of(Node.parse("10.0.0.2:81"), Node.parse("10.0.0.1:80")));
    assertThat(vcl).contains("backend vr_web_1 {\n  .host = \"10.0.0.1\";\n  .port = \"80\";\n}\n")
        .contains("backend vr_web_2 {\n  .host = \"10.0.0.2\";\n  .port = \"81\";\n}\n")
        .contains("sub vcl_init {\n  new web = directors.round_robin();\n  web.add_backend(vr_web_1);\n  web.add_backend(vr_web_2);\n}\n")
        .doesNotContain("director web round-robin");
  }

  @Test
  void directorNamesAreVclIdentifiers() {
    assertThat(VarnishBalancer.director("my-app.prod")).isEqualTo("my_app_prod");
    assertThat(VarnishBalancer.director("9lives")).isEqualTo("pool_9lives");
  }

  @Test
  void poolsVclImportsDirectorsOnceAndKeepsOneIncludePerPool() {
    String inc = "include \"/etc/varnish/pool-web.vcl\";";
    String once = VarnishBalancer.renderMain(null, inc, true);
    assertThat(once).isEqualTo("import directors;\n" + inc + "\n");
    assertThat(VarnishBalancer.renderMain(once, inc, true)).isEqualTo(once);
    String seeds = "\ninclude \"/etc/varnish/pool-api.vcl\";";
    assertThat(VarnishBalancer.renderMain(seeds, inc, true))
        .isEqualTo("import directors;\ninclude \"/etc/varnish/pool-api.vcl\";\n" + inc + "\n");
    assertThat(VarnishBalancer.renderMain(once, inc, false)).isEqualTo("import directors;\n");
  }
}
