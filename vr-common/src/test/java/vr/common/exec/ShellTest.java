package vr.common.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellTest {
  @Test
  void aValueIsOneSingleQuotedWordWhateverItHolds() throws Exception {
    String nasty = "it's $(rm -rf /) `x` \"y\" \\ \n; |&";
    String quoted = Shell.quote(nasty);
    assertThat(quoted).isEqualTo("'it'\\''s $(rm -rf /) `x` \"y\" \\ \n; |&'");
    // what sh makes of it is the value itself
    Process p = new ProcessBuilder("sh", "-c", "printf %s " + quoted).start();
    assertThat(new String(p.getInputStream().readAllBytes())).isEqualTo(nasty);
    assertThat(Shell.join(List.of("a b", "c"))).isEqualTo("'a b' 'c'");
  }

  @Test
  void aNulIsRefused() {
    assertThatThrownBy(() -> Shell.quote("a\0b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a shell word cannot hold a NUL character");
  }

  @Test
  void variableNames() {
    assertThat(Shell.isName("PORT")).isTrue();
    assertThat(Shell.isName("_x9")).isTrue();
    for (String bad : new String[] {"", "9x", "A-B", "A B", "é", "A=1"}) {
      assertThat(Shell.isName(bad)).as(bad).isFalse();
    }
    assertThat(Shell.isName(null)).isFalse();
  }
}
