package vr.common.yaml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import vr.common.InputException;

/**
 * Builds the Java values of one YAML document straight from SnakeYAML's parser events: mappings as
 * {@link YamlMap} with the line of every key, sequences as lists, scalars as {@link Scalars} reads them with
 * the tags {@link Resolution} gives plain ones. This is SnakeYAML's Composer and SafeConstructor without
 * their cost (see Resolution); anchors and aliases work as there, with the same limits: at most
 * {@value #MAX_COLLECTION_ALIASES} aliases to collections (against "billion laughs"), nesting at most
 * {@value #MAX_DEPTH} deep, no alias to a collection from inside itself. And two of its own, since an alias
 * to a scalar was not limited at all (a 1 MB scalar repeated 2,000 times by alias kept {@code vrun setup}
 * busy for minutes writing it out): at most {@value #MAX_ALIASES} aliases in all, and what they stand for
 * at most {@value #MAX_ALIAS_EXPANSION} characters in all, counting an alias as the characters of the
 * scalars it repeats (with the aliases inside it expanded) plus one per node.
 */
final class Loader {
  static final int MAX_COLLECTION_ALIASES = 50;
  static final int MAX_DEPTH = 50;
  static final int MAX_ALIASES = 1000;
  static final int MAX_ALIAS_EXPANSION = 1 << 20;
  private static final Set<String> COLLECTION_TAGS = Set.of(Tag.PREFIX + "map", Tag.PREFIX + "seq",
      Tag.PREFIX + "omap", Tag.PREFIX + "pairs", Tag.PREFIX + "set");

  private final Parser parser;
  private final Path file;
  /** Anchored values; a scalar's raw text too, for aliases used as keys. */
  private final Map<String, Object> anchors = new HashMap<>();
  private final Map<String, String> scalarAnchors = new HashMap<>();
  private final Set<String> open = new HashSet<>();
  /** What each anchored node counts for when repeated: see {@link #expanded}. */
  private final Map<String, Long> anchorSizes = new HashMap<>();
  private int collectionAliases;
  private int aliases;
  private long aliasExpansion;
  /** Characters of the scalars read so far, aliases expanded, plus one per node. */
  private long expanded;
  private int depth;
  /** The text of the integer that {@link #value} last returned, else null: see {@link YamlMap#integer}. */
  private String integerText;

  Loader(Parser parser, Path file) {
    this.parser = parser;
    this.file = file;
  }

  /** The document's mapping; an empty mapping for an empty stream. */
  YamlMap document() {
    parser.getEvent(); // stream start
    if (parser.checkEvent(Event.ID.StreamEnd)) {
      return YamlMap.empty(file);
    }
    parser.getEvent(); // document start
    if (!parser.checkEvent(Event.ID.MappingStart)) {
      throw InputException.at(file, line(parser.peekEvent()), "must be a mapping of keys to values");
    }
    YamlMap map = mapping();
    parser.getEvent(); // document end
    if (!parser.checkEvent(Event.ID.StreamEnd)) {
      throw InputException.at(file, line(parser.peekEvent()), "expected a single document, but found another");
    }
    return map;
  }

  /**
   * The value of a document of any kind (a mapping, a list or a scalar), with the same limits; null for an
   * empty stream. A mapping comes back as a plain map with string keys.
   */
  Object anyDocument() {
    parser.getEvent(); // stream start
    if (parser.checkEvent(Event.ID.StreamEnd)) {
      return null;
    }
    parser.getEvent(); // document start
    Object v = value("value");
    parser.getEvent(); // document end
    if (!parser.checkEvent(Event.ID.StreamEnd)) {
      throw InputException.at(file, line(parser.peekEvent()), "expected a single document, but found another");
    }
    return v;
  }

  private YamlMap mapping() {
    CollectionStartEvent start = (CollectionStartEvent) parser.getEvent();
    enter(start);
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, Integer> lines = new LinkedHashMap<>();
    Map<String, String> integerTexts = null;
    while (!parser.checkEvent(Event.ID.MappingEnd)) {
      Event k = parser.peekEvent();
      String key = key();
      if (values.containsKey(key)) {
        throw InputException.at(file, line(k), key + " appears twice");
      }
      lines.put(key, line(k));
      values.put(key, value(key));
      if (integerText != null) {
        if (integerTexts == null) {
          integerTexts = new HashMap<>();
        }
        integerTexts.put(key, integerText);
      }
    }
    parser.getEvent();
    depth--;
    return new YamlMap(file, line(start), values, lines, integerTexts == null ? Map.of() : integerTexts);
  }

  private List<Object> sequence(String key) {
    CollectionStartEvent start = (CollectionStartEvent) parser.getEvent();
    List<Object> list = new ArrayList<>();
    enter(start);
    while (!parser.checkEvent(Event.ID.SequenceEnd)) {
      list.add(value(key));
    }
    parser.getEvent();
    depth--;
    return list;
  }

  /** A mapping key: a scalar's text, or an alias of one. */
  private String key() {
    Event e = parser.peekEvent();
    if (e instanceof ScalarEvent s) {
      parser.getEvent();
      expanded += s.getValue().length() + 1;
      if (s.getAnchor() != null) {
        anchors.put(s.getAnchor(), s.getValue());
        scalarAnchors.put(s.getAnchor(), s.getValue());
        anchorSizes.put(s.getAnchor(), s.getValue().length() + 1L);
      }
      return s.getValue();
    }
    if (e instanceof AliasEvent a && scalarAnchors.containsKey(a.getAnchor())) {
      parser.getEvent();
      countAlias(a);
      return scalarAnchors.get(a.getAnchor());
    }
    throw InputException.at(file, line(e), "keys must be plain strings");
  }

  private Object value(String key) {
    integerText = null;
    Event e = parser.peekEvent();
    if (e instanceof AliasEvent a) {
      parser.getEvent();
      Object v = alias(a);
      if (v instanceof Number && !(v instanceof Double)) {
        integerText = scalarAnchors.get(a.getAnchor());
      }
      return v;
    }
    long before = expanded;
    if (parser.checkEvent(Event.ID.MappingStart)) {
      String anchor = ((NodeEvent) e).getAnchor();
      if (anchor != null) {
        open.add(anchor);
      }
      expanded++;
      YamlMap.Nested nested = new YamlMap.Nested(mapping());
      if (anchor != null) {
        open.remove(anchor);
        anchors.put(anchor, nested);
        anchorSizes.put(anchor, expanded - before);
      }
      integerText = null; // the last value inside set it
      return nested;
    }
    if (parser.checkEvent(Event.ID.SequenceStart)) {
      String anchor = ((NodeEvent) e).getAnchor();
      if (anchor != null) {
        open.add(anchor);
      }
      expanded++;
      List<Object> list = sequence(key);
      if (anchor != null) {
        open.remove(anchor);
        anchors.put(anchor, list);
        anchorSizes.put(anchor, expanded - before);
      }
      integerText = null;
      return list;
    }
    ScalarEvent s = (ScalarEvent) parser.getEvent();
    Object v = scalar(s, key);
    if (v instanceof Number && !(v instanceof Double)) {
      integerText = s.getValue();
    }
    expanded += s.getValue().length() + 1;
    if (s.getAnchor() != null) {
      anchors.put(s.getAnchor(), v);
      scalarAnchors.put(s.getAnchor(), s.getValue());
      anchorSizes.put(s.getAnchor(), expanded - before);
    }
    return v;
  }

  private Object scalar(ScalarEvent s, String key) {
    String t = s.getTag();
    if (t == null || t.equals("!")) {
      t = s.getImplicit().canOmitTagInPlainScalar() ? Resolution.of(s.getValue()) : Scalars.STR;
    }
    try {
      return Scalars.value(t, s.getValue());
    } catch (IllegalArgumentException e) {
      throw InputException.at(file, line(s), key + ": " + e.getMessage());
    }
  }

  private Object alias(AliasEvent a) {
    String anchor = a.getAnchor();
    if (open.contains(anchor)) {
      throw InputException.at(file, line(a), "malformed YAML: alias *" + anchor + " refers to a collection that contains it");
    }
    if (!anchors.containsKey(anchor)) {
      throw InputException.at(file, line(a), "malformed YAML: found undefined alias " + anchor);
    }
    countAlias(a);
    Object v = anchors.get(anchor);
    if ((v instanceof YamlMap.Nested || v instanceof List) && ++collectionAliases > MAX_COLLECTION_ALIASES) {
      throw InputException.at(file, line(a), "malformed YAML: more than " + MAX_COLLECTION_ALIASES + " aliases to collections");
    }
    return v;
  }

  /** One more alias: counted, and what it repeats added to the expansion, each within its limit. */
  private void countAlias(AliasEvent a) {
    if (++aliases > MAX_ALIASES) {
      throw InputException.at(file, line(a), "malformed YAML: more than " + MAX_ALIASES + " aliases");
    }
    long size = anchorSizes.getOrDefault(a.getAnchor(), 1L);
    aliasExpansion += size;
    expanded += size;
    if (aliasExpansion > MAX_ALIAS_EXPANSION) {
      throw InputException.at(file, line(a), "malformed YAML: aliases repeat more than " + MAX_ALIAS_EXPANSION
          + " characters (1 MiB) in all");
    }
  }

  /** Into a collection: its depth and its tag checked (only YAML's own collection tags are read). */
  private void enter(CollectionStartEvent start) {
    if (++depth > MAX_DEPTH) {
      throw InputException.at(file, line(start), "malformed YAML: nested more than " + MAX_DEPTH + " levels deep");
    }
    String tag = start.getTag();
    if (tag != null && !tag.equals("!") && !COLLECTION_TAGS.contains(tag)) {
      throw InputException.at(file, line(start), "cannot read a collection tagged " + tag);
    }
  }

  private static int line(Event e) {
    Mark m = e.getStartMark();
    return m == null ? 0 : m.getLine() + 1;
  }
}
