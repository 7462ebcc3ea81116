package vr.agent;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * proc_publisher's one connection to Redis, which may come and go. While Redis is away, writes are dropped
 * (and counted), never queued: nothing accumulates, and supervisord's events keep being acknowledged. A
 * daemon thread reconnects with exponential backoff and, once connected, runs the {@code onReconnect}
 * callback so that a fresh snapshot replaces what went stale. The original died on the first
 * ConnectionError and was restarted by supervisord, losing its state and spamming the log.
 */
final class RedisLink implements RedisOut, AutoCloseable {
  private final HostAndPort address;
  private final JedisClientConfig config;
  private final String describe;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private Runnable onReconnect = () -> {};

  private Jedis jedis; // null while down; guarded by this
  private boolean closed;
  private long dropped;
  private long downSince;
  private Thread reconnector;

  RedisLink(URI url, Duration timeout, Duration minBackoff, Duration maxBackoff) {
    this.address = JedisURIHelper.getHostAndPort(url);
    DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis((int) timeout.toMillis())
        .socketTimeoutMillis((int) timeout.toMillis())
        .clientName("proc_publisher")
        .ssl(JedisURIHelper.isRedisSSLScheme(url));
    String password = JedisURIHelper.getPassword(url);
    if (password != null) {
      b.user(JedisURIHelper.getUser(url)).password(password);
    }
    if (JedisURIHelper.hasDbIndex(url)) {
      b.database(JedisURIHelper.getDBIndex(url));
    }
    this.config = b.build();
    this.describe = PublisherConfig.redact(url);
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
  }

  /** What to do right after a reconnect (outside this link's lock): publish a fresh snapshot. */
  void onReconnect(Runnable r) {
    this.onReconnect = r;
  }

  /** Connects now if it can; otherwise starts reconnecting in the background. */
  void start() {
    Jedis j = connect();
    synchronized (this) {
      if (j != null) {
        jedis = j;
        Log.info("connected to redis " + describe);
      } else {
        markDown("cannot connect");
      }
    }
  }

  @Override
  public synchronized boolean isUp() {
    return jedis != null;
  }

  /** Counts an event that could not be published because Redis is away. */
  @Override
  public synchronized void countDropped() {
    dropped++;
  }

  /** Publishes; false (and counted) while Redis is away or when this publish found it gone. */
  @Override
  public synchronized boolean publish(String channel, String message) {
    if (jedis == null) {
      dropped++;
      return false;
    }
    try {
      jedis.publish(channel, message);
      return true;
    } catch (JedisException e) {
      dropped++;
      lost(e);
      return false;
    }
  }

  /** DEL + HSET + EXPIRE in one MULTI: readers see the old set or the new one, never a mix. */
  @Override
  public synchronized boolean replaceHash(String key, Map<String, String> entries, Duration ttl) {
    if (jedis == null) {
      return false;
    }
    try {
      Transaction t = jedis.multi();
      t.del(key);
      if (!entries.isEmpty()) {
        t.hset(key, entries);
        t.expire(key, ttl.toSeconds());
      }
      t.exec();
      return true;
    } catch (JedisException e) {
      lost(e);
      return false;
    }
  }

  private void lost(Exception e) {
    try {
      jedis.close();
    } catch (RuntimeException ignored) {
      // it is broken already
    }
    jedis = null;
    markDown(e.getMessage());
  }

  private void markDown(String why) {
    downSince = System.nanoTime();
    Log.warn("redis " + describe + " unavailable (" + why + "); acknowledging events without publishing them "
        + "until it is back");
    if (reconnector == null) {
      reconnector = new Thread(this::reconnectLoop, "redis-reconnect");
      reconnector.setDaemon(true);
      reconnector.start();
    }
    notifyAll();
  }

  private void reconnectLoop() {
    Duration backoff = minBackoff;
    while (true) {
      synchronized (this) {
        while (jedis != null && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
      }
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      Jedis j = connect();
      if (j == null) {
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        continue;
      }
      backoff = minBackoff;
      long missed;
      synchronized (this) {
        if (closed) {
          j.close();
          return;
        }
        jedis = j;
        missed = dropped;
        dropped = 0;
        Log.info("redis " + describe + " is back after " + (System.nanoTime() - downSince) / 1_000_000 + " ms; "
            + missed + " message(s) were not published meanwhile; publishing a fresh snapshot");
      }
      try {
        onReconnect.run();
      } catch (RuntimeException e) {
        Log.error("snapshot after reconnect failed: " + e.getMessage());
      }
    }
  }

  private Jedis connect() {
    Jedis j = null;
    try {
      j = new Jedis(address, config);
      j.ping();
      return j;
    } catch (JedisException e) {
      if (j != null) {
        try {
          j.close();
        } catch (RuntimeException ignored) {
          // nothing to save
        }
      }
      return null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (jedis != null) {
      try {
        jedis.close();
      } catch (RuntimeException ignored) {
        // closing anyway
      }
      jedis = null;
    }
    notifyAll();
  }
}
