package vr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import vr.cli.api.EventStream;
import vr.cli.api.ServerClient;
import vr.common.InputException;

/**
 * {@code vr.cli swarm PATTERN TAG}: set the matched swarms' version (and squad, ingredients) and dispatch each
 * (PATCH, then {@code POST <swarm>/swarm/}); with {@code --wait}, follow them to the end.
 */
@Command(name = "swarm", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Dispatch every swarm the pattern matches, at version TAG ('-' keeps each one's current version).",
        "Prints 'Matched N apps' and their names, then one line per dispatch: '<name> [<version>] swarm_id <trace>'.",
        "With --wait it then prints each step as it happens (build, deploy per host, uptests, route, cleanup) and",
        "exits 0 when every swarm finished, 1 when one failed (with the failing uptest's output). Ctrl-C stops",
        "following (exit 130); the swarms go on on the server.",
        "Examples:",
        "  vr.cli swarm 'shop-prod-web' v2 --wait",
        "  vr.cli swarm 'shop-' - -x worker          (re-dispatch all of shop but its workers, versions unchanged)",
        "  vr.cli swarm '.*' - --by-ingredients redis --add-ingredients redis-v2 --remove-ingredients redis",
        "  vr.cli swarm 'shop-prod-web' - --plan    then    vr.cli swarm 'shop-prod-web' - --apply-plan <id> --wait"})
final class SwarmCommand extends ServerCommand {
  /** Exit code when Ctrl-C stops the following (128 + SIGINT, as shells report it). */
  static final int INTERRUPTED = 130;

  @Parameters(index = "0", paramLabel = "PATTERN", description = "A regular expression matched from the start of <app>-<config>-<proc>.")
  String pattern;

  @Parameters(index = "1", paramLabel = "TAG", description = "The version to run, or '-' to keep each swarm's current one.")
  String tag;

  @Option(names = {"-x", "--exclude"}, paramLabel = "PATTERN",
      description = "Leave out swarms in whose name this is found (case-insensitive; repeatable).")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--countdown", description = "Print the matches, then wait 5 s before dispatching (Ctrl-C to stop).")
  boolean countdown;

  @Option(names = "--add-ingredients", arity = "1..*", paramLabel = "INGREDIENT",
      description = "Add these config ingredients (ids or names) to each swarm's.")
  List<String> add = new ArrayList<>();

  @Option(names = "--remove-ingredients", arity = "1..*", paramLabel = "INGREDIENT",
      description = "Remove these config ingredients from each swarm's.")
  List<String> remove = new ArrayList<>();

  @Option(names = "--replace-ingredients", arity = "1..*", paramLabel = "INGREDIENT",
      description = "Set each swarm's config ingredients to exactly these (not with --add/--remove).")
  List<String> replace = new ArrayList<>();

  @Option(names = "--by-ingredients", arity = "1..*", paramLabel = "INGREDIENT",
      description = "Also match every swarm that uses one of these ingredients.")
  List<String> byIngredients = new ArrayList<>();

  @Option(names = "--squad", paramLabel = "SQUAD", description = "Move the swarms to this squad (a name or /api/v1/squads/<name>/).")
  String squad;

  @Option(names = "--wait", description = "Follow the swarms' events until each finished or failed.")
  boolean waitForIt;

  @Option(names = "--json", description = "Print the dispatches as a JSON array [{name, id, version, swarm_id}] (with --wait, before the steps);"
      + " with --plan, the plans as the server gives them.")
  boolean json;

  @Option(names = "--plan", description = "Change nothing: print what a dispatch of each matched swarm would do now (build, new procs'"
      + " hosts and ports, procs stopped, pool changes) and the plan's id. TAG must be '-' or the swarm's version.")
  boolean plan;

  @Option(names = "--apply-plan", paramLabel = "PLAN", description = "Dispatch as that plan showed (one swarm): the server refuses"
      + " it, changing nothing, if anything the plan depends on changed since.")
  String applyPlan;

  @Option(names = "--batch", paramLabel = "K", description = "Replace at most K procs at a time, each batch uptested and routed before the next.")
  Integer batch;

  @Option(names = "--canary", description = "Deploy one proc first, uptest and route it beside the old ones, then wait for"
      + " 'vr.cli canary continue' or 'vr.cli canary abort'.")
  boolean canary;

  @Override
  public Integer call() throws Exception {
    if (!replace.isEmpty() && (!add.isEmpty() || !remove.isEmpty())) {
      throw new ParameterException(spec.commandLine(), "--replace-ingredients cannot be combined with --add-ingredients or --remove-ingredients");
    }
    SwarmFilter filter = SwarmFilter.of(pattern, exclude);
    ServerClient client = client();
    List<Swarms.Swarm> matched = match(client, filter);
    List<String> addUris = Ingredients.uris(client, add);
    List<String> removeUris = Ingredients.uris(client, remove);
    List<String> replaceUris = Ingredients.uris(client, replace);
    String squadUri = squad == null ? null : squadUri(client, squad);

    if (plan) {
      return plan(client, matched);
    }
    if (applyPlan != null && matched.size() != 1) {
      throw new ParameterException(spec.commandLine(), "--apply-plan applies one swarm's plan, but the pattern matches "
          + matched.size() + " swarms");
    }
    if (batch != null && batch < 1) {
      throw new ParameterException(spec.commandLine(), "--batch must be at least 1, not " + batch);
    }
    Map<String, Object> options = new LinkedHashMap<>();
    if (batch != null) {
      options.put("batch", batch);
    }
    if (canary) {
      options.put("canary", true);
    }
    if (applyPlan != null) {
      options.put("plan", applyPlan);
    }
    printMatches(json ? err() : out(), matched);
    if (countdown) {
      countdown("Reswarming");
    }

    EventStream events = waitForIt ? EventStream.open(client) : null;
    try {
      Map<String, String> traces = new LinkedHashMap<>();
      ArrayNode dispatched = ServerClient.JSON.createArrayNode();
      for (Swarms.Swarm s : matched) {
        Map<String, Object> changes = new LinkedHashMap<>();
        if (!tag.equals("-")) {
          changes.put("version", tag);
        }
        if (squadUri != null) {
          changes.put("squad", squadUri);
        }
        if (!replace.isEmpty() || !add.isEmpty() || !remove.isEmpty()) {
          List<String> current = new ArrayList<>();
          s.json().path("config_ingredients").forEach(n -> current.add(n.asText()));
          changes.put("config_ingredients", replace.isEmpty() ? Ingredients.assemble(current, addUris, removeUris) : replaceUris);
        }
        if (!changes.isEmpty()) {
          client.patch(s.uri(), changes);
        }
        JsonNode answer = ServerClient.json(client.post(s.uri() + "swarm/", options));
        String trace = answer.path("swarm_id").asText();
        String version = tag.equals("-") ? s.version() : tag;
        traces.put(trace, s.name());
        ObjectNode o = dispatched.addObject();
        o.put("name", s.name()).put("id", s.id()).put("version", version).put("swarm_id", trace);
        if (!json) {
          out().println(s.name() + " [" + version + "] swarm_id " + trace);
          out().flush();
        }
      }
      if (json) {
        out().println(ServerClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(dispatched));
        out().flush();
      }
      if (events == null) {
        return 0;
      }
      SwarmWatch watch = new SwarmWatch(out(), term(), traces);
      root.onInterrupt(() -> {
        Map<String, String> left = watch.running();
        err().println();
        err().println("vr.cli: interrupted: stopped following; still running on the server: "
            + String.join(", ", left.entrySet().stream().map(e -> e.getValue() + " (swarm_id " + e.getKey() + ")").toList()));
        err().flush();
      }, INTERRUPTED);
      int failed = watch.follow(events);
      return failed == 0 ? 0 : 1;
    } finally {
      if (events != null) {
        events.close();
      }
    }
  }

  /** {@code --plan}: each matched swarm's plan, changing nothing (the server's {@code POST <swarm>/plan/}). */
  private int plan(ServerClient client, List<Swarms.Swarm> matched) throws Exception {
    for (Swarms.Swarm s : matched) {
      if (!tag.equals("-") && !tag.equals(s.version())) {
        throw new InputException("--plan plans each swarm at its own version, and " + s.name() + " is at " + s.version()
            + ", not " + tag + ": give '-', or dispatch without --plan to change its version");
      }
    }
    ArrayNode plans = ServerClient.JSON.createArrayNode();
    for (Swarms.Swarm s : matched) {
      JsonNode p = ServerClient.json(client.post(s.uri() + "plan/", Map.of()));
      if (json) {
        plans.add(p);
        continue;
      }
      JsonNode b = p.path("build");
      JsonNode r = p.path("release");
      out().println(s.name() + " [" + s.version() + "] plan " + p.path("plan").asText() + ": build " + b.path("id").asText()
          + " (" + b.path("action").asText() + "), release " + r.path("id").asText()
          + (r.path("hash").isTextual() ? " (" + r.path("hash").asText() + ")" : ""));
      for (String kind : List.of("deploy", "keep", "stop")) {
        for (JsonNode n : p.path(kind)) {
          out().println(String.format("  %-6s  %s:%s  %s%s", kind, n.path("host").asText(), n.path("port").asText(),
              n.path("proc").isTextual() ? n.path("proc").asText() : "(named once built)",
              n.path("why").isTextual() ? " (" + n.path("why").asText() + ")" : ""));
        }
      }
      for (JsonNode pool : p.path("pools")) {
        out().println("  pool    " + pool.path("balancer").asText() + "/" + pool.path("pool").asText() + ": add "
            + names(pool.path("add")) + ", delete " + names(pool.path("delete")));
      }
      out().println("  apply:  vr.cli swarm '^" + s.name() + "$' - --apply-plan " + p.path("plan").asText());
    }
    if (json) {
      out().println(ServerClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plans));
    }
    out().flush();
    return 0;
  }

  private static String names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText()));
    return out.isEmpty() ? "none" : String.join(" ", out);
  }

  private List<Swarms.Swarm> match(ServerClient client, SwarmFilter filter) {
    if (byIngredients.isEmpty()) {
      return Swarms.matching(client, filter);
    }
    List<String> uris = Ingredients.uris(client, byIngredients);
    List<Swarms.Swarm> all = Swarms.all(client);
    List<Swarms.Swarm> out = new ArrayList<>();
    for (Swarms.Swarm s : all) {
      boolean uses = false;
      for (JsonNode n : s.json().path("config_ingredients")) {
        uses |= uris.contains(n.asText());
      }
      if (filter.matches(s.name()) || uses) {
        out.add(s);
      }
    }
    if (out.isEmpty()) {
      throw new InputException("no swarm matches " + filter.describe() + " or uses " + String.join(", ", byIngredients));
    }
    return out;
  }

  static String squadUri(ServerClient client, String spec) {
    String name = spec.replaceFirst("^/?api/v1/squads/", "").replaceFirst("/$", "");
    try {
      return client.get("api/v1/squads/" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8) + "/")
          .path("resource_uri").asText();
    } catch (ServerClient.NotFound e) {
      throw new InputException("--squad: no squad " + InputException.quote(name));
    }
  }
}
