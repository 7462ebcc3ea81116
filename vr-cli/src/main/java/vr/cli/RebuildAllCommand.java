package vr.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import vr.cli.api.ServerClient;

/**
 * {@code vr.cli rebuild-all PATTERN}: a fresh build of every distinct (app, version) among the matched swarms, then
 * every matched swarm dispatched again at its version (reference 6). For a new OS image or buildpack.
 */
@Command(name = "rebuild-all", mixinStandardHelpOptions = true,
    description = {"Build again every distinct app and version the matched swarms run, then re-dispatch each swarm",
        "at its version. Prints the matches, one 'build <id> of <app>-<tag> started' line per build, and one",
        "'<name> [<version>] swarm_id <trace>' line per dispatch.",
        "Example: vr.cli rebuild-all 'shop-' -x worker --countdown"})
final class RebuildAllCommand extends ServerCommand {
  @Parameters(index = "0", paramLabel = "PATTERN", description = "A regular expression matched from the start of <app>-<config>-<proc>.")
  String pattern;

  @Option(names = {"-x", "--exclude"}, paramLabel = "PATTERN", description = "Leave out swarms in whose name this is found (repeatable).")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--countdown", description = "Wait 5 s after printing the matches (Ctrl-C to stop).")
  boolean countdown;

  @Override
  public Integer call() throws Exception {
    SwarmFilter filter = SwarmFilter.of(pattern, exclude);
    ServerClient client = client();
    List<Swarms.Swarm> matched = Swarms.matching(client, filter);
    printMatches(out(), matched);
    if (countdown) {
      countdown("Rebuilding");
    }
    Set<List<String>> builds = new LinkedHashSet<>();
    for (Swarms.Swarm s : matched) {
      if (!s.version().isEmpty()) {
        builds.add(List.of(s.json().path("app_name").asText(), s.version()));
      }
    }
    for (List<String> b : builds) {
      Builds.Started started = Builds.assemble(client, b.get(0), b.get(1));
      out().println("build " + started.id() + " of " + b.get(0) + "-" + b.get(1) + " started (trace " + started.trace() + ")");
      out().flush();
    }
    for (Swarms.Swarm s : matched) {
      String trace = ServerClient.json(client.post(s.uri() + "swarm/", Map.of())).path("swarm_id").asText();
      out().println(s.name() + " [" + s.version() + "] swarm_id " + trace);
      out().flush();
    }
    return 0;
  }
}
