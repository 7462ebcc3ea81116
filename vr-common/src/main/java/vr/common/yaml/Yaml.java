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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
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
    try (Reader r = new StringReader(text)) {
      // SnakeYAML's parser only: its composer's resolver compiles a dozen regular expressions and its
      // constructors start its logging and type machinery, together half of a proc start (see Loader).
      return new Loader(new ParserImpl(new StreamReader(r), opts), file).document();
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      throw InputException.at(file, m == null ? 0 : m.getLine() + 1, "malformed YAML: " + problem.replace('\n', ' '));
    } catch (YAMLException | IOException e) {
      throw InputException.at(file, 0, "malformed YAML: " + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
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
