package vr.common.yaml;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;
import vr.common.InputException;

/**
 * Strict YAML in and the original's style out. Reading keeps the line of every key so that errors name
 * file, line and key; writing is block style with sorted keys, like PyYAML's {@code safe_dump(...,
 * default_flow_style=False)} that wrote the original's files.
 */
public final class Yaml {
  /** Larger files are not configuration; refuse them rather than read them. */
  static final int MAX_CODE_POINTS = 8 * 1024 * 1024;

  private Yaml() {}

  /** Reads {@code file}, which must hold a mapping (an empty file is an empty mapping). */
  public static YamlMap load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw InputException.at(file, 0, "no such file");
    } catch (IOException e) {
      throw InputException.at(file, 0, "cannot read: " + e.getMessage());
    }
    return parse(text, file).withSource(text);
  }

  /** Parses {@code text}; errors name {@code file} (which may be a made-up name such as a URL). */
  public static YamlMap parse(String text, Path file) {
    LoaderOptions opts = new LoaderOptions();
    opts.setCodePointLimit(MAX_CODE_POINTS);
    opts.setAllowDuplicateKeys(false);
    opts.setMaxAliasesForCollections(50);
    opts.setNestingDepthLimit(50);
    Node root;
    try (Reader r = new StringReader(text)) {
      // SnakeYAML's composer only: its constructors are not needed (scalars are read by Scalars), and making
      // one starts SnakeYAML's logging and type machinery, a fifth of a proc start.
      root = new Composer(new ParserImpl(new StreamReader(r), opts), new Resolver(), opts).getSingleNode();
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      throw InputException.at(file, m == null ? 0 : m.getLine() + 1, "malformed YAML: " + problem.replace('\n', ' '));
    } catch (YAMLException | IOException e) {
      throw InputException.at(file, 0, "malformed YAML: " + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
    if (root == null) {
      return YamlMap.empty(file);
    }
    if (!(root instanceof MappingNode mapping)) {
      throw InputException.at(file, line(root), "must be a mapping of keys to values");
    }
    return toMap(mapping, file);
  }

  private static YamlMap toMap(MappingNode node, Path file) {
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, Integer> lines = new LinkedHashMap<>();
    for (NodeTuple t : node.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw InputException.at(file, line(t.getKeyNode()), "keys must be plain strings");
      }
      String key = k.getValue();
      if (values.containsKey(key)) {
        throw InputException.at(file, line(k), key + " appears twice");
      }
      values.put(key, toJava(t.getValueNode(), file, key));
      lines.put(key, line(k));
    }
    return new YamlMap(file, line(node), values, lines);
  }

  private static Object toJava(Node node, Path file, String key) {
    if (node instanceof MappingNode m) {
      return new YamlMap.Nested(toMap(m, file));
    }
    if (node instanceof SequenceNode s) {
      List<Object> list = new ArrayList<>();
      for (Node n : s.getValue()) {
        list.add(toJava(n, file, key));
      }
      return list;
    }
    ScalarNode sc = (ScalarNode) node;
    try {
      return Scalars.value(sc.getTag(), sc.getValue());
    } catch (IllegalArgumentException e) {
      throw InputException.at(file, line(sc), key + ": " + e.getMessage());
    }
  }

  private static int line(Node n) {
    return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
  }

  /** Block-style YAML with keys sorted at every level; null values are written as {@code null}. */
  public static String dump(Map<String, ?> data) {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    o.setIndicatorIndent(0);
    o.setWidth(Integer.MAX_VALUE);
    o.setSplitLines(false);
    o.setAllowUnicode(true);
    org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml(o);
    StringWriter w = new StringWriter();
    yaml.dump(sorted(data), w);
    return w.toString();
  }

  static Object sorted(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> t = new TreeMap<>();
      m.forEach((k, x) -> t.put(String.valueOf(k), sorted(x)));
      return t;
    }
    if (v instanceof Set<?> s) {
      List<Object> l = new ArrayList<>();
      s.forEach(x -> l.add(sorted(x)));
      return l;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(sorted(x)));
      return out;
    }
    return v;
  }
}
