package vr.server.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisException;
import vr.common.events.Channels;
import vr.common.events.DeployEvent;

/**
 * Publishes the server's deployment events (reference 7.6) in the original's format: the envelope
 * {@code {"id": <32 hex>, "data": <inner JSON as a string>}} is PUBLISHed on the events channel, LPUSHed on the
 * buffer and the buffer LTRIMmed to its length, so that readers who connect later replay the newest ones.
 *
 * <p>Two choices differ from the original, both on purpose. The three commands run in one MULTI with the LPUSH
 * first: the original published before it pushed, so a reader that subscribed and then read the buffer between
 * the two missed the event (neither live nor buffered); with the buffer written first and atomically, every
 * event is either in the buffer a reader reads or arrives after it subscribed ({@link EventStreams} relies on
 * it). And an event is never worth failing a user's request: while Redis is down it is dropped at once, with a
 * log line and a count ({@link #dropped()}); the longest a request can wait is the link's timeout (twice that on
 * the request that finds Redis gone).
 */
public final class EventSender {
  private static final Logger LOG = LoggerFactory.getLogger(EventSender.class);

  private final RedisLink link;
  private final String channel;
  private final String bufferKey;
  private final int bufferLength;
  private final AtomicLong dropped = new AtomicLong();

  /**
   * @param channel {@code EVENTS_PUBSUB_CHANNEL} ({@value Channels#DEPLOY_EVENTS})
   * @param bufferKey {@code EVENTS_BUFFER_KEY} ({@value Channels#DEPLOY_EVENTS_BUFFER})
   * @param bufferLength {@code EVENTS_BUFFER_LENGTH} ({@value Channels#DEPLOY_EVENTS_BUFFER_LENGTH})
   */
  public EventSender(RedisLink link, String channel, String bufferKey, int bufferLength) {
    if (channel == null || channel.isBlank()) {
      throw new IllegalArgumentException("EVENTS_PUBSUB_CHANNEL: must not be empty");
    }
    if (bufferKey == null || bufferKey.isBlank()) {
      throw new IllegalArgumentException("EVENTS_BUFFER_KEY: must not be empty");
    }
    if (bufferLength < 1) {
      throw new IllegalArgumentException("EVENTS_BUFFER_LENGTH: must be at least 1, not " + bufferLength);
    }
    this.link = link;
    this.channel = channel;
    this.bufferKey = bufferKey;
    this.bufferLength = bufferLength;
  }

  /** With the original's names and length. */
  public EventSender(RedisLink link) {
    this(link, Channels.DEPLOY_EVENTS, Channels.DEPLOY_EVENTS_BUFFER, Channels.DEPLOY_EVENTS_BUFFER_LENGTH);
  }

  /**
   * Publishes a new event; a message over {@value DeployEvent#MAX_MESSAGE} characters is snipped in its middle.
   * Never throws for Redis trouble.
   *
   * @param tags may be null; {@code hidden} hides it in the dashboard
   * @param extra further keys ({@code swarm_id}, {@code resource_uri}); may be null
   * @return the event as published, or empty when it was dropped
   */
  public Optional<DeployEvent> publish(String message, List<String> tags, String title, Map<String, String> extra) {
    DeployEvent e = DeployEvent.of(message, tags, title, extra);
    return send(e) ? Optional.of(e) : Optional.empty();
  }

  /**
   * The event of a user's action, as the original's {@code eventify}: title {@code "<username>: <action> <object>"},
   * tags {@code ["user", action]} plus {@code "failed"}, message {@code detail} or else the title. For
   * {@link vr.server.api.Audit} implementations, which also write the deployment log.
   */
  public Optional<DeployEvent> userAction(String username, String action, String object, String detail, boolean failed) {
    String title = username + ": " + action + " " + object;
    List<String> tags = new ArrayList<>(List.of("user", action));
    if (failed) {
      tags.add("failed");
    }
    return publish(detail == null || detail.isEmpty() ? title : detail, tags, title, null);
  }

  /** Publishes an event built elsewhere; false (logged and counted) when it was dropped. */
  public boolean send(DeployEvent e) {
    String envelope = e.envelope();
    try {
      link.call(j -> {
        Transaction t = j.multi();
        t.lpush(bufferKey, envelope);
        t.ltrim(bufferKey, 0, bufferLength - 1L);
        t.publish(channel, envelope);
        return t.exec();
      });
      return true;
    } catch (RedisDownException ex) {
      dropped.incrementAndGet();
      LOG.warn("event dropped, redis is down: {} [{}]", e.title(), String.join(",", e.tags()));
      return false;
    } catch (JedisException ex) {
      dropped.incrementAndGet();
      LOG.warn("event dropped, redis refused it ({}): {} [{}]", RedisLink.reason(ex), e.title(), String.join(",", e.tags()));
      return false;
    }
  }

  /** Events dropped since start because Redis was down or refused them. */
  public long dropped() {
    return dropped.get();
  }

  public String channel() {
    return channel;
  }

  public String bufferKey() {
    return bufferKey;
  }

  public int bufferLength() {
    return bufferLength;
  }
}
