package vr.common.balancer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import vr.common.InputException;
import vr.common.yaml.YamlMap;

/**
 * One balancer's settings from the {@code BALANCERS} mapping. Backends read their keys through it, with
 * defaults; {@link #checkNoOtherKeys()} then rejects keys no backend reads, so a typo such as
 * {@code incude_dir} is an error naming file, line and key instead of a silently used default.
 */
public final class BalancerConfig {
  private final String name;
  private final YamlMap yaml;
  private final Set<String> read = new LinkedHashSet<>();
  private final List<String> warnings;

  public BalancerConfig(String name, YamlMap yaml) {
    this(name, yaml, new ArrayList<>());
  }

  /** Settings whose {@link #warn warnings} go to {@code warnings} (shared by the members of a chain). */
  public BalancerConfig(String name, YamlMap yaml, List<String> warnings) {
    this.name = name;
    this.yaml = yaml;
    this.warnings = warnings;
    read.add("BACKEND");
  }

  /** The warnings so far, one line each, naming file, line and key. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Accepts a key the original documented that no longer applies, with a warning saying what is used instead:
   * the original's documented settings must still load (its Varnish example has {@code reload_cmd} and
   * {@code tmpdir}), but silently ignoring them would hide that they do nothing.
   */
  public void obsolete(String key, String insteadWhat) {
    read.add(key);
    if (yaml.get(key) != null) {
      ignored(key, insteadWhat);
    }
  }

  /** Warns that {@code key}, which is set, does nothing here, and says what is used instead. */
  public void ignored(String key, String insteadWhat) {
    read.add(key);
    warnings.add(yaml.error(key, "is not used by balancer " + name + ": " + insteadWhat).getMessage());
  }

  /** The balancer's name in {@code BALANCERS}. */
  public String name() {
    return name;
  }

  public YamlMap yaml() {
    return yaml;
  }

  public InputException error(String key, String what) {
    return yaml.error(key, what);
  }

  public String string(String key, String dflt) {
    read.add(key);
    String s = yaml.string(key);
    return s == null ? dflt : s;
  }

  public String requireString(String key) {
    read.add(key);
    String s = yaml.string(key);
    if (s == null || s.isBlank()) {
      throw InputException.at(yaml.file(), yaml.lineOf(key), "balancer " + name + ": missing required key " + key);
    }
    return s;
  }

  /** A list of strings; a single string is taken as a list of one (the seed wrote {@code hosts: [a, b]}). */
  public List<String> stringList(String key, List<String> dflt) {
    read.add(key);
    Object v = yaml.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (!(v instanceof List<?> l)) {
      throw yaml.error(key, "must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object o : l) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw yaml.error(key, "must be a list of non-empty strings, but has " + o);
      }
      out.add(s);
    }
    if (out.isEmpty()) {
      throw yaml.error(key, "must not be empty");
    }
    return out;
  }

  /** A list of mappings, each with the lines of its keys; null when absent. */
  public List<YamlMap> children(String key) {
    read.add(key);
    return yaml.children(key);
  }

  public boolean bool(String key, boolean dflt) {
    read.add(key);
    Object v = yaml.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw yaml.error(key, "must be true or false");
  }

  public int integer(String key, int dflt, int min, int max) {
    read.add(key);
    Integer i = yaml.integer(key);
    if (i == null) {
      return dflt;
    }
    if (i < min || i > max) {
      throw yaml.error(key, "must be between " + min + " and " + max);
    }
    return i;
  }

  /** A number of seconds (fractions allowed), e.g. the seed's {@code GRACE_PERIOD: 2}. */
  public Duration seconds(String key, Duration dflt) {
    read.add(key);
    Object v = yaml.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 86400) {
      return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
    }
    throw yaml.error(key, "must be a number of seconds between 0 and 86400");
  }

  /** A path; {@code ~/} is the home directory of the user running the suite. */
  public Path path(String key, Path dflt) {
    String s = string(key, null);
    if (s == null) {
      return dflt;
    }
    if (s.startsWith("~/")) {
      return Path.of(System.getProperty("user.home")).resolve(s.substring(2));
    }
    return Path.of(s);
  }

  /** Fails on any key that no {@code string/bool/...} call asked for. */
  public void checkNoOtherKeys() {
    for (String k : yaml.keys()) {
      if (!read.contains(k)) {
        throw yaml.error(k, "is not a setting of balancer " + name + " (" + yaml.get("BACKEND") + "); known: "
            + String.join(", ", new TreeSet<>(read)));
      }
    }
  }
}
