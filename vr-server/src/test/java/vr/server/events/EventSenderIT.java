package vr.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import vr.common.events.DeployEvent;
import vr.common.testing.RedisDaemon;
import vr.server.api.Json;

class EventSenderIT {
  @TempDir Path tmp;

  @Test
  void publishesTheOriginalsEnvelopeAndKeepsTheNewestInTheBuffer() throws Exception {
    try (RedisDaemon redis = RedisDaemon.start(tmp.resolve("redis"), "pw1");
        RedisLink link = new RedisLink(redis.url(2), StreamsRig.FAST)) {
      EventSender sender = new EventSender(link, "chan", "buf", 3);
      BlockingQueue<String> published = new LinkedBlockingQueue<>();
      JedisPubSub sub = new JedisPubSub() {
        @Override
        public void onMessage(String channel, String message) {
          published.add(message);
        }
      };
      Thread t = new Thread(() -> {
        try (Jedis j = new Jedis(redis.url(2))) {
          j.subscribe(sub, "chan");
        }
      });
      t.start();
      StreamsRig.await("subscription", Duration.ofSeconds(5), sub::isSubscribed);

      String longMessage = "a".repeat(6000) + "b".repeat(6000);
      DeployEvent first = sender.publish(longMessage, List.of("build"), "shop-v7", Map.of("swarm_id", "12")).orElseThrow();
      for (int i = 0; i < 4; i++) {
        sender.publish("m" + i, null, null, null).orElseThrow();
      }

      JsonNode env = Json.MAPPER.readTree(published.poll(5, TimeUnit.SECONDS));
      assertThat(env.get("id").asText()).matches("[0-9a-f]{32}").isEqualTo(first.id());
      assertThat(env.get("data").isTextual()).isTrue();
      JsonNode data = Json.MAPPER.readTree(env.get("data").asText());
      assertThat(data.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
      assertThat(data.get("message").asText()).hasSize(10_000 + "\n\n...<snip>...\n\n".length())
          .contains("a\n\n...<snip>...\n\nb");
      assertThat(data.get("tags").toString()).isEqualTo("[\"build\"]");
      assertThat(data.get("title").asText()).isEqualTo("shop-v7");
      assertThat(data.get("swarm_id").asText()).isEqualTo("12");

      try (Jedis j = new Jedis(redis.url(2))) {
        List<String> buffer = j.lrange("buf", 0, -1);
        assertThat(buffer).hasSize(3);
        assertThat(buffer).extracting(s -> Json.MAPPER.readTree(Json.MAPPER.readTree(s).get("data").asText()).get("message").asText())
            .containsExactly("m3", "m2", "m1");
        assertThat(buffer.get(0)).isEqualTo(published.stream().reduce((a, b) -> b).orElseThrow());
      }
      sub.unsubscribe();
      t.join(5000);
    }
  }

  @Test
  void aUserActionIsTitledAndTaggedAsTheOriginalsEventify() throws Exception {
    try (RedisDaemon redis = RedisDaemon.start(tmp.resolve("redis"));
        RedisLink link = new RedisLink(redis.url(), StreamsRig.FAST)) {
      EventSender sender = new EventSender(link);
      DeployEvent ok = sender.userAction("alice", "deploy", "shop-v7-prod", null, false).orElseThrow();
      DeployEvent failed = sender.userAction("bob", "restart", "app1-web", "Fault: no such process", true).orElseThrow();
      assertThat(ok.title()).isEqualTo("alice: deploy shop-v7-prod");
      assertThat(ok.message()).isEqualTo(ok.title());
      assertThat(ok.tags()).containsExactly("user", "deploy");
      assertThat(failed.tags()).containsExactly("user", "restart", "failed");
      assertThat(failed.message()).isEqualTo("Fault: no such process");
      try (Jedis j = new Jedis(redis.url())) {
        assertThat(j.lrange("vr2_events_buffer", 0, -1)).containsExactly(failed.envelope(), ok.envelope());
      }
    }
  }

  @Test
  void whileRedisIsDownAnEventIsDroppedAtOnceAndCounted() throws Exception {
    try (RedisDaemon redis = RedisDaemon.start(tmp.resolve("redis"));
        RedisLink link = new RedisLink(redis.url(), StreamsRig.FAST)) {
      EventSender sender = new EventSender(link);
      redis.stop();
      // the request that finds it gone waits at most the link's timeouts, and does not throw
      assertThat(sender.publish("lost", null, "t", null)).isEmpty();
      assertThat(link.up()).isFalse();
      long t0 = System.nanoTime();
      assertThat(sender.publish("lost too", null, "t", null)).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(50));
      assertThat(sender.dropped()).isEqualTo(2);
      redis.start();
      assertThat(link.awaitUp(Duration.ofSeconds(10))).isTrue();
      assertThat(sender.publish("back", null, "t", null)).isPresent();
    }
  }
}
