package vr.common.yaml;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vr.common.InputException;

/**
 * A YAML mapping read by {@link Yaml}, with the line of every key kept so that a wrong value is reported
 * as {@code <file> line <n>: <key> ...}. Values are plain Java: String, Long, Double, Boolean, List,
 * Map (string keys), or null.
 */
public final class YamlMap {
  private final Path file;
  private final int line;
  private final Map<String, Object> values;
  private final Map<String, Integer> lines;
  /** How each integer value was written ({@code 80}, {@code 0x50}, ...), when read from YAML. */
  private final Map<String, String> integerTexts;
  /** Prepended to a key in errors: the path to this mapping ({@code BALANCERS.web.}) when it has no lines. */
  private final String keyPrefix;
  private String source;

  YamlMap(Path file, int line, Map<String, Object> values, Map<String, Integer> lines, Map<String, String> integerTexts) {
    this(file, line, values, lines, integerTexts, "");
  }

  private YamlMap(Path file, int line, Map<String, Object> values, Map<String, Integer> lines, Map<String, String> integerTexts,
      String keyPrefix) {
    this.file = file;
    this.line = line;
    this.values = Collections.unmodifiableMap(values);
    this.lines = lines;
    this.integerTexts = integerTexts;
    this.keyPrefix = keyPrefix;
  }

  /**
   * A mapping built in memory (a server's settings, a database row) rather than read from a file, read with
   * the same checks. Having no lines, its errors name {@code source} and the key's path from the top, e.g.
   * {@code settings: BALANCERS.web.hosts must be a list of strings}. Values are taken as YAML would give them:
   * any integer as a Long, any other number as a Double, nested maps (string keys) and lists likewise; a key
   * that is not a string or a value of another type is an error naming it.
   */
  public static YamlMap of(Map<String, ?> values, Path source) {
    return new YamlMap(source, 0, plainMap(values, source, ""), new LinkedHashMap<>(), Map.of(), "");
  }

  private static Map<String, Object> plainMap(Map<?, ?> m, Path source, String path) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String k)) {
        throw InputException.at(source, 0, (path.isEmpty() ? "a key" : path.substring(0, path.length() - 1) + " has a key") + " that is not a string: "
            + InputException.quote(String.valueOf(e.getKey())));
      }
      out.put(k, plainValue(e.getValue(), source, path + k));
    }
    return out;
  }

  private static Object plainValue(Object v, Path source, String path) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double || v instanceof BigInteger) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float || v instanceof java.math.BigDecimal) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof Map<?, ?> m) {
      return plainMap(m, source, path + ".");
    }
    if (v instanceof List<?> l) {
      List<Object> out = new java.util.ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        out.add(plainValue(l.get(i), source, path + "[" + (i + 1) + "]"));
      }
      return out;
    }
    throw InputException.at(source, 0, path + " must be a string, number, boolean, list or mapping, not a " + v.getClass().getSimpleName());
  }

  /** An empty mapping attributed to {@code file}. */
  public static YamlMap empty(Path file) {
    return new YamlMap(file, 1, new LinkedHashMap<>(), new LinkedHashMap<>(), Map.of());
  }

  /** The text this mapping was read from, when {@link Yaml#load} read it from a file; else null. */
  public String source() {
    return source;
  }

  YamlMap withSource(String text) {
    this.source = text;
    return this;
  }

  public Path file() {
    return file;
  }

  public Set<String> keys() {
    return values.keySet();
  }

  public boolean has(String key) {
    return values.containsKey(key) && values.get(key) != null;
  }

  /** The raw value, or null when absent. */
  public Object get(String key) {
    return values.get(key);
  }

  /** All values, in file order. */
  public Map<String, Object> asMap() {
    return values;
  }

  /** The line of {@code key}, or of the mapping itself when the key is absent. */
  public int lineOf(String key) {
    return lines.getOrDefault(key, line);
  }

  /** An input error about {@code key}, at its line. */
  public InputException error(String key, String what) {
    return InputException.at(file, lineOf(key), keyPrefix + key + " " + what);
  }

  /**
   * A string value, or null when absent. A number or boolean where a string is wanted is an error that
   * tells the user to quote it (YAML reads {@code 9.0} as a float and would lose the {@code .0}).
   */
  public String string(String key) {
    Object v = values.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    if (v instanceof Number || v instanceof Boolean) {
      throw error(key, "must be a string; quote it, e.g. " + key + ": '" + v + "'");
    }
    throw error(key, "must be a string, not a " + typeName(v));
  }

  public String requireString(String key) {
    String s = string(key);
    if (s == null) {
      throw InputException.at(file, line, "missing required key " + keyPrefix + key);
    }
    return s;
  }

  /**
   * An integer value, or null when absent. It must be written as a plain decimal number ({@code port: 80}):
   * a quoted {@code '80'} is a string, and the other integer forms of YAML 1.1 ({@code 0x50}, octal
   * {@code 0120}, {@code 8_0}, base 60 {@code 1:20}) are refused, since in a port or a count they are a
   * mistake rather than a choice (docs/file-formats.md, "YAML typing").
   */
  public Integer integer(String key) {
    Object v = values.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof String s && isDecimal(s.strip())) {
      throw error(key, "must be an integer, not a string; write it without quotes: " + key + ": " + s.strip());
    }
    if (!(v instanceof Long || v instanceof BigInteger)) {
      throw error(key, "must be an integer");
    }
    String text = integerTexts.get(key);
    if (text != null && !isDecimal(text)) {
      throw error(key, "must be a plain decimal integer, not " + InputException.quote(text));
    }
    if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      return l.intValue();
    }
    throw error(key, "is out of range");
  }

  /** {@code 0} or an optional {@code -} and digits not starting with 0. */
  private static boolean isDecimal(String t) {
    int i = t.startsWith("-") ? 1 : 0;
    if (i >= t.length() || (t.charAt(i) == '0' && t.length() > i + 1)) {
      return false;
    }
    for (; i < t.length(); i++) {
      if (t.charAt(i) < '0' || t.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** A mapping with string keys, or null when absent. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> map(String key) {
    Object v = values.get(key);
    if (v == null || v instanceof Map) {
      return (Map<String, Object>) v;
    }
    throw error(key, "must be a mapping (key: value lines), not a " + typeName(v));
  }

  /** A list, or null when absent. */
  @SuppressWarnings("unchecked")
  public List<Object> list(String key) {
    Object v = values.get(key);
    if (v == null || v instanceof List) {
      return (List<Object>) v;
    }
    throw error(key, "must be a list, not a " + typeName(v));
  }

  /**
   * A nested mapping as a {@link YamlMap} that still knows the lines of its keys, or null when absent; for
   * configuration whose errors must name the line of a nested key (e.g. {@code BALANCERS: {lb: {hosts: 5}}}).
   */
  public YamlMap child(String key) {
    Map<String, Object> m = map(key);
    return m == null ? null : of(m, lineOf(key), keyPrefix + key + ".");
  }

  /** A list of mappings as {@link YamlMap}s, or null when absent; an element that is not a mapping is an error. */
  public List<YamlMap> children(String key) {
    List<Object> l = list(key);
    if (l == null) {
      return null;
    }
    List<YamlMap> out = new java.util.ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      if (!(l.get(i) instanceof Map<?, ?> m)) {
        throw error(key, "item " + (i + 1) + " must be a mapping, not a " + typeName(l.get(i)));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> sm = (Map<String, Object>) m;
      out.add(of(sm, lineOf(key), keyPrefix + key + "[" + (i + 1) + "]."));
    }
    return out;
  }

  /**
   * The YamlMap behind a nested value, or one without key lines (attributed to {@code line}) for a plain map,
   * whose errors name the key by its {@code path}.
   */
  private YamlMap of(Map<String, Object> m, int fallbackLine, String path) {
    if (m instanceof Nested n) {
      return n.yaml;
    }
    return new YamlMap(file, fallbackLine, new LinkedHashMap<>(m), new LinkedHashMap<>(), Map.of(), path);
  }

  /** A nested mapping's plain-map view that remembers its {@link YamlMap} (and so its key lines). */
  static final class Nested extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;
    private final transient YamlMap yaml;

    Nested(YamlMap yaml) {
      super(yaml.asMap());
      this.yaml = yaml;
    }

    @Override
    public boolean equals(Object o) {
      return super.equals(o);
    }

    @Override
    public int hashCode() {
      return super.hashCode();
    }
  }

  /** What a YAML value is, in the words error messages use: mapping, list, number, boolean or string. */
  public static String typeName(Object v) {
    if (v instanceof Map) {
      return "mapping";
    }
    if (v instanceof List) {
      return "list";
    }
    if (v instanceof Number) {
      return "number";
    }
    if (v instanceof Boolean) {
      return "boolean";
    }
    return "string";
  }
}
