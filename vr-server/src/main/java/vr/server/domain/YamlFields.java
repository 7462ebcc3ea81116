package vr.server.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vr.common.InputException;
import vr.common.exec.Shell;
import vr.common.yaml.Yaml;
import vr.server.api.Json;

/**
 * The YAML fields of ingredients, swarms, releases and builds: {@code config_yaml} and {@code env_yaml} (a
 * mapping) and {@code volumes} (a list of {@code [host_dir, mountpoint]} pairs). A client may send each as
 * JSON (an object or a list) or as YAML text; both come out as plain Java values (String, Long, Double,
 * Boolean, null, Map with string keys, List), never null ({@code {}} and {@code []} when absent), so that a
 * release's hash is the same before and after a database round trip (the original hashed {@code {}} in memory
 * and {@code None} after a reload). Stored as block-style YAML with sorted keys, {@code ""} when empty, like
 * the original's {@code YAMLDictField}.
 *
 * <p>Every value is checked as the original's {@code validate_xmlrpc} did (it reaches supervisor's XML-RPC
 * interface in a proc's settings), and beyond it: integers within 32 bits, no NaN or infinity, no character
 * XML cannot carry, nesting at most {@value #MAX_DEPTH} deep (the runner's YAML limit), and text at most
 * {@value #MAX_TEXT_CHARS} characters per field (a proc.yaml, which holds a release's config, env and volumes,
 * may have 4 MiB).
 */
public final class YamlFields {
  public static final int MAX_TEXT_CHARS = 1 << 20;
  public static final int MAX_DEPTH = 50;
  public static final int MAX_VOLUMES = 100;
  static final String XMLRPC = "Cannot be marshalled to XMLRPC: ";

  private YamlFields() {}

  /** A config_yaml: a mapping of any values, from JSON (object, YAML text, or null). */
  public static Map<String, Object> config(String field, Object value) {
    return mapping(field, value);
  }

  /**
   * An env_yaml: a mapping whose keys are environment variable names and whose values are strings, numbers,
   * booleans or null (an empty variable), as the runner writes them into env.sh. A list or mapping as a value
   * is refused: it has no form as one variable. (A NUL, which no variable can hold, is refused by the XML-RPC
   * check.)
   */
  public static Map<String, Object> env(String field, Object value) {
    Map<String, Object> m = mapping(field, value);
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (!Shell.isName(e.getKey())) {
        throw Rules.bad(field, q(e.getKey()) + " is not an environment variable name (letters, digits and '_', not"
            + " starting with a digit)");
      }
      if (e.getValue() instanceof Map || e.getValue() instanceof List) {
        throw Rules.bad(field, e.getKey() + " must be a string, number or boolean, not a "
            + (e.getValue() instanceof Map ? "mapping" : "list") + ": it becomes one environment variable");
      }
    }
    return m;
  }

  /** A mapping from JSON (an object, YAML text holding a mapping, or null), checked for XML-RPC. */
  public static Map<String, Object> mapping(String field, Object value) {
    value = text(value);
    Object v = value instanceof String text ? parse(field, text) : plain(field, value);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map)) {
      throw Rules.bad(field, "must be a mapping (key: value), not a " + typeName(v));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    xmlRpc(field, m);
    if (!(value instanceof String)) {
      bounded(field, dump(m));
    }
    return m;
  }

  /**
   * A volumes list from JSON (a list, YAML text holding one, or null): pairs of absolute paths, a host
   * directory and where it appears in the container, with no {@code .} or {@code ..} component and no
   * whitespace or control characters (the runner refuses those too).
   */
  public static List<List<String>> volumes(String field, Object value) {
    value = text(value);
    Object v = value instanceof String text ? parse(field, text) : plain(field, value);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw Rules.bad(field, "must be a list of [host_dir, mountpoint] pairs, not a " + typeName(v));
    }
    if (list.size() > MAX_VOLUMES) {
      throw Rules.bad(field, "may have at most " + MAX_VOLUMES + " volumes, not " + list.size());
    }
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof String dir)
          || !(pair.get(1) instanceof String mount)) {
        throw Rules.bad(field, "item " + (i + 1) + " must be a [host_dir, mountpoint] pair of paths");
      }
      path(field, i, dir);
      path(field, i, mount);
      out.add(List.of(dir, mount));
    }
    return List.copyOf(out);
  }

  /** A JSON string node as its text, which is YAML to parse; any other value as it is. */
  private static Object text(Object value) {
    return value instanceof JsonNode n && n.isTextual() ? n.textValue() : value;
  }

  private static void path(String field, int i, String p) {
    if (!p.startsWith("/")) {
      throw Rules.bad(field, "item " + (i + 1) + ": paths must be absolute: " + q(p));
    }
    for (String part : p.split("/")) {
      if (part.equals("..") || part.equals(".")) {
        throw Rules.bad(field, "item " + (i + 1) + ": paths must not contain '.' or '..' parts: " + q(p));
      }
    }
    if (p.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw Rules.bad(field, "item " + (i + 1) + ": paths may not contain spaces or control characters: " + q(p));
    }
  }

  /** A stored config_yaml or env_yaml read back ({@code ""} or null is {@code {}}). */
  public static Map<String, Object> parseMapping(String field, String yaml) {
    return mapping(field, yaml == null ? "" : yaml);
  }

  /** A stored volumes field read back ({@code ""} or null is {@code []}). */
  public static List<List<String>> parseVolumes(String field, String yaml) {
    return volumes(field, yaml == null ? "" : yaml);
  }

  /** A mapping as stored: block style, keys sorted; {@code ""} for null or empty. */
  public static String dump(Map<String, ?> value) {
    return value == null || value.isEmpty() ? "" : Yaml.dump(value);
  }

  /** A list as stored (volumes): block style; {@code ""} for null or empty. */
  public static String dump(List<?> value) {
    return value == null || value.isEmpty() ? "" : Yaml.dumpValue(value);
  }

  /**
   * The original's {@code validate_xmlrpc}: refuses what supervisor's XML-RPC cannot carry, with the
   * original's message {@code Cannot be marshalled to XMLRPC: <why>} and the path to the value.
   */
  public static void xmlRpc(String field, Object value) {
    xmlRpc(field, value, "", 0);
  }

  private static void xmlRpc(String field, Object v, String at, int depth) {
    if (depth > MAX_DEPTH) {
      throw Rules.bad(field, "nested more than " + MAX_DEPTH + " levels deep");
    }
    if (v instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw Rules.bad(field, XMLRPC + "dictionary key must be string" + where(at) + ": " + q(String.valueOf(e.getKey())));
        }
        xmlText(field, k, at);
        xmlRpc(field, e.getValue(), at.isEmpty() ? k : at + "." + k, depth + 1);
      }
    } else if (v instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        xmlRpc(field, l.get(i), at + "[" + (i + 1) + "]", depth + 1);
      }
    } else if (v instanceof Long || v instanceof Integer || v instanceof BigInteger || v instanceof Short) {
      BigInteger n = v instanceof BigInteger b ? b : BigInteger.valueOf(((Number) v).longValue());
      if (n.bitLength() > 31) {
        throw Rules.bad(field, XMLRPC + "int exceeds XML-RPC limits" + where(at) + ": " + v);
      }
    } else if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw Rules.bad(field, XMLRPC + "a float must be finite" + where(at) + ": " + d);
      }
    } else if (v instanceof String s) {
      xmlText(field, s, at);
    } else if (v != null && !(v instanceof Boolean)) {
      throw Rules.bad(field, XMLRPC + "cannot marshal a " + v.getClass().getSimpleName() + where(at));
    }
  }

  /** XML 1.0 carries no control character other than tab, newline and carriage return, and no lone surrogate. */
  private static void xmlText(String field, String s, String at) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = c >= 0x20 && c != 0xFFFE && c != 0xFFFF || c == '\t' || c == '\n' || c == '\r';
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        ok = false;
      }
      if (!ok) {
        throw Rules.bad(field, XMLRPC + String.format("a string holds U+%04X, which XML cannot carry", (int) c) + where(at));
      }
    }
  }

  private static String where(String at) {
    return at.isEmpty() ? "" : " (at " + at + ")";
  }

  private static Object parse(String field, String text) {
    bounded(field, text);
    try {
      return plain(field, Yaml.parseValue(text, Path.of(field)));
    } catch (InputException e) {
      // Its message starts with the field, as the source's name: "config_yaml line 2: malformed YAML: ...".
      throw vr.server.api.ApiException.badField(field, e.getMessage());
    }
  }

  private static void bounded(String field, String text) {
    if (text.length() > MAX_TEXT_CHARS) {
      throw Rules.bad(field, "is " + text.length() + " characters long as YAML; at most " + MAX_TEXT_CHARS + " (1 MiB)");
    }
  }

  /**
   * A JSON or YAML value as plain Java: Jackson's trees and numbers (Integer, BigDecimal) made the types YAML
   * gives (Long, Double), so that equal values compare equal. Keys that are not strings are left for the XML-RPC
   * check to name.
   */
  private static Object plain(String field, Object v) {
    return plain(field, v, 0);
  }

  private static Object plain(String field, Object v, int depth) {
    if (depth > MAX_DEPTH) {
      throw Rules.bad(field, "nested more than " + MAX_DEPTH + " levels deep");
    }
    if (v instanceof JsonNode node) {
      return node.isNull() || node.isMissingNode() ? null : plain(field, Json.MAPPER.convertValue(node, Object.class), depth);
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger b) {
      return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }
    if (v instanceof Float || v instanceof BigDecimal) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, plain(field, x, depth + 1)));
      return Collections.unmodifiableMap(out);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(plain(field, x, depth + 1)));
      return Collections.unmodifiableList(out);
    }
    return v;
  }

  private static String typeName(Object v) {
    return vr.common.yaml.YamlMap.typeName(v);
  }

  private static String q(String s) {
    return InputException.quote(s);
  }
}
