package vr.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InputExceptionTest {
  @Test
  void quoteKeepsAShortValueWhole() {
    assertThat(InputException.quote("web")).isEqualTo("'web'");
  }

  @Test
  void quoteCutsALongValueToItsStartAndLength() {
    assertThat(InputException.quote("x".repeat(100_000))).isEqualTo("'" + "x".repeat(60) + "…' (100000 chars)");
  }

  @Test
  void quoteEscapesControlCharactersSoTheErrorStaysOneLine() {
    assertThat(InputException.quote("a\nb\u0001")).isEqualTo("'a\\nb\\x01'");
  }

  @Test
  void aHugeMessageIsCut() {
    InputException e = InputException.at(Path.of("p.yaml"), 3, "bad " + "y".repeat(100_000));
    assertThat(e.getMessage()).hasSize(500 + "… (100019 chars)".length()).startsWith("p.yaml line 3: bad yyy")
        .endsWith("… (100019 chars)");
  }
}
