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

  YamlMap(Path file, int line, Map<String, Object> values, Map<String, Integer> lines) {
    this.file = file;
    this.line = line;
    this.values = Collections.unmodifiableMap(values);
    this.lines = lines;
  }

  /** An empty mapping attributed to {@code file}. */
  public static YamlMap empty(Path file) {
    return new YamlMap(file, 1, new LinkedHashMap<>(), new LinkedHashMap<>());
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
    return InputException.at(file, lineOf(key), key + " " + what);
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
      throw InputException.at(file, line, "missing required key " + key);
    }
    return s;
  }

  /** An integer value, or null when absent; a string of digits is accepted. */
  public Integer integer(String key) {
    Object v = values.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      return l.intValue();
    }
    if (v instanceof String s && s.strip().matches("-?[0-9]{1,9}")) {
      return Integer.parseInt(s.strip());
    }
    if (v instanceof BigInteger || v instanceof Long) {
      throw error(key, "is out of range");
    }
    throw error(key, "must be an integer");
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

  static String typeName(Object v) {
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
