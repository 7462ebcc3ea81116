package vr.server.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vr.common.InputException;
import vr.common.yaml.Yaml;
import vr.server.api.ApiException;
import vr.server.api.Json;

/**
 * YAML-valued fields (config_yaml, env_yaml, volumes): read from a JSON value or a YAML string, checked to be
 * the shape the field needs, stored as YAML text, and read back. Errors name the field.
 */
public final class YamlValues {
  private YamlValues() {}

  /** A mapping from JSON: an object, a YAML string, or null/"" (none). */
  public static Map<String, Object> map(String field, JsonNode v) {
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
      return null;
    }
    if (v.isObject()) {
      return Json.MAPPER.convertValue(v, Map.class);
    }
    if (v.isTextual()) {
      return parseMap(field, v.asText());
    }
    throw ApiException.badField(field, field + ": must be a mapping (a JSON object or a YAML string)");
  }

  /** A list from JSON: an array, a YAML string, or null/"" (none). */
  @SuppressWarnings("unchecked")
  public static List<Object> list(String field, JsonNode v) {
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
      return null;
    }
    if (v.isArray()) {
      return Json.MAPPER.convertValue(v, List.class);
    }
    if (v.isTextual()) {
      Map<String, Object> wrapped = parseMap(field, "v:\n" + v.asText().indent(2));
      Object l = wrapped.get("v");
      if (l instanceof List<?> list) {
        return (List<Object>) list;
      }
    }
    throw ApiException.badField(field, field + ": must be a list (a JSON array or a YAML string)");
  }

  private static Map<String, Object> parseMap(String field, String text) {
    try {
      return new LinkedHashMap<>(Yaml.parse(text, Path.of(field)).asMap());
    } catch (InputException e) {
      throw ApiException.badField(field, e.getMessage());
    } catch (RuntimeException e) {
      throw ApiException.badField(field, field + ": must be a YAML mapping");
    }
  }

  /** The stored text of a mapping; null for none. */
  public static String store(Map<String, ?> m) {
    return m == null || m.isEmpty() ? null : Yaml.dump(m);
  }

  public static String storeList(List<?> l) {
    return l == null || l.isEmpty() ? null : Yaml.dump(Map.of("v", l));
  }

  /** The mapping a stored text holds ({} for none). */
  public static Map<String, Object> loadMap(Object stored) {
    if (stored == null || stored.toString().isBlank()) {
      return new LinkedHashMap<>();
    }
    return new LinkedHashMap<>(Yaml.parse(stored.toString(), Path.of("stored")).asMap());
  }

  /** The list a stored text holds ([] for none). */
  public static List<Object> loadList(Object stored) {
    if (stored == null || stored.toString().isBlank()) {
      return new ArrayList<>();
    }
    Object l = Yaml.parse(stored.toString(), Path.of("stored")).asMap().get("v");
    return l instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>();
  }

  /** The YAML string the API shows for a stored mapping ("" for none, as the original). */
  public static String show(Object stored) {
    return stored == null ? "" : stored.toString();
  }
}
