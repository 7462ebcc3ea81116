package vr.common.yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
  /**
   * The largest configuration file read: 4 MiB. The largest real ones (a proc.yaml with a big env and
   * settings, a balancers file with dozens of balancers) are tens of KB; a 50 MB proc.yaml ran the JVM out of
   * memory. Checked before the file is read.
   */
  public static final int MAX_FILE_BYTES = 4 << 20;

  private Yaml() {}

  /** Reads {@code file}, which must hold a mapping (an empty file is an empty mapping); see {@link #readText}. */
  public static YamlMap load(Path file) {
    String text = readText(file);
    return parse(text, file).withSource(text);
  }

  /**
   * The text of a configuration file, the one way the suite reads one: only a regular file (a symlink to one is
   * followed) of at most {@link #MAX_FILE_BYTES}, decoded as UTF-8. A FIFO hung the reader forever and
   * {@code /dev/zero} ran it out of memory; both are refused before they are opened.
   */
  public static String readText(Path file) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw InputException.at(file, 0, "no such file");
    } catch (IOException e) {
      throw InputException.at(file, 0, "cannot read: " + e.getMessage());
    }
    if (!a.isRegularFile()) {
      throw InputException.at(file, 0, (a.isDirectory() ? "is a directory" : "is a FIFO, socket or device")
          + "; only a regular file is read");
    }
    if (a.size() > MAX_FILE_BYTES) {
      throw tooLarge(file, a.size());
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1); // it may have grown since
    } catch (IOException e) {
      throw InputException.at(file, 0, "cannot read: " + e.getMessage());
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw tooLarge(file, bytes.length);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw InputException.at(file, 0, "is not UTF-8 text");
    }
  }

  private static InputException tooLarge(Path file, long size) {
    return InputException.at(file, 0, "is " + size + " bytes; a configuration file may have at most "
        + MAX_FILE_BYTES + " bytes (4 MiB)");
  }

  /** Parses {@code text}; errors name {@code file} (which may be a made-up name such as a URL). */
  public static YamlMap parse(String text, Path file) {
    return read(text, file, Loader::document);
  }

  /**
   * Parses {@code text} holding one value of any kind (a mapping, a list or a scalar), with the limits of
   * {@link #parse}; null for an empty text. For values kept as YAML text, such as a release's volumes list.
   */
  public static Object parseValue(String text, Path source) {
    return read(text, source, Loader::anyDocument);
  }

  private static <T> T read(String text, Path file, java.util.function.Function<Loader, T> how) {
    LoaderOptions opts = new LoaderOptions();
    opts.setCodePointLimit(MAX_FILE_BYTES);
    opts.setAllowDuplicateKeys(false);
    opts.setMaxAliasesForCollections(50);
    opts.setNestingDepthLimit(50);
    try (Reader r = new StringReader(text)) {
      // SnakeYAML's parser only: its composer's resolver compiles a dozen regular expressions and its
      // constructors start its logging and type machinery, together half of a proc start (see Loader).
      return how.apply(new Loader(new ParserImpl(new StreamReader(r), opts), file));
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
    return dumpValue(data);
  }

  /** {@link #dump} for a value of any kind: a list is written as a block sequence. */
  public static String dumpValue(Object data) {
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
