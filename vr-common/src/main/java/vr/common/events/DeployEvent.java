package vr.common.events;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import vr.common.model.JsonText;

/**
 * A deployment event as the server publishes it on {@link Channels#DEPLOY_EVENTS} (reference 7.6): its
 * {@link #data()} is {@code {"time", "message", "tags", "title", ...extra}} as JSON, and the Redis message
 * is {@code {"id": <32 hex>, "data": <that JSON as a string>}}. Messages longer than
 * {@value #MAX_MESSAGE} characters keep their first and last {@value #KEEP} around a snip mark.
 *
 * @param extra further string keys, such as {@code swarm_id} or {@code resource_uri}
 */
public record DeployEvent(String id, Instant time, String message, List<String> tags, String title,
    Map<String, String> extra) {

  public static final int MAX_MESSAGE = 10_000;
  static final int KEEP = 5_000;
  static final String SNIP = "\n\n...<snip>...\n\n";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
      .withZone(ZoneOffset.UTC);

  public DeployEvent {
    message = trim(message == null ? "" : message);
    tags = tags == null ? List.of() : List.copyOf(tags);
    title = title == null ? "" : title;
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }

  /** A new event now, with a fresh id (the original's {@code uuid1().hex}: 32 hex digits). */
  public static DeployEvent of(String message, List<String> tags, String title, Map<String, String> extra) {
    return new DeployEvent(UUID.randomUUID().toString().replace("-", ""), Instant.now(), message, tags, title, extra);
  }

  /** The message as published: at most {@value #MAX_MESSAGE} characters plus the snip mark. */
  static String trim(String message) {
    if (message.length() <= MAX_MESSAGE) {
      return message;
    }
    return message.substring(0, KEEP) + SNIP + message.substring(message.length() - KEEP);
  }

  /** The event's JSON, the {@code data} the browser parses. */
  public String data() {
    StringBuilder b = new StringBuilder("{\"time\":").append(JsonText.quote(TIME.format(time)))
        .append(",\"message\":").append(JsonText.quote(message)).append(",\"tags\":[");
    for (int i = 0; i < tags.size(); i++) {
      b.append(i > 0 ? "," : "").append(JsonText.quote(tags.get(i)));
    }
    b.append("],\"title\":").append(JsonText.quote(title));
    extra.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> b.append(',').append(JsonText.quote(e.getKey())).append(':').append(JsonText.quote(e.getValue())));
    return b.append('}').toString();
  }

  /** What is published on the channel and pushed to its buffer. */
  public String envelope() {
    return "{\"id\":" + JsonText.quote(id) + ",\"data\":" + JsonText.quote(data()) + "}";
  }

  /** The server-sent event a browser receives: {@code id:} and {@code data:} lines and a blank line. */
  public String sse() {
    return "id: " + id + "\ndata: " + data() + "\n\n";
  }
}
