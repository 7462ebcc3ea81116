package vr.server.events;

import java.io.Closeable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The server's connection to Redis ({@code EVENTS_PUBSUB_URL}, {@code redis://[:password@]host:port/db}), which
 * may come and go: the server starts and serves without it. While Redis is down, {@link #call} fails at once
 * with a {@link RedisDownException} (no connect attempt, no timeout); a daemon thread reconnects with
 * exponential backoff, and while Redis is up it pings it every {@link Options#healthInterval} so that
 * {@link #up()} is true to the health endpoint even when nothing else talks to Redis. One line is logged when it
 * goes down and one when it comes back. The original server had no such link: a request that published an
 * event while Redis was away failed with a ConnectionError.
 */
public final class RedisLink implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);

  /**
   * @param timeout connect and read timeout of one command: the longest a request waits on a Redis that has just
   *     vanished (twice that with the one retry on a stale pooled connection); afterwards it is known down
   * @param poolSize connections for commands (subscriptions take their own, see {@link #connect()})
   */
  public record Options(Duration timeout, Duration minBackoff, Duration maxBackoff, Duration healthInterval, int poolSize) {
    public static final Options DEFAULTS = new Options(Duration.ofSeconds(1), Duration.ofMillis(100),
        Duration.ofSeconds(10), Duration.ofSeconds(5), 16);
  }

  private final String describe;
  private final HostAndPort address;
  private final JedisClientConfig config;
  private final JedisPool pool;
  private final Options options;
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final Thread monitor;

  private volatile boolean up;
  private volatile String downReason; // null while up
  private long downSince; // guarded by lock
  private boolean closed; // guarded by lock

  /** Connects now if it can; otherwise starts down and reconnects in the background. Never blocks beyond one timeout. */
  public RedisLink(String url, Options options) {
    URI uri = parse(url);
    this.describe = redact(uri);
    this.options = options;
    this.address = JedisURIHelper.getHostAndPort(uri);
    int ms = (int) options.timeout().toMillis();
    DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(ms).socketTimeoutMillis(ms).clientName("vr-server").autoNegotiateProtocol(false)
        .ssl(JedisURIHelper.isRedisSSLScheme(uri));
    String password = JedisURIHelper.getPassword(uri);
    if (password != null) {
      b.user(JedisURIHelper.getUser(uri)).password(password);
    }
    if (JedisURIHelper.hasDbIndex(uri)) {
      b.database(JedisURIHelper.getDBIndex(uri));
    }
    this.config = b.build();
    GenericObjectPoolConfig<Jedis> pc = new GenericObjectPoolConfig<>();
    pc.setMaxTotal(options.poolSize());
    pc.setMaxIdle(options.poolSize());
    pc.setMaxWait(options.timeout());
    pc.setJmxEnabled(false);
    this.pool = new JedisPool(pc, address, config);
    String failure = probe();
    if (failure == null) {
      up = true;
      LOG.info("redis {} connected", describe);
    } else {
      downReason = failure;
      downSince = System.nanoTime();
      LOG.warn("redis {} is down ({}); running without it, reconnecting in the background", describe, failure);
    }
    monitor = new Thread(this::monitorLoop, "redis-link");
    monitor.setDaemon(true);
    monitor.start();
  }

  public static RedisLink open(String url) {
    return new RedisLink(url, Options.DEFAULTS);
  }

  /** Whether Redis answered the last command or ping. */
  public boolean up() {
    return up;
  }

  /** Why Redis is down (the last failure), or empty while it is up. */
  public Optional<String> downReason() {
    return up ? Optional.empty() : Optional.ofNullable(downReason);
  }

  /** The URL with its password hidden, for logs and health output. */
  public String describe() {
    return describe;
  }

  /** Runs {@code listener} with the new state each time the link goes down or comes back (on the link's thread: keep it short). */
  public void onChange(Consumer<Boolean> listener) {
    listeners.add(listener);
  }

  /**
   * Runs one command (or a MULTI) on a pooled connection. A connection that broke while idle in the pool (Redis
   * restarted since) is retried once on a fresh one; a second connection failure marks the link down.
   *
   * @throws RedisDownException while Redis is down, at once, or when this command found it down
   * @throws JedisException for any other Redis error (a wrong type, a full pool)
   */
  public <T> T call(Function<Jedis, T> command) {
    for (int attempt = 0; ; attempt++) {
      if (!up) {
        throw down(null);
      }
      try (Jedis j = pool.getResource()) {
        return command.apply(j);
      } catch (JedisConnectionException e) {
        if (attempt == 0) {
          pool.clear();
          continue;
        }
        markDown(reason(e));
        throw down(e);
      }
    }
  }

  /**
   * A connection of its own, not pooled (a subscription holds it as long as it lasts); the caller closes it.
   *
   * @throws RedisDownException while Redis is down, or when connecting found it down
   */
  public Jedis connect() {
    if (!up) {
      throw down(null);
    }
    Jedis j = null;
    try {
      j = new Jedis(address, config);
      j.ping();
      return j;
    } catch (JedisConnectionException e) {
      closeQuietly(j);
      markDown(reason(e));
      throw down(e);
    }
  }

  /** Tells the link that a connection of its own (see {@link #connect()}) found Redis gone. */
  public void reportFailure(Exception e) {
    markDown(reason(e));
  }

  /** Waits until Redis is up (true) or the time has passed or the link is closed (false). */
  public boolean awaitUp(Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    synchronized (lock) {
      while (!up && !closed) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return up;
    }
  }

  private RedisDownException down(Exception cause) {
    String why = downReason;
    return new RedisDownException("redis " + describe + " is down" + (why == null ? "" : " (" + why + ")")
        + "; the server reconnects in the background", cause);
  }

  private void markDown(String why) {
    synchronized (lock) {
      downReason = why;
      if (!up) {
        return;
      }
      up = false;
      downSince = System.nanoTime();
      lock.notifyAll();
    }
    LOG.warn("redis {} is down ({}); reconnecting in the background", describe, why);
    pool.clear();
    fire(false);
  }

  private void markUp() {
    long ms;
    synchronized (lock) {
      if (up || closed) {
        return;
      }
      up = true;
      ms = (System.nanoTime() - downSince) / 1_000_000;
      lock.notifyAll();
    }
    LOG.info("redis {} is back after {} ms", describe, ms);
    fire(true);
  }

  private void fire(boolean state) {
    for (Consumer<Boolean> l : listeners) {
      try {
        l.accept(state);
      } catch (RuntimeException e) {
        LOG.error("redis link listener failed", e);
      }
    }
  }

  private void monitorLoop() {
    Duration backoff = options.minBackoff();
    while (true) {
      boolean wasUp;
      synchronized (lock) {
        if (closed) {
          return;
        }
        wasUp = up;
        long wait = (wasUp ? options.healthInterval() : backoff).toMillis();
        try {
          lock.wait(Math.max(1, wait)); // woken early by markDown (start reconnecting) or close
        } catch (InterruptedException e) {
          return;
        }
        if (closed) {
          return;
        }
        if (wasUp != up) {
          backoff = options.minBackoff(); // just went down: the first retry comes after the shortest wait
          continue;
        }
      }
      if (!wasUp) {
        pool.clear();
      }
      String failure = probe();
      if (failure == null) {
        backoff = options.minBackoff();
        markUp();
      } else if (wasUp) {
        markDown(failure);
      } else {
        downReason = failure;
        backoff = backoff.multipliedBy(2).compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : backoff.multipliedBy(2);
      }
    }
  }

  /** Null when Redis answers a PING, else why not. */
  private String probe() {
    try (Jedis j = pool.getResource()) {
      j.ping();
      return null;
    } catch (JedisException e) {
      return reason(e);
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      up = false;
      downReason = "closed";
      lock.notifyAll();
    }
    monitor.interrupt();
    try {
      monitor.join(options.timeout().toMillis() * 2 + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.close();
  }

  /** The message with its innermost cause ("Failed to connect to h:p: Connection refused"). */
  static String reason(Throwable e) {
    Throwable root = e;
    while (true) {
      Throwable next = root.getCause() != null ? root.getCause()
          : root.getSuppressed().length > 0 ? root.getSuppressed()[0] : null; // Jedis puts connect failures there
      if (next == null || next == root) {
        break;
      }
      root = next;
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (root != e && root.getMessage() != null && !m.contains(root.getMessage())) {
      m = m + ": " + root.getMessage();
    }
    return m;
  }

  private static URI parse(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("EVENTS_PUBSUB_URL: not a URL", e);
    }
    if (!JedisURIHelper.isValid(uri) || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
      throw new IllegalArgumentException("EVENTS_PUBSUB_URL: " + redact(uri) + " is not redis://[:password@]host:port/db");
    }
    return uri;
  }

  /** The URL without its password. */
  static String redact(URI uri) {
    String info = uri.getRawUserInfo();
    if (info == null) {
      return uri.toString();
    }
    return uri.toString().replace(info + "@", (info.contains(":") ? info.substring(0, info.indexOf(':')) + ":***" : "***") + "@");
  }

  private static void closeQuietly(Jedis j) {
    if (j != null) {
      try {
        j.close();
      } catch (RuntimeException ignored) {
        // broken already
      }
    }
  }
}
