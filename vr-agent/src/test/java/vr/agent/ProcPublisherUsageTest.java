package vr.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcPublisherUsageTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void versionNamesTheToolAndTheSuite() {
    assertThat(ProcPublisher.usage(new String[] {"--version"}, out)).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).matches("proc_publisher \\(vr-suite\\) \\S+\\n");
  }

  @Test
  void helpShowsTheSupervisordSnippetAndTheEnvironment() {
    assertThat(ProcPublisher.usage(new String[] {"--help"}, out)).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("[eventlistener:proc_publisher]", "events=PROCESS_STATE,PROCESS_GROUP,TICK_60", "REDIS_URL");
  }

  @Test
  void anyOtherArgumentIsBadUsage() {
    assertThat(ProcPublisher.usage(new String[] {"--frobnicate"}, out)).isEqualTo(2);
  }
}
