package vr.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginPageTest {
  @Test
  void nextMustBeALocalPath() {
    assertThat(LoginPage.safeNext("/swarm/12/?x=1")).isEqualTo("/swarm/12/?x=1");
    assertThat(LoginPage.safeNext("https://evil.example/")).isEqualTo("/");
    assertThat(LoginPage.safeNext("//evil.example/")).isEqualTo("/");
    assertThat(LoginPage.safeNext("/\\evil.example/")).isEqualTo("/");
    assertThat(LoginPage.safeNext("/a\r\nSet-Cookie: x")).isEqualTo("/");
    assertThat(LoginPage.safeNext(null)).isEqualTo("/");
  }

  @Test
  void formEscapesWhatItEchoes() {
    String page = LoginPage.render("/x?a=\"><script>", "<b>bad</b>");
    assertThat(page).contains("value=\"/x?a=&quot;&gt;&lt;script&gt;\"").contains("&lt;b&gt;bad&lt;/b&gt;")
        .doesNotContain("<script>").doesNotContain("<b>");
    assertThat(page).contains("method=\"post\" action=\"/login/\"").doesNotContain("http://").doesNotContain("https://");
  }
}
