package vr.agent;

import java.time.Duration;
import java.util.Map;

/** What {@link EventHandler} writes to Redis through: {@link RedisLink} in production, a recorder in tests. */
interface RedisOut {

  boolean isUp();

  /** Counts an event that could not be published because Redis is away. */
  void countDropped();

  /** Publishes; false (and counted) while Redis is away. */
  boolean publish(String channel, String message);

  /** Replaces the whole hash at once, expiring after {@code ttl}; false while Redis is away. */
  boolean replaceHash(String key, Map<String, String> entries, Duration ttl);
}
