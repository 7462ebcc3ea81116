package vr.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisLinkTest {
  @Test
  void anUnreachableRedisLeavesTheLinkDownAndCommandsFailAtOnce() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    try (RedisLink link = new RedisLink("redis://:secret@127.0.0.1:" + port + "/0", RedisLink.Options.DEFAULTS)) {
      assertThat(link.up()).isFalse();
      assertThat(link.downReason()).get().asString().contains("127.0.0.1:" + port);
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> link.call(j -> j.ping())).isInstanceOf(RedisDownException.class)
          .hasMessageContaining("is down").hasMessageNotContaining("secret");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(100));
      assertThat(link.describe()).isEqualTo("redis://:***@127.0.0.1:" + port + "/0");
    }
  }

  @Test
  void aUrlThatIsNotRedisIsRefusedWithoutItsPassword() {
    assertThatThrownBy(() -> RedisLink.open("http://:pw@localhost:6379/0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EVENTS_PUBSUB_URL").hasMessageNotContaining("pw@");
    assertThat(RedisLink.redact(URI.create("redis://user:pw@h:1/2"))).isEqualTo("redis://user:***@h:1/2");
    assertThat(RedisLink.redact(URI.create("redis://h:1/2"))).isEqualTo("redis://h:1/2");
  }
}
