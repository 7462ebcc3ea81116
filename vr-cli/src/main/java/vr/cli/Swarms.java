package vr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import vr.cli.api.ServerClient;
import vr.common.InputException;

/** The server's swarms as the CLI sees them, loaded and matched against a {@link SwarmFilter}. */
final class Swarms {
  private Swarms() {}

  /** One swarm: its record and its name {@code <app>-<config>-<proc>}. */
  record Swarm(JsonNode json) {
    String name() {
      return json.path("app_name").asText() + "-" + json.path("config_name").asText() + "-" + json.path("proc_name").asText();
    }

    long id() {
      return json.path("id").asLong();
    }

    String uri() {
      return json.path("resource_uri").asText();
    }

    String version() {
      JsonNode v = json.path("version");
      return v.isTextual() ? v.asText() : "";
    }
  }

  /** Every swarm, sorted by name. */
  static List<Swarm> all(ServerClient client) {
    List<Swarm> out = new ArrayList<>();
    client.list("api/v1/swarms/", Map.of()).forEach(n -> out.add(new Swarm(n)));
    out.sort(Comparator.comparing(Swarm::name));
    return out;
  }

  /** The swarms {@code filter} matches; none is bad input (a typo must not look like success). */
  static List<Swarm> matching(ServerClient client, SwarmFilter filter) {
    List<Swarm> all = all(client);
    List<Swarm> out = all.stream().filter(s -> filter.matches(s.name())).toList();
    if (out.isEmpty()) {
      throw new InputException("no swarm matches " + filter.describe() + " (of " + all.size()
          + " swarms; 'vr.cli list-swarms' lists them)");
    }
    return out;
  }
}
