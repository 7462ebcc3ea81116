package vr.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every listener section the suite writes or documents subscribes to the same events and holds a burst. */
class ListenerSectionTest {

  /** The section's lines that are not per-install (command and environment are). */
  private static final List<String> FIXED = List.of("[eventlistener:proc_publisher]",
      "events=" + ListenerSection.EVENTS, "buffer_size=" + ListenerSection.BUFFER_SIZE);

  private static String repoFile(String relative) throws IOException {
    // surefire runs in the module's directory
    return Files.readString(Path.of("").toAbsolutePath().getParent().resolve(relative));
  }

  @Test
  void bufferHoldsTwoHundredProcsRestartedTogether() {
    int eventsPerRestart = 4; // STOPPING, STOPPED, STARTING, RUNNING
    assertThat(ListenerSection.BUFFER_SIZE).isGreaterThanOrEqualTo(200 * eventsPerRestart);
    assertThat(ListenerSection.render("proc_publisher", null)).contains(FIXED).doesNotContain("environment=");
  }

  @Test
  void docsQuickstartAndTheLabWriteTheSameSection() throws IOException {
    assertThat(repoFile("docs/supervisor.md").lines().map(String::strip)).containsSubsequence(FIXED);
    assertThat(repoFile("scripts/quickstart-hosts").lines().map(String::strip)).containsSubsequence(FIXED);
    assertThat(repoFile("scripts/lab").lines().map(String::strip)).containsSubsequence(FIXED);
  }
}
