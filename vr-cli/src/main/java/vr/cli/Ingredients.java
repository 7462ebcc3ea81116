package vr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import vr.cli.api.ServerClient;
import vr.common.InputException;

/** Config ingredients named on the command line: by id when numeric, else by name; and the original's list merge. */
final class Ingredients {
  private Ingredients() {}

  /**
   * Each spec's resource URI. The original mapped them with a misplaced parenthesis
   * ({@code attrgetter('resource_uri', ingredients)}) and so crashed on every {@code swarm}.
   */
  static List<String> uris(ServerClient client, List<String> specs) {
    List<String> out = new ArrayList<>();
    for (String spec : specs) {
      JsonNode found;
      if (spec.matches("[0-9]+")) {
        try {
          found = client.get("api/v1/ingredients/" + spec + "/");
        } catch (ServerClient.NotFound e) {
          throw new InputException("no ingredient with id " + spec);
        }
      } else {
        JsonNode list = client.list("api/v1/ingredients/", Map.of("name", spec));
        if (list.isEmpty()) {
          throw new InputException("no ingredient named " + InputException.quote(spec));
        }
        found = list.get(0);
      }
      out.add(found.path("resource_uri").asText());
    }
    return out;
  }

  /** {@code unique(orig + add)} without {@code remove}, in order (the original's doctest: abd + ace - de = abc). */
  static List<String> assemble(List<String> orig, List<String> add, List<String> remove) {
    LinkedHashSet<String> all = new LinkedHashSet<>(orig);
    all.addAll(add);
    all.removeAll(remove);
    return List.copyOf(all);
  }
}
