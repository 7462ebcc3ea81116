package vr.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventListenerProtocolTest {

  static String envelope(String event, String payload) {
    return "ver:3.0 server:supervisor serial:21 pool:proc_publisher poolserial:10 eventname:" + event + " len:"
        + payload.codePointCount(0, payload.length()) + "\n" + payload;
  }

  @Test
  void readsEventsAndSpeaksReadyAndResult() throws IOException {
    String stream = envelope("PROCESS_STATE_RUNNING", "processname:web groupname:web from_state:STARTING pid:42")
        + envelope("PROCESS_GROUP_REMOVED", "groupname:web\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventListenerProtocol p = new EventListenerProtocol(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), out, 1000);

    ListenerEvent first = p.next();
    assertThat(first.eventName()).isEqualTo("PROCESS_STATE_RUNNING");
    assertThat(first.headers()).containsEntry("serial", "21").containsEntry("pool", "proc_publisher");
    assertThat(first.payloadHeaders()).containsEntry("processname", "web").containsEntry("pid", "42")
        .containsEntry("from_state", "STARTING");
    p.ok();
    ListenerEvent second = p.next();
    assertThat(second.payload("groupname")).isEqualTo("web");
    assertThat(second.payloadData()).isEmpty();
    p.ok();
    assertThat(p.next()).isNull();
    assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
  }

  @Test
  void lenCountsCharactersOfUtf8AndDataFollowsTheFirstLine() throws IOException {
    String stream = envelope("PROCESS_LOG_STDOUT", "processname:wéb groupname:wéb pid:1\nhällo ✓ 𝄞")
        + envelope("TICK_60", "when:1355897986");
    EventListenerProtocol p = new EventListenerProtocol(
        new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), 1000);
    ListenerEvent log = p.next();
    assertThat(log.payload("processname")).isEqualTo("wéb");
    assertThat(log.payloadData()).isEqualTo("hällo ✓ 𝄞");
    assertThat(p.next().payload("when")).isEqualTo("1355897986"); // still in step
  }

  @Test
  void oversizedPayloadsAreReadButNotKept() throws IOException {
    String big = "processname:x\n" + "y".repeat(10_000);
    String stream = envelope("PROCESS_LOG_STDOUT", big) + envelope("TICK_60", "when:5");
    EventListenerProtocol p = new EventListenerProtocol(
        new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), 100);
    assertThat(p.next().payloadData()).hasSize(100 - "processname:x\n".length());
    assertThat(p.next().eventName()).isEqualTo("TICK_60");
  }

  @Test
  void aTruncatedPayloadOrABadHeaderIsAProtocolError() {
    EventListenerProtocol cut = new EventListenerProtocol(new ByteArrayInputStream(
        "ver:3.0 eventname:TICK_60 len:50\nwhen:1".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), 100);
    assertThatThrownBy(cut::next).isInstanceOf(IOException.class).hasMessageContaining("middle of an event payload");
    EventListenerProtocol bad = new EventListenerProtocol(new ByteArrayInputStream(
        "hello\n".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), 100);
    assertThatThrownBy(bad::next).isInstanceOf(IOException.class).hasMessageContaining("len");
  }
}
