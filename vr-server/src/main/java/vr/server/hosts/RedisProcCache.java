package vr.server.hosts;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.UnifiedJedis;
import vr.common.supervisor.ProcCache;

/**
 * The hosts' proc cache in Redis, {@code host_procs:<host>} (reference 5.1): what proc_publisher writes after
 * every batch of events and the server reads before it asks a host. Writes replace the whole hash in one
 * MULTI, as the listener's do, so a reader never sees half of two lists.
 */
public final class RedisProcCache implements ProcCache {
  private final UnifiedJedis redis;

  /** Over a client the caller owns (the server shares one). */
  public RedisProcCache(UnifiedJedis redis) {
    this.redis = redis;
  }

  @Override
  public Map<String, String> all(String key) {
    return redis.hgetAll(key);
  }

  @Override
  public Optional<String> get(String key, String name) {
    return Optional.ofNullable(redis.hget(key, name));
  }

  @Override
  public void replace(String key, Map<String, String> entries, Duration ttl) {
    try (AbstractTransaction t = redis.multi()) {
      t.del(key);
      if (!entries.isEmpty()) {
        t.hset(key, entries);
        t.expire(key, ttl.toSeconds());
      }
      t.exec();
    }
  }
}
