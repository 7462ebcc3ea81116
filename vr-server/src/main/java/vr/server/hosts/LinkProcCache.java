package vr.server.hosts;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import vr.common.supervisor.ProcCache;
import vr.server.events.RedisLink;

/**
 * The hosts' proc cache ({@code host_procs:<host>}) over the server's one Redis link: while Redis is down a
 * read is a miss (the caller then asks the host live) and a write is dropped.
 */
public final class LinkProcCache implements ProcCache {
  private final RedisLink link;

  public LinkProcCache(RedisLink link) {
    this.link = link;
  }

  @Override
  public Map<String, String> all(String key) {
    if (!link.up()) {
      return Map.of();
    }
    try {
      return link.call(j -> j.hgetAll(key));
    } catch (RuntimeException e) {
      return Map.of();
    }
  }

  @Override
  public Optional<String> get(String key, String name) {
    if (!link.up()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(link.call(j -> j.hget(key, name)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void replace(String key, Map<String, String> entries, Duration ttl) {
    if (!link.up()) {
      return;
    }
    try {
      link.call(j -> {
        var t = j.multi();
        t.del(key);
        if (!entries.isEmpty()) {
          t.hset(key, entries);
          t.expire(key, ttl.toSeconds());
        }
        t.exec();
        return null;
      });
    } catch (RuntimeException e) {
      // the cache is an optimisation; the live answer stands
    }
  }
}
