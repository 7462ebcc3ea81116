package vr.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import vr.server.api.Json;

/**
 * A deployment event as read back from Redis, {@code {"id", "data"[, "event"]}} (the legacy key {@code message} is
 * accepted for {@code data}, as the original's Listener did), and its server-sent event frame.
 */
record Envelope(String id, String data, String event) {

  /** The envelope, or empty when the text is not one (it is then skipped, never relayed). */
  static Optional<Envelope> parse(String text) {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(text);
    } catch (Exception e) {
      return Optional.empty();
    }
    if (n == null || !n.isObject() || !n.path("id").isTextual()) {
      return Optional.empty();
    }
    JsonNode data = n.has("data") ? n.get("data") : n.get("message");
    if (data == null || data.isNull()) {
      return Optional.empty();
    }
    String event = n.path("event").isTextual() ? n.get("event").asText() : null;
    return Optional.of(new Envelope(n.get("id").asText(), data.isTextual() ? data.asText() : data.toString(), event));
  }

  /**
   * The events of a buffer (newest first, as LPUSH leaves it) that are newer than {@code lastId}, oldest first; all
   * of them when {@code lastId} is null or no longer in the buffer (the original's Listener did the same).
   */
  static List<Envelope> newerThan(List<String> newestFirst, String lastId) {
    List<Envelope> out = new ArrayList<>();
    for (String text : newestFirst) {
      Optional<Envelope> e = parse(text);
      if (e.isEmpty()) {
        continue;
      }
      if (e.get().id().equals(lastId)) {
        break;
      }
      out.add(e.get());
    }
    Collections.reverse(out);
    return out;
  }

  /** {@code id: <id>\n[event: <event>\n]data: <line>\n...\n}: a data line per line of data. */
  String frame() {
    StringBuilder b = new StringBuilder("id: ").append(oneLine(id)).append('\n');
    if (event != null) {
      b.append("event: ").append(oneLine(event)).append('\n');
    }
    return Frames.data(b, data).toString();
  }

  private static String oneLine(String s) {
    return s.replace("\r", "").replace("\n", "");
  }
}
