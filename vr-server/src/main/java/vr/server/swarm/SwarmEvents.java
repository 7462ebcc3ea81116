package vr.server.swarm;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import vr.common.events.DeployEvent;

/**
 * The swarm flow's deployment events, with the original's titles and tags (reference 7.6), each carrying the
 * dispatch's trace as {@code swarm_id}. Where they go is the caller's: the server gives {@code EventSender::send}.
 */
final class SwarmEvents {
  private final Consumer<DeployEvent> sink;
  private final String trace;

  SwarmEvents(Consumer<DeployEvent> sink, String trace) {
    this.sink = sink;
    this.trace = trace;
  }

  void send(String title, String message, String... tags) {
    sink.accept(DeployEvent.of(message, List.of(tags), title, Map.of("swarm_id", trace)));
  }
}
