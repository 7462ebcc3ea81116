package vr.server.api.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vr.server.domain.YamlFields;

/**
 * YAML-valued fields (config_yaml, env_yaml, volumes) between JSON, storage and the API, on
 * {@link YamlFields}' rules: stored as YAML text (null when empty), shown as the original did.
 */
public final class YamlValues {
  private YamlValues() {}

  /** The stored text of a field's value from JSON (an object/array or YAML text); null when empty. */
  public static String fromJson(String field, Object jsonValue, boolean list) {
    String text;
    if (list) {
      text = YamlFields.dump(YamlFields.volumes(field, jsonValue));
    } else if (field.equals("env_yaml")) {
      text = YamlFields.dump(YamlFields.env(field, jsonValue));
    } else {
      text = YamlFields.dump(YamlFields.config(field, jsonValue));
    }
    return text.isEmpty() ? null : text;
  }

  public static String store(Map<String, ?> m) {
    String s = YamlFields.dump(m);
    return s.isEmpty() ? null : s;
  }

  public static String storeList(List<?> l) {
    String s = YamlFields.dump(l);
    return s.isEmpty() ? null : s;
  }

  /** Parsed stored texts: a list of swarms parses the same few ingredients' YAML once, not once per swarm. */
  private static final int CACHE_ENTRIES = 4096;
  private static final int CACHE_MAX_TEXT = 64 * 1024;
  private static final Map<String, Map<String, Object>> PARSED = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
          return size() > CACHE_ENTRIES;
        }
      });

  /**
   * The mapping a stored text holds ({} for none), as a fresh top-level map (callers merge into it). Parsing
   * is pure, so results are cached by text; the nested values are YamlFields' unmodifiable ones.
   */
  public static Map<String, Object> loadMap(Object stored) {
    if (stored == null || stored.toString().isEmpty()) {
      return new LinkedHashMap<>();
    }
    String text = stored.toString();
    if (text.length() > CACHE_MAX_TEXT) {
      return new LinkedHashMap<>(YamlFields.parseMapping("stored", text));
    }
    Map<String, Object> parsed = PARSED.get(text);
    if (parsed == null) {
      parsed = YamlFields.parseMapping("stored", text);
      PARSED.put(text, parsed);
    }
    return new LinkedHashMap<>(parsed);
  }

  private static final Map<String, List<List<String>>> PARSED_LISTS = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<List<String>>> eldest) {
          return size() > CACHE_ENTRIES;
        }
      });

  /** The list a stored text holds ([] for none), cached by text as {@link #loadMap} is. */
  public static List<Object> loadList(Object stored) {
    if (stored == null || stored.toString().isEmpty()) {
      return new ArrayList<>();
    }
    String text = stored.toString();
    if (text.length() > CACHE_MAX_TEXT) {
      return new ArrayList<>(YamlFields.parseVolumes("stored", text));
    }
    List<List<String>> parsed = PARSED_LISTS.get(text);
    if (parsed == null) {
      parsed = YamlFields.parseVolumes("stored", text);
      PARSED_LISTS.put(text, parsed);
    }
    return new ArrayList<>(parsed);
  }

  /** The YAML string the API shows for a stored mapping ("" for none, as the original). */
  public static String show(Object stored) {
    return stored == null ? "" : stored.toString();
  }
}
