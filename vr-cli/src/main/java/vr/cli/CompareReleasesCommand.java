package vr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import vr.cli.api.ServerClient;
import vr.common.InputException;
import vr.common.yaml.Yaml;

/** {@code vr.cli compare-releases A B}: how two releases' config and env differ, key by key. */
@Command(name = "compare-releases", mixinStandardHelpOptions = true,
    description = {"Show how release B's config and env differ from release A's: per changed key (dotted path) a",
        "'- key: <A's value>' and a '+ key: <B's value>' line under 'config_yaml:' or 'env_yaml:'; a key only one",
        "has gets only its line. Prints 'no differences' when there are none.",
        "Example: vr.cli compare-releases 41 42"})
final class CompareReleasesCommand extends ServerCommand {
  @Parameters(index = "0", paramLabel = "A", description = "The original release's id.")
  String a;

  @Parameters(index = "1", paramLabel = "B", description = "The changed release's id.")
  String b;

  @Option(names = "--json", description = "Print [{field, key, a, b}] as JSON instead (a missing side is null).")
  boolean json;

  /** One difference: in {@code field} at dotted {@code key}, A's value and B's (null where absent). */
  record Change(String field, String key, Object a, Object b) {}

  @Override
  public Integer call() throws Exception {
    for (String id : List.of(a, b)) {
      if (!id.matches("[0-9]+")) {
        throw new InputException("release ids are numbers, not " + InputException.quote(id));
      }
    }
    ServerClient client = client();
    JsonNode ra = release(client, a);
    JsonNode rb = release(client, b);
    List<Change> changes = new ArrayList<>();
    for (String field : List.of("config_yaml", "env_yaml")) {
      diff(field, "", parse(ra, field, a), parse(rb, field, b), changes);
    }
    if (json) {
      ArrayNode out = ServerClient.JSON.createArrayNode();
      for (Change c : changes) {
        com.fasterxml.jackson.databind.node.ObjectNode o = out.addObject().put("field", c.field()).put("key", c.key());
        o.set("a", ServerClient.JSON.valueToTree(c.a()));
        o.set("b", ServerClient.JSON.valueToTree(c.b()));
      }
      out().println(ServerClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
      return 0;
    }
    if (changes.isEmpty()) {
      out().println("no differences between release " + a + " and release " + b);
      return 0;
    }
    String field = null;
    for (Change c : changes) {
      if (!c.field().equals(field)) {
        field = c.field();
        out().println(field + ":");
      }
      if (c.a() != null) {
        out().println(term().red("  - " + c.key() + ": " + show(c.a())));
      }
      if (c.b() != null) {
        out().println(term().green("  + " + c.key() + ": " + show(c.b())));
      }
    }
    return 0;
  }

  private static JsonNode release(ServerClient client, String id) {
    try {
      return client.get("api/v1/releases/" + id + "/");
    } catch (ServerClient.NotFound e) {
      throw new InputException("no release " + id + " on the server");
    }
  }

  private static Object parse(JsonNode release, String field, String id) {
    JsonNode v = release.path(field);
    if (v.isTextual()) {
      return Yaml.parseValue(v.asText(), Path.of("release " + id + " " + field));
    }
    return v.isMissingNode() || v.isNull() ? null : ServerClient.JSON.convertValue(v, Object.class);
  }

  /** Differences of two parsed YAML values; maps are walked key by key, anything else compared whole. */
  static void diff(String field, String key, Object x, Object y, List<Change> out) {
    if (x instanceof Map<?, ?> mx && y instanceof Map<?, ?> my) {
      TreeSet<String> keys = new TreeSet<>();
      mx.keySet().forEach(k -> keys.add(String.valueOf(k)));
      my.keySet().forEach(k -> keys.add(String.valueOf(k)));
      for (String k : keys) {
        diff(field, key.isEmpty() ? k : key + "." + k, get(mx, k), get(my, k), out);
      }
    } else if (!Objects.equals(x, y)) {
      out.add(new Change(field, key.isEmpty() ? "(all)" : key, x, y));
    }
  }

  private static Object get(Map<?, ?> m, String k) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (String.valueOf(e.getKey()).equals(k)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static String show(Object v) {
    try {
      return ServerClient.JSON.writeValueAsString(v);
    } catch (Exception e) {
      return String.valueOf(v);
    }
  }
}
