package vr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import vr.cli.api.ServerClient;
import vr.common.InputException;

/** {@code vr.cli canary continue|abort PATTERN}: the decision a dispatch with {@code --canary} waits for. */
@Command(name = "canary", mixinStandardHelpOptions = true,
    description = {"Decide for swarms dispatched with 'vr.cli swarm ... --canary', which wait after their first proc",
        "is uptested and routed beside the old ones: 'continue' deploys the rest; 'abort' removes the canary and the",
        "old procs keep serving. Prints '<name> <decision> (swarm_id <trace>)' per swarm; a swarm with no canary",
        "waiting is an error.",
        "Example: vr.cli canary continue shop-prod-web"})
final class CanaryCommand extends ServerCommand {
  @Parameters(index = "0", paramLabel = "DECISION", description = "continue or abort")
  String decision;

  @Parameters(index = "1", paramLabel = "PATTERN", description = "A regular expression matched from the start of <app>-<config>-<proc>.")
  String pattern;

  @Option(names = {"-x", "--exclude"}, paramLabel = "PATTERN", description = "Leave out swarms in whose name this is found (repeatable).")
  List<String> exclude = new ArrayList<>();

  @Override
  public Integer call() {
    if (!decision.equals("continue") && !decision.equals("abort")) {
      throw new InputException("DECISION: continue or abort, not " + InputException.quote(decision));
    }
    List<Swarms.Swarm> matched = Swarms.matching(client(), SwarmFilter.of(pattern, exclude));
    for (Swarms.Swarm s : matched) {
      JsonNode out = ServerClient.json(client().post(s.uri() + decision + "/", Map.of()));
      out().println(s.name() + " " + decision + " (swarm_id " + out.path("trace_id").asText() + ")");
      out().flush();
    }
    return 0;
  }
}
