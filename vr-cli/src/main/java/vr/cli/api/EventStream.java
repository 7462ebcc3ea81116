package vr.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The server's deployment events ({@code GET /api/streams/events/}, reference 7.6): {@code id:} and {@code data:}
 * lines, a blank line ending each event. Opened before a dispatch, so no event of it can be missed; the server
 * first replays its buffer, which the reader filters like any other event.
 */
public final class EventStream implements AutoCloseable {
  /** One deployment event: its tags, title, message and the trace it belongs to (empty when none). */
  public record Event(String id, List<String> tags, String title, String message, String trace) {
    public boolean tagged(String tag) {
      return tags.contains(tag);
    }
  }

  private final Stream<String> lines;
  private final Iterator<String> it;

  private EventStream(Stream<String> lines) {
    this.lines = lines;
    this.it = lines.iterator();
  }

  public static EventStream open(ServerClient client) {
    return new EventStream(client.stream("api/streams/events/"));
  }

  /** The next event, or null when the server closed the stream. */
  public Event next() {
    String id = null;
    StringBuilder data = new StringBuilder();
    while (it.hasNext()) {
      String line = it.next();
      if (line.isEmpty()) {
        if (data.length() > 0) {
          Event e = parse(id, data.toString());
          if (e != null) {
            return e;
          }
        }
        id = null;
        data.setLength(0);
      } else if (line.startsWith("id:")) {
        id = line.substring(3).strip();
      } else if (line.startsWith("data:")) {
        data.append(data.length() > 0 ? "\n" : "").append(line.substring(line.startsWith("data: ") ? 6 : 5));
      }
    }
    return null;
  }

  /** The event of a {@code data:} payload; null for one that is not an event object (skipped). */
  static Event parse(String id, String data) {
    JsonNode n;
    try {
      n = ServerClient.JSON.readTree(data);
    } catch (IOException e) {
      return null;
    }
    if (!n.isObject()) {
      return null;
    }
    List<String> tags = new ArrayList<>();
    n.path("tags").forEach(t -> tags.add(t.asText()));
    // the swarm flow's events carry swarm_id, the build step's swarm_trace_id (both the dispatch's trace)
    String trace = n.path("swarm_id").asText(n.path("swarm_trace_id").asText(""));
    return new Event(id, List.copyOf(tags), n.path("title").asText(""), n.path("message").asText(""), trace);
  }

  @Override
  public void close() {
    lines.close();
  }
}
