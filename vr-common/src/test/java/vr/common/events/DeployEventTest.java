package vr.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployEventTest {
  private static final Instant T = Instant.parse("2026-11-29T15:04:05.123456Z");

  @Test
  void theDataAndTheEnvelopeHaveTheOriginalsShape() {
    DeployEvent e = new DeployEvent("0123456789abcdef0123456789abcdef", T, "Started build 7", List.of("build"),
        "shop-v7", Map.of("swarm_id", "12"));
    assertThat(e.data()).isEqualTo("{\"time\":\"2026-11-29T15:04:05.123456\",\"message\":\"Started build 7\","
        + "\"tags\":[\"build\"],\"title\":\"shop-v7\",\"swarm_id\":\"12\"}");
    assertThat(e.envelope()).startsWith("{\"id\":\"0123456789abcdef0123456789abcdef\",\"data\":\"{\\\"time\\\":");
    assertThat(e.sse()).isEqualTo("id: 0123456789abcdef0123456789abcdef\ndata: " + e.data() + "\n\n");
  }

  @Test
  void aLongMessageKeepsItsFirstAndLastFiveThousandCharacters() {
    String m = "a".repeat(6000) + "b".repeat(6000);
    DeployEvent e = DeployEvent.of(m, null, null, null);
    assertThat(e.message()).hasSize(10_000 + DeployEvent.SNIP.length())
        .startsWith("a".repeat(5000) + "\n\n...<snip>...\n\n").endsWith("b".repeat(5000));
    assertThat(DeployEvent.of("x".repeat(10_000), null, null, null).message()).hasSize(10_000);
    assertThat(e.id()).matches("[0-9a-f]{32}");
  }

  @Test
  void theNamesAreTheOriginals() {
    assertThat(Channels.hostProcs("app1.example.com")).isEqualTo("host_procs:app1.example.com");
    assertThat(List.of(Channels.PROC_EVENTS, Channels.DEPLOY_EVENTS, Channels.DEPLOY_EVENTS_BUFFER))
        .containsExactly("proc_events", "vr2_events", "vr2_events_buffer");
  }
}
