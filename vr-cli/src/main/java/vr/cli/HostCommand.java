package vr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import vr.cli.api.ServerClient;
import vr.common.InputException;

/** {@code vr.cli host remove NAME}: a host is gone; the server re-dispatches the swarms that had procs there. */
@Command(name = "host", mixinStandardHelpOptions = true,
    description = {"Hosts. 'host remove NAME' tells the server the host is gone for good (dead, or retired): it is",
        "marked gone, taken out of its squad, and every swarm that had procs there is dispatched again, so its",
        "procs come back on the squad's other hosts and its pool entries there are dropped. The host itself is not",
        "contacted. Prints the squad and one line per swarm dispatched again ('<id> swarm_id <trace>').",
        "Example: vr.cli host remove web-07"})
final class HostCommand extends ServerCommand {
  @Parameters(index = "0", paramLabel = "ACTION", description = "remove")
  String action;

  @Parameters(index = "1", paramLabel = "NAME", description = "The host's name, as the server knows it.")
  String name;

  @Override
  public Integer call() {
    if (!action.equals("remove")) {
      throw new InputException("ACTION: 'remove' is the one host action, not " + InputException.quote(action));
    }
    JsonNode out;
    try {
      out = ServerClient.json(client().post("api/v1/hosts/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/remove/", Map.of()));
    } catch (ServerClient.NotFound e) {
      throw new InputException("no host " + InputException.quote(name) + " on the server");
    }
    out().println("host " + name + " removed" + (out.path("squad").isTextual() ? " from squad " + out.path("squad").asText() : "")
        + "; " + out.path("swarms").size() + " swarms dispatched again");
    for (JsonNode s : out.path("swarms")) {
      out().println("  swarm " + s.path("id").asText() + (s.path("trace_id").isTextual() ? " swarm_id " + s.path("trace_id").asText()
          : " not dispatched: " + s.path("skipped").asText()));
    }
    out().flush();
    return 0;
  }
}
