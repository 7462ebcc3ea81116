package vr.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vr.common.events.DeployEvent;

class EnvelopeTest {
  private static String env(String id) {
    return "{\"id\": \"" + id + "\", \"data\": \"{\\\"title\\\": \\\"" + id + "\\\"}\"}";
  }

  @Test
  void theFrameOfAPublishedEnvelopeIsTheEventsOwnSse() {
    DeployEvent e = DeployEvent.of("Started build 7\nline two", List.of("build"), "shop-v7", Map.of("swarm_id", "3"));
    Envelope back = Envelope.parse(e.envelope()).orElseThrow();
    assertThat(back.id()).isEqualTo(e.id());
    assertThat(back.data()).isEqualTo(e.data());
    assertThat(back.frame()).isEqualTo(e.sse());
  }

  @Test
  void theLegacyMessageKeyAndAnEventNameAreRead() {
    Envelope e = Envelope.parse("{\"id\":\"a1\",\"message\":\"one\\ntwo\",\"event\":\"x\"}").orElseThrow();
    assertThat(e.frame()).isEqualTo("id: a1\nevent: x\ndata: one\ndata: two\n\n");
  }

  @Test
  void whatIsNoEnvelopeIsSkipped() {
    assertThat(Envelope.parse("flush")).isEmpty();
    assertThat(Envelope.parse("[1]")).isEmpty();
    assertThat(Envelope.parse("{\"data\":\"x\"}")).isEmpty();
    assertThat(Envelope.newerThan(List.of(env("c"), "garbage", env("b")), null)).extracting(Envelope::id)
        .containsExactly("b", "c");
  }

  @Test
  void replayIsWhatCameAfterTheLastIdOldestFirst() {
    List<String> newestFirst = List.of(env("d"), env("c"), env("b"), env("a"));
    assertThat(Envelope.newerThan(newestFirst, "b")).extracting(Envelope::id).containsExactly("c", "d");
    assertThat(Envelope.newerThan(newestFirst, "d")).isEmpty();
    // an id no longer buffered (or never seen) replays all of it, as the original did
    assertThat(Envelope.newerThan(newestFirst, "zz")).extracting(Envelope::id).containsExactly("a", "b", "c", "d");
    assertThat(Envelope.newerThan(newestFirst, null)).hasSize(4);
  }

  @Test
  void aProcChangeHasTheOriginalsRetryAndData() {
    assertThat(Frames.proc("{\"id\":\"h-p\"}")).isEqualTo("retry: 1000\ndata: {\"id\":\"h-p\"}\n\n");
  }
}
