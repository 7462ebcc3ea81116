package vr.server.events;

import io.javalin.http.sse.SseClient;
import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;
import vr.common.events.Channels;
import vr.server.api.Access;
import vr.server.api.Router;

/**
 * The server's two event streams over SSE, {@code /api/streams/events/} (deployment events, with
 * {@code Last-Event-ID} replay from the Redis buffer) and {@code /api/streams/proc_changes/} (the hosts'
 * {@code proc_events}), fed by ONE Redis subscription per server process, whatever the number of clients: the
 * original opened a subscription (and a Redis connection) per browser tab. The subscription is made again after a
 * Redis outage, and every events client then catches up from the buffer, so an outage shorter than the buffer
 * loses no event.
 *
 * <p>Replay and live never overlap nor leave a gap: a client is added under the same lock the fan-out takes,
 * after it read the buffer; {@link EventSender} writes the buffer before it publishes, in one MULTI, so an event
 * is either in what the client read or fanned out after it was added; ids already sent are skipped.
 */
public final class EventStreams implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);

  /**
   * @param eventsChannel {@code EVENTS_PUBSUB_CHANNEL}; {@code bufferKey} {@code EVENTS_BUFFER_KEY}
   * @param procChannel {@code PROC_EVENTS_CHANNEL}
   * @param keepAlive the longest a stream stays silent (a comment is written then)
   * @param clientQueue frames waiting for one client before it is dropped as too slow
   */
  public record Options(String eventsChannel, String bufferKey, int bufferLength, String procChannel,
      Duration keepAlive, int clientQueue) {
    public static final Options DEFAULTS = new Options(Channels.DEPLOY_EVENTS, Channels.DEPLOY_EVENTS_BUFFER,
        Channels.DEPLOY_EVENTS_BUFFER_LENGTH, Channels.PROC_EVENTS, Duration.ofSeconds(15), 1000);

    public Options {
      if (eventsChannel.equals(procChannel)) {
        throw new IllegalArgumentException("EVENTS_PUBSUB_CHANNEL and PROC_EVENTS_CHANNEL must differ");
      }
      if (clientQueue < 1 || bufferLength < 1 || keepAlive.isNegative() || keepAlive.isZero()) {
        throw new IllegalArgumentException("client queue, buffer length and keep-alive must be positive");
      }
    }

    public Options withKeepAlive(Duration d) {
      return new Options(eventsChannel, bufferKey, bufferLength, procChannel, d, clientQueue);
    }

    public Options withClientQueue(int n) {
      return new Options(eventsChannel, bufferKey, bufferLength, procChannel, keepAlive, n);
    }
  }

  private static final int MAX_ID = 128;

  private final RedisLink link;
  private final Options options;
  private final Object eventsLock = new Object();
  private final Set<StreamClient> events = ConcurrentHashMap.newKeySet();
  private final Set<StreamClient> procs = ConcurrentHashMap.newKeySet();
  private final AtomicLong clientSeq = new AtomicLong();
  private final AtomicLong droppedSlow = new AtomicLong();
  private final AtomicLong subscriptions = new AtomicLong();
  private final Thread subscriber;
  private volatile boolean subscribed;
  private volatile boolean closed;
  private volatile Jedis connection; // the subscription's, while it lasts

  public EventStreams(RedisLink link, Options options) {
    this.link = link;
    this.options = options;
    this.subscriber = new Thread(this::subscribeLoop, "events-subscriber");
    this.subscriber.setDaemon(true);
    link.onChange(isUp -> {
      if (!isUp) {
        dropConnection(); // a ping found Redis gone while the subscription's socket had not noticed yet
      }
    });
  }

  /** Starts the subscription (in the background; it waits for Redis if it is down). */
  public EventStreams start() {
    subscriber.start();
    return this;
  }

  /** Adds both streams to the router, for logged-in users. */
  public static void register(Router r, EventStreams streams) {
    r.sse("/api/streams/events/", Access.USER,
        "Deployment events (SSE); Last-Event-ID or ?last_event_id= replays the buffered ones after it", streams::attachEvents);
    r.sse("/api/streams/proc_changes/", Access.USER,
        "Proc state changes from the hosts' proc_publisher (SSE)", streams::attachProcs);
  }

  /** Whether the one subscription is live now. */
  public boolean subscribed() {
    return subscribed;
  }

  /** How many times the subscription was made (1 unless Redis went away). */
  public long subscriptions() {
    return subscriptions.get();
  }

  /** Connected clients of both streams. */
  public int clients() {
    return events.size() + procs.size();
  }

  /** Clients dropped because they did not read fast enough. */
  public long droppedSlowClients() {
    return droppedSlow.get();
  }

  void attachEvents(SseClient sse) {
    String lastId = sse.ctx().header("Last-Event-ID");
    if (lastId == null || lastId.isBlank()) {
      lastId = sse.ctx().queryParam("last_event_id");
    }
    if (lastId != null && (lastId.isBlank() || lastId.length() > MAX_ID)) {
      lastId = null;
    }
    sse.keepAlive();
    StreamClient c = newClient(sse, "events", lastId, events);
    synchronized (eventsLock) {
      if (closed) {
        c.end();
      } else {
        catchUp(c, readBuffer());
        events.add(c);
      }
    }
    c.start();
  }

  void attachProcs(SseClient sse) {
    sse.keepAlive();
    StreamClient c = newClient(sse, "procs", null, procs);
    if (closed) {
      c.end();
    } else {
      procs.add(c);
    }
    c.start();
  }

  private StreamClient newClient(SseClient sse, String kind, String lastId, Set<StreamClient> set) {
    return new StreamClient(sse, "sse-" + kind + "-" + clientSeq.incrementAndGet(), options.clientQueue(),
        options.keepAlive(), lastId, 2 * options.bufferLength(), set::remove);
  }

  /** The buffer, newest first; empty (logged) when Redis is down: the client catches up when it is back. */
  private List<String> readBuffer() {
    try {
      return link.call(j -> j.lrange(options.bufferKey(), 0, -1));
    } catch (RedisDownException | JedisException e) {
      LOG.debug("no replay of buffered events: {}", e.getMessage());
      return List.of();
    }
  }

  /** Queues for the client the buffered events newer than the last one it got. Under eventsLock. */
  private void catchUp(StreamClient c, List<String> buffer) {
    for (Envelope e : Envelope.newerThan(buffer, c.lastId())) {
      if (!c.offerEvent(e)) {
        dropSlow(c, events);
        return;
      }
    }
  }

  private void dropSlow(StreamClient c, Set<StreamClient> set) {
    if (set.remove(c)) {
      droppedSlow.incrementAndGet();
      LOG.info("dropping a slow SSE client (more than {} frames waiting)", options.clientQueue());
    }
    c.end();
  }

  private void subscribeLoop() {
    while (!closed) {
      try {
        if (!link.awaitUp(Duration.ofSeconds(5))) {
          continue;
        }
        Jedis j = link.connect();
        connection = j;
        try {
          if (closed) {
            break;
          }
          j.subscribe(new Relay(), options.eventsChannel(), options.procChannel());
        } catch (JedisException e) {
          if (!closed) {
            link.reportFailure(e);
          }
        } finally {
          subscribed = false;
          connection = null;
          try {
            j.close();
          } catch (RuntimeException ignored) {
            // broken already
          }
        }
        Thread.sleep(100); // never spin if Redis takes the subscription and drops it at once
      } catch (RedisDownException e) {
        // awaitUp again
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void dropConnection() {
    Jedis j = connection;
    if (j != null) {
      try {
        j.disconnect();
      } catch (RuntimeException ignored) {
        // the subscriber's read fails either way
      }
    }
  }

  /** The subscription's callbacks, on the subscriber thread. */
  private final class Relay extends JedisPubSub {
    @Override
    public void onSubscribe(String channel, int count) {
      if (!channel.equals(options.eventsChannel())) {
        return;
      }
      subscribed = true;
      long n = subscriptions.incrementAndGet();
      if (n > 1) {
        LOG.info("event streams subscribed again; catching {} client(s) up from the buffer", events.size());
      }
      // whatever was published while there was no subscription is in the buffer now
      synchronized (eventsLock) {
        List<String> buffer = readBuffer();
        for (StreamClient c : events) {
          catchUp(c, buffer);
        }
      }
    }

    @Override
    public void onMessage(String channel, String message) {
      if (channel.equals(options.eventsChannel())) {
        if (Channels.FLUSH.equals(message)) {
          fanOut(events, Frames.FLUSH);
          return;
        }
        Envelope.parse(message).ifPresentOrElse(e -> {
          synchronized (eventsLock) {
            for (StreamClient c : events) {
              if (!c.offerEvent(e)) {
                dropSlow(c, events);
              }
            }
          }
        }, () -> LOG.debug("skipped a message on {} that is no event envelope", channel));
      } else if (channel.equals(options.procChannel())) {
        fanOut(procs, Channels.FLUSH.equals(message) ? Frames.FLUSH : Frames.proc(message));
      }
    }
  }

  private void fanOut(Set<StreamClient> set, String frame) {
    for (StreamClient c : set) {
      if (!c.offer(frame)) {
        dropSlow(c, set);
      }
    }
  }

  /**
   * Ends every stream and the subscription, and waits (a little) for the streams to be closed: call it before the
   * HTTP server stops, so that no stream completes its response on a stopped server.
   */
  @Override
  public void close() {
    closed = true;
    subscriber.interrupt();
    dropConnection();
    List<StreamClient> all = new java.util.ArrayList<>();
    synchronized (eventsLock) {
      all.addAll(events);
    }
    all.addAll(procs);
    all.forEach(StreamClient::end);
    long end = System.nanoTime() + 2_000_000_000L;
    try {
      for (StreamClient c : all) {
        c.awaitEnd((end - System.nanoTime()) / 1_000_000);
      }
      subscriber.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
