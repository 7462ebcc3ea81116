package vr.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import vr.common.events.DeployEvent;

class EventStreamsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String EVENTS = "/api/streams/events/";
  private static final String PROCS = "/api/streams/proc_changes/";

  @TempDir Path tmp;

  @Test
  void aLiveEventReachesEveryClientThroughOneSubscription() throws Exception {
    try (StreamsRig rig = new StreamsRig(tmp)) {
      List<SseReader> readers = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        readers.add(SseReader.open(rig.http, rig.url(EVENTS), Map.of()));
      }
      SseReader procs = SseReader.open(rig.http, rig.url(PROCS), Map.of());
      StreamsRig.await("subscription", WAIT, rig.streams::subscribed);
      DeployEvent e = rig.sender.publish("hello", List.of("deploy"), "shop", null).orElseThrow();
      for (SseReader r : readers) {
        assertThat(r.next(WAIT)).isEqualTo(e.sse().stripTrailing());
        assertThat(r.header("Content-Type")).startsWith("text/event-stream");
      }
      try (Jedis j = new Jedis(rig.redis.url())) {
        assertThat(j.pubsubNumSub("vr2_events", "proc_events"))
            .containsExactlyInAnyOrderEntriesOf(Map.of("vr2_events", 1L, "proc_events", 1L));
      }
      assertThat(rig.streams.subscriptions()).isEqualTo(1);
      procs.close();
      for (SseReader r : readers) {
        r.close();
      }
    }
  }

  @Test
  void lastEventIdReplaysTheNewerBufferedEventsThenLiveOnesWithoutGapOrDuplicate() throws Exception {
    try (StreamsRig rig = new StreamsRig(tmp)) {
      StreamsRig.await("subscription", WAIT, rig.streams::subscribed);
      List<String> ids = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 10; i++) {
        ids.add(rig.sender.publish("before " + i, null, "t", null).orElseThrow().id());
      }
      // publish without pause while the clients connect, so that events fall on the seam of replay and live
      AtomicBoolean stop = new AtomicBoolean();
      Thread publisher = new Thread(() -> {
        for (int i = 0; i < 60 && !stop.get(); i++) {
          ids.add(rig.sender.publish("during " + i, null, "t", null).orElseThrow().id());
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      publisher.start();
      Thread.sleep(10);
      String last = ids.get(4);
      SseReader byHeader = SseReader.open(rig.http, rig.url(EVENTS), Map.of("Last-Event-ID", last));
      SseReader byQuery = SseReader.open(rig.http, rig.url(EVENTS + "?last_event_id=" + last), Map.of());
      publisher.join();
      String after = rig.sender.publish("after", null, "t", null).orElseThrow().id();
      ids.add(after);

      List<String> expected = ids.subList(5, ids.size());
      for (SseReader r : List.of(byHeader, byQuery)) {
        List<String> got = new ArrayList<>();
        while (!got.contains(after)) {
          String f = r.next(WAIT);
          assertThat(f).as("frame after %s", got).isNotNull();
          got.add(SseReader.id(f));
        }
        assertThat(got).containsExactlyElementsOf(expected);
        r.close();
      }
    }
  }

  @Test
  void withoutLastEventIdTheWholeBufferIsReplayedFirst() throws Exception {
    EventStreams.Options small = new EventStreams.Options("vr2_events", "vr2_events_buffer", 3, "proc_events",
        Duration.ofMillis(200), 100);
    try (StreamsRig rig = new StreamsRig(tmp, false, small)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(rig.sender.publish("m" + i, null, "t", null).orElseThrow().id());
      }
      try (SseReader r = SseReader.open(rig.http, rig.url(EVENTS), Map.of())) {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          got.add(SseReader.id(r.next(WAIT)));
        }
        assertThat(got).containsExactlyElementsOf(ids.subList(2, 5));
        assertThat(r.next(Duration.ofMillis(300))).isNull();
      }
    }
  }

  @Test
  void procChangesRelayTheHostsMessagesAndFlushAsAComment() throws Exception {
    try (StreamsRig rig = new StreamsRig(tmp); Jedis j = new Jedis(rig.redis.url())) {
      SseReader r = SseReader.open(rig.http, rig.url(PROCS), Map.of());
      StreamsRig.await("subscription", WAIT, rig.streams::subscribed);
      String proc = "{\"id\": \"app1-shop-v7-prod-0f3c9a21-web-5012\", \"statename\": \"RUNNING\", \"event\": \"PROCESS_STATE_RUNNING\"}";
      j.publish("proc_events", proc);
      assertThat(r.next(WAIT)).isEqualTo("retry: 1000\ndata: " + proc);
      j.publish("proc_events", "flush");
      String c;
      do {
        c = r.nextComment(WAIT);
      } while (c != null && c.startsWith(": keep-alive"));
      assertThat(c).isEqualTo(":");
      r.close();
    }
  }

  @Test
  void theStreamResumesAfterRedisIsStoppedAndStartedAgain() throws Exception {
    try (StreamsRig rig = new StreamsRig(tmp)) {
      SseReader r = SseReader.open(rig.http, rig.url(EVENTS), Map.of());
      StreamsRig.await("subscription", WAIT, rig.streams::subscribed);
      DeployEvent before = rig.sender.publish("before", null, "t", null).orElseThrow();
      assertThat(SseReader.id(r.next(WAIT))).isEqualTo(before.id());

      rig.redis.stop();
      StreamsRig.await("link down", WAIT, () -> !rig.link.up());
      assertThat(rig.link.downReason()).isPresent();
      assertThat(rig.sender.publish("lost", null, "t", null)).isEmpty();

      rig.redis.start();
      StreamsRig.await("link up", WAIT, rig.link::up);
      assertThat(rig.link.downReason()).isEmpty();
      StreamsRig.await("subscribed again", WAIT, () -> rig.streams.subscribed() && rig.streams.subscriptions() == 2);
      DeployEvent after = rig.sender.publish("after", null, "t", null).orElseThrow();
      assertThat(SseReader.id(r.next(WAIT))).isEqualTo(after.id());
      assertThat(rig.streams.clients()).isEqualTo(1);
      r.close();
    }
  }

  @Test
  void eventsPublishedByAnotherServerDuringAShortSubscriptionLossAreCaughtUp() throws Exception {
    try (StreamsRig rig = new StreamsRig(tmp); Jedis admin = new Jedis(rig.redis.url())) {
      SseReader r = SseReader.open(rig.http, rig.url(EVENTS), Map.of());
      StreamsRig.await("subscription", WAIT, rig.streams::subscribed);
      DeployEvent first = rig.sender.publish("first", null, "t", null).orElseThrow();
      assertThat(SseReader.id(r.next(WAIT))).isEqualTo(first.id());
      // Redis drops the subscriber's connection (a failover, a proxy restart); another server publishes meanwhile
      admin.clientKill(new redis.clients.jedis.params.ClientKillParams().type(redis.clients.jedis.args.ClientType.PUBSUB));
      DeployEvent missed = DeployEvent.of("while unsubscribed", null, "t", null);
      admin.lpush("vr2_events_buffer", missed.envelope());
      StreamsRig.await("subscribed again", WAIT, () -> rig.streams.subscriptions() == 2 && rig.streams.subscribed());
      DeployEvent next = rig.sender.publish("next", null, "t", null).orElseThrow();
      assertThat(SseReader.id(r.next(WAIT))).isEqualTo(missed.id());
      assertThat(SseReader.id(r.next(WAIT))).isEqualTo(next.id());
      r.close();
    }
  }

  @Test
  void theServerStartsAndServesStreamsWithRedisDown() throws Exception {
    try (StreamsRig rig = new StreamsRig(tmp, true, EventStreams.Options.DEFAULTS.withKeepAlive(Duration.ofMillis(200)))) {
      assertThat(rig.link.up()).isFalse();
      SseReader r = SseReader.open(rig.http, rig.url(EVENTS), Map.of());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.nextComment(WAIT)).isEqualTo(": keep-alive");
      assertThat(rig.sender.publish("nowhere", null, "t", null)).isEmpty();

      rig.redis.start();
      StreamsRig.await("link up", WAIT, rig.link::up);
      StreamsRig.await("subscribed", WAIT, rig.streams::subscribed);
      DeployEvent e = rig.sender.publish("there", null, "t", null).orElseThrow();
      assertThat(SseReader.id(r.next(WAIT))).isEqualTo(e.id());
      r.close();
    }
  }

  @Test
  void aClientThatDisconnectsIsReleased() throws Exception {
    try (StreamsRig rig = new StreamsRig(tmp)) {
      SseReader stays = SseReader.open(rig.http, rig.url(EVENTS), Map.of());
      SseReader leaves = SseReader.open(rig.http, rig.url(PROCS), Map.of());
      StreamsRig.await("two clients", WAIT, () -> rig.streams.clients() == 2);
      leaves.close();
      StreamsRig.await("the gone client released", WAIT, () -> rig.streams.clients() == 1);
      StreamsRig.await("its writer thread gone", WAIT,
          () -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("sse-procs-")));
      stays.close();
    }
  }

  @Test
  void aClientThatDoesNotReadIsDroppedWithoutHoldingUpTheOthers() throws Exception {
    try (StreamsRig rig = new StreamsRig(tmp, false, EventStreams.Options.DEFAULTS.withKeepAlive(Duration.ofMillis(200)).withClientQueue(64))) {
      SseReader fast = SseReader.open(rig.http, rig.url(EVENTS), Map.of());
      // a raw socket that asks for the stream and never reads it: its TCP buffers fill, then its queue
      try (Socket slow = new Socket()) {
        slow.setReceiveBufferSize(4096);
        slow.connect(new java.net.InetSocketAddress("127.0.0.1", rig.app.port()));
        OutputStream out = slow.getOutputStream();
        out.write(("GET " + EVENTS + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream ignored = slow.getInputStream();
        StreamsRig.await("two clients", WAIT, () -> rig.streams.clients() == 2);
        StreamsRig.await("subscription", WAIT, rig.streams::subscribed);
        String big = "x".repeat(9_000);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          ids.add(rig.sender.publish(big, null, "t" + i, null).orElseThrow().id());
          if (i % 10 == 0) {
            Thread.sleep(1);
          }
        }
        List<String> got = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          String f = fast.next(WAIT);
          assertThat(f).as("event %d of the fast client", i).isNotNull();
          got.add(SseReader.id(f));
        }
        assertThat(got).containsExactlyElementsOf(ids);
        assertThat(rig.streams.droppedSlowClients()).isEqualTo(1);
        assertThat(rig.streams.clients()).isEqualTo(1);
        assertThat(ignored).isNotNull();
      }
      fast.close();
    }
  }
}
