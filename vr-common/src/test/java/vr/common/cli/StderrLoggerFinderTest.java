package vr.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import org.junit.jupiter.api.Test;

class StderrLoggerFinderTest {
  @Test
  void isTheFinderTheJdkUses() {
    // Through META-INF/services: if the file or the class went missing, the JDK's finder would start
    // java.util.logging again and this would be one of its loggers.
    assertThat(System.getLogger("vr.test")).isInstanceOf(StderrLoggerFinder.StderrLogger.class);
  }

  @Test
  void printsWarningsAndErrorsOnly() {
    StderrLoggerFinder.StderrLogger log = new StderrLoggerFinder.StderrLogger("org.yaml.snakeyaml");
    assertThat(log.isLoggable(Level.ERROR)).isTrue();
    assertThat(log.isLoggable(Level.WARNING)).isTrue();
    assertThat(log.isLoggable(Level.INFO)).isFalse();
    assertThat(log.isLoggable(Level.DEBUG)).isFalse();
    assertThat(log.isLoggable(Level.OFF)).isFalse();
    assertThat(log.line(Level.WARNING, "no field x", null)).isEqualTo("warning: org.yaml.snakeyaml: no field x");
    assertThat(log.line(Level.ERROR, "bad", new IllegalStateException("why")))
        .isEqualTo("error: org.yaml.snakeyaml: bad (java.lang.IllegalStateException: why)");
  }
}
