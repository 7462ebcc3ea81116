package vr.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vr.cli list-swarms [PATTERN]}: the original's output, {@code Loaded N swarms in T} then the sorted names. */
@Command(name = "list-swarms", mixinStandardHelpOptions = true,
    description = {"List the swarms whose <app>-<config>-<proc> name the pattern matches (from its start).",
        "Prints 'Loaded N swarms in <seconds>s', then one name per line, sorted (the original's output).",
        "Example: vr.cli list-swarms 'shop-'   (all of app shop)    vr.cli list-swarms --json | jq ."})
final class ListSwarmsCommand extends ServerCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "PATTERN", defaultValue = ".*",
      description = "A regular expression (default: every swarm).")
  String pattern;

  @Option(names = {"-x", "--exclude"}, paramLabel = "PATTERN",
      description = "Leave out swarms in whose name this is found (case-insensitive; repeatable).")
  List<String> exclude = List.of();

  @Option(names = "--json", description = "Print the matching swarms' records as a JSON array instead.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    SwarmFilter filter = SwarmFilter.of(pattern, exclude);
    long t0 = System.nanoTime();
    List<Swarms.Swarm> all = Swarms.all(client());
    List<Swarms.Swarm> matched = all.stream().filter(s -> filter.matches(s.name())).toList();
    if (json) {
      ArrayNode a = vr.cli.api.ServerClient.JSON.createArrayNode();
      matched.forEach(s -> a.add(s.json()));
      out().println(vr.cli.api.ServerClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(a));
      return 0;
    }
    out().println(String.format(Locale.ROOT, "Loaded %d swarms in %.2fs", matched.size(), (System.nanoTime() - t0) / 1e9));
    matched.forEach(s -> out().println(s.name()));
    return 0;
  }
}
