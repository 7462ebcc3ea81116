package vr.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PagesTest {
  @Test
  void pathParametersAreEscapedIntoTheShell() {
    String html = Pages.shell("proc", "Proc \"><script>alert(1)</script>", Map.of("proc", "x\"><img src=y onerror=z>"));
    assertThat(html).doesNotContain("<script>alert").doesNotContain("<img")
        .contains("data-proc=\"x&quot;&gt;&lt;img src=y onerror=z&gt;\"")
        .contains("<h1>Proc &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>");
  }

  @Test
  void theShellHasLandmarksTheScriptAndAPostLogoutButNoInlineScriptOrStyle() {
    String html = Pages.shell("home", "Procs", Map.of());
    assertThat(html).contains("<header>", "<nav aria-label=\"Main\">", "<main id=\"main\"", "data-page=\"home\"",
        "<script src=\"/ui/dashboard.js\" defer></script>", "<form method=\"post\" action=\"/logout/\"");
    assertThat(html.replace("<script src=\"/ui/dashboard.js\" defer></script>", "")).doesNotContain("<script").doesNotContain("<style")
        .doesNotContain(" style=");
    assertThat(Dashboard.CSP).startsWith("default-src 'self';").contains("script-src 'self';").doesNotContain("unsafe");
  }
}
