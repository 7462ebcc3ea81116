package vr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import vr.cli.api.ServerClient;
import vr.common.VrException;

/**
 * {@code vr.cli procs list|start|stop|restart [PATTERN] [--host REGEX]}: the matched swarms' procs, and acting on
 * them. Every call goes through the server with the operator's credentials; the original called each host's
 * supervisord on port 9001 directly, with none.
 */
@Command(name = "procs", mixinStandardHelpOptions = true,
    description = {"List, start, stop or restart the procs of the swarms the pattern matches, through the server.",
        "Per swarm a line '<name> [<version>]', then per proc '  <host:22>  <port:5>  <state:9>  <description>'",
        "(the original's layout); start/stop/restart prefix each proc's line with START/STOP/RESTART and show its",
        "state afterwards. A host that did not answer is named on stderr, and the exit code is then 1.",
        "Examples:",
        "  vr.cli procs list 'shop-prod-web'",
        "  vr.cli procs restart 'shop-prod-web' --host 'web-0[12]'"})
final class ProcsCommand extends ServerCommand {
  enum Action { list, start, stop, restart }

  @Parameters(index = "0", paramLabel = "ACTION", description = "list, start, stop or restart.")
  Action action;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PATTERN", defaultValue = ".*",
      description = "A regular expression matched from the start of <app>-<config>-<proc> (default: every swarm).")
  String pattern;

  @Option(names = {"-x", "--exclude"}, paramLabel = "PATTERN", description = "Leave out swarms in whose name this is found (repeatable).")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--host", paramLabel = "REGEX", description = "Only procs on hosts whose name this matches from its start.")
  String host;

  @Option(names = "--json", description = "Print [{swarm, version, procs: [proc dicts]}] as JSON instead.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    SwarmFilter filter = SwarmFilter.of(pattern, exclude);
    Pattern hostPattern = host == null ? null : SwarmFilter.compile(host, 0, "--host");
    ServerClient client = client();
    ArrayNode all = ServerClient.JSON.createArrayNode();
    int unreachable = 0;
    for (Swarms.Swarm s : Swarms.matching(client, filter)) {
      JsonNode answer = client.get("api/v1/swarms/" + s.id() + "/procs/");
      for (JsonNode h : answer.path("hosts")) {
        if (!"up".equals(h.path("state").asText("up"))) {
          unreachable++;
          err().println("vr.cli: host " + h.path("host").asText() + " is " + h.path("state").asText()
              + (h.path("reason").isTextual() ? ": " + h.path("reason").asText() : "")
              + (h.path("source").asText().equals("stale-cache") ? " (its procs as last cached)" : ""));
        }
      }
      ObjectNode entry = all.addObject();
      entry.put("swarm", s.name()).put("version", s.version());
      ArrayNode procs = entry.putArray("procs");
      if (!json) {
        out().println(term().bold(s.name()) + " [" + s.version() + "]");
      }
      for (JsonNode p : answer.path("objects")) {
        if (hostPattern != null && !hostPattern.matcher(p.path("host").asText()).lookingAt()) {
          continue;
        }
        JsonNode now = action == Action.list ? p : act(client, p);
        procs.add(now);
        if (!json) {
          out().println((action == Action.list ? "" : action.name().toUpperCase(Locale.ROOT) + " ") + line(now));
        }
      }
      out().flush();
    }
    if (json) {
      out().println(ServerClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
    }
    return unreachable == 0 ? 0 : 1;
  }

  private JsonNode act(ServerClient client, JsonNode p) {
    String path = "api/v1/hosts/" + enc(p.path("host").asText()) + "/procs/" + enc(p.path("name").asText()) + "/";
    try {
      return ServerClient.json(client.post(path, Map.of("action", action.name())));
    } catch (VrException e) {
      throw new VrException(action + " " + p.path("name").asText() + " on " + p.path("host").asText() + ": " + e.getMessage(), e);
    }
  }

  /** The original's proc line: {@code   {host:<22}  {port:<5}  {statename:<9}  {description}}. */
  static String line(JsonNode p) {
    return String.format(Locale.ROOT, "  %-22s  %-5s  %-9s  %s", p.path("host").asText(), p.path("port").asText(),
        p.path("statename").asText(), p.path("description").asText());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
