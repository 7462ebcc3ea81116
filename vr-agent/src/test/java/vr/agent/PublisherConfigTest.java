package vr.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vr.common.InputException;

class PublisherConfigTest {

  @Test
  void readsTheSeedsEnvironment() {
    PublisherConfig c = PublisherConfig.fromEnv(Map.of("REDIS_URL", "redis://:pw@redis.example:6380/2",
        "HOSTNAME", "precise64", "SUPERVISOR_SERVER_URL", "unix:///var/run/supervisor.sock",
        "SUPERVISOR_USERNAME", "u", "SUPERVISOR_PASSWORD", "p"));
    assertThat(c.hostname()).isEqualTo("precise64");
    assertThat(c.redisUrl()).isEqualTo(URI.create("redis://:pw@redis.example:6380/2"));
    assertThat(c.supervisorUrl()).isEqualTo("unix:///var/run/supervisor.sock");
    assertThat(c.supervisorUsername()).isEqualTo("u");
    assertThat(c.supervisorPassword()).isEqualTo("p");
  }

  @Test
  void hostnameDefaultsToTheFqdn() {
    PublisherConfig c = PublisherConfig.fromEnv(Map.of("REDIS_URL", "redis://localhost", "SUPERVISOR_SERVER_URL", "http://127.0.0.1:9001"));
    assertThat(c.hostname()).isNotBlank();
    assertThat(c.supervisorUsername()).isNull();
    assertThat(c.redisUrl().getPort()).isEqualTo(6379); // as redis-py defaulted it
  }

  @Test
  void missingOrBadSettingsAreInputErrorsSayingWhatToSet() {
    assertThatThrownBy(() -> PublisherConfig.fromEnv(Map.of("SUPERVISOR_SERVER_URL", "unix:///s")))
        .isInstanceOf(InputException.class).hasMessageStartingWith("REDIS_URL is not set");
    assertThatThrownBy(() -> PublisherConfig.fromEnv(Map.of("REDIS_URL", "redis://localhost")))
        .isInstanceOf(InputException.class).hasMessageStartingWith("SUPERVISOR_SERVER_URL is not set");
    assertThatThrownBy(() -> PublisherConfig.fromEnv(Map.of("REDIS_URL", "http://x", "SUPERVISOR_SERVER_URL", "unix:///s")))
        .isInstanceOf(InputException.class).hasMessageContaining("redis://");
  }

  @Test
  void logsNeverShowTheRedisPassword() {
    assertThat(PublisherConfig.redact(URI.create("redis://:secret@h:6379/1"))).isEqualTo("redis://h:6379/1");
  }
}
