package vr.server.domain;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import vr.common.InputException;
import vr.common.balancer.Pools;
import vr.common.container.MemorySize;
import vr.server.api.ApiException;

/**
 * The rules for every field of the server's records (apps, swarms, hosts, squads, stacks, ingredients,
 * buildpacks, releases). Each method takes the field's name as the request spells it, returns the value as it
 * is to be stored (a default filled in, an empty optional value as null) and refuses a bad one with
 * {@link ApiException#badField} whose message starts with the field and says the rule, e.g.
 * {@code config_name: use only letters, digits and '_' (at most 50): 'my-conf'}.
 *
 * <p>Names that become part of a proc name ({@code <app>-<tag>-<config>-<hash>-<proc>-<port>}, see
 * {@link vr.common.model.ProcName}) may not contain {@code -}: the original allowed it in tags, and such a
 * proc was then misparsed (or, here, not recognised as a VR proc at all) once deployed.
 */
public final class Rules {
  /** The longest name of an app, a swarm's config or proc, a squad, an ingredient, a pool or a tag. */
  public static final int NAME_MAX = 50;
  /** The longest host, stack or image name, and repository URL. */
  public static final int LONG_NAME_MAX = 200;
  public static final int SIZE_MAX = 1000;
  public static final String DEFAULT_RUN_AS = "nobody";
  public static final String DEFAULT_REPO_TYPE = "git";
  public static final Set<String> REPO_TYPES = Set.of("git", "hg");
  /** The original's message for a second swarm with the same app, proc, config and squad. */
  public static final String SWARM_EXISTS = "Swarm already exists for this app, proc, config and squad!";
  /** The original's message for a pool without a balancer. */
  public static final String POOL_NEEDS_BALANCER = "Swarms that specify a pool must specify a balancer";

  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_]+");
  private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9_.-]*");
  /** POSIX's portable user names, not starting with '-' (useradd's own rule is stricter still). */
  private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
  /** The original SwarmForm's three invalid-tag patterns, in its order. */
  private static final Pattern[] BAD_TAG = {
      Pattern.compile("[/\\x00]"), Pattern.compile("[:\\r\\n]"), Pattern.compile("[ ~^:?*\\[\\\\]")};

  private Rules() {}

  /** An app's name: it starts every proc name and names build files, so no '-', whitespace or '/'. */
  public static String appName(String field, String v) {
    String s = required(field, v);
    max(field, s, NAME_MAX);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '-' || c == '/' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw bad(field, "app names may not contain '-', spaces, '/' or control characters (the name is the first part"
            + " of every proc name): " + q(s));
      }
    }
    if (s.chars().allMatch(c -> c == '.')) {
      throw bad(field, "an app name may not be only dots: " + q(s));
    }
    return s;
  }

  /** A swarm's config_name: letters, digits and '_' (the original's form rule {@code ^[a-zA-Z0-9_]{1,}$}). */
  public static String configName(String field, String v) {
    return word(field, v);
  }

  /** A swarm's proc_name, as in the app's Procfile: letters, digits and '_'. */
  public static String procName(String field, String v) {
    return word(field, v);
  }

  /**
   * A version tag (a git or hg revision name). The original's three patterns ({@code [/\x00]},
   * {@code [:\r\n]}, {@code [ ~^:?*\[\\]}) and its message {@code Invalid tag name <tag>}; and further, any
   * control character (git refuses them too) and {@code -}, which would split the proc name's version part
   * in two. A git tag such as {@code v1.2-rc1} needs a name without '-' to be deployed.
   */
  public static String tag(String field, String v) {
    String s = required(field, v);
    for (Pattern p : BAD_TAG) {
      if (p.matcher(s).find()) {
        throw bad(field, "Invalid tag name " + q(s));
      }
    }
    if (s.chars().anyMatch(Character::isISOControl)) {
      throw bad(field, "Invalid tag name " + q(s) + ": control characters are not allowed");
    }
    if (s.indexOf('-') >= 0) {
      throw bad(field, "Invalid tag name " + q(s) + ": '-' is not allowed, since the tag is the second part of the proc name"
          + " <app>-<tag>-<config>-<hash>-<proc>-<port>");
    }
    max(field, s, NAME_MAX);
    return s;
  }

  /** A host's name as SSH and supervisor reach it: letters, digits, '_', '.', '-', not starting with '.' or '-'. */
  public static String hostName(String field, String v) {
    String s = required(field, v);
    if (!HOST.matcher(s).matches()) {
      throw bad(field, "a host name has only letters, digits, '_', '.' and '-', and does not start with '.' or '-': " + q(s));
    }
    max(field, s, LONG_NAME_MAX);
    return s;
  }

  public static String squadName(String field, String v) {
    return label(field, v, NAME_MAX);
  }

  public static String ingredientName(String field, String v) {
    return label(field, v, NAME_MAX);
  }

  public static String stackName(String field, String v) {
    return label(field, v, LONG_NAME_MAX);
  }

  /** {@code git} or {@code hg}; null or empty is {@value #DEFAULT_REPO_TYPE}. */
  public static String repoType(String field, String v) {
    if (v == null || v.isEmpty()) {
      return DEFAULT_REPO_TYPE;
    }
    if (!REPO_TYPES.contains(v)) {
      throw bad(field, "must be git or hg, not " + q(v));
    }
    return v;
  }

  /**
   * A repository URL (an app's or a buildpack's). Not starting with '-', which git and hg would read as an
   * option, and no whitespace or control characters.
   */
  public static String repoUrl(String field, String v) {
    String s = required(field, v);
    max(field, s, LONG_NAME_MAX);
    if (s.startsWith("-") || s.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw bad(field, "a repository URL may not start with '-' or contain spaces or control characters: " + q(s));
    }
    return s;
  }

  /** The unix user a proc runs as; null or empty is {@value #DEFAULT_RUN_AS}. */
  public static String runAs(String field, String v) {
    if (v == null || v.isEmpty()) {
      return DEFAULT_RUN_AS;
    }
    if (!USER.matcher(v).matches() || v.length() > 32) {
      throw bad(field, "must be a unix user name (letters, digits, '_', '.', '-', not starting with a digit, '.' or '-';"
          + " at most 32): " + q(v));
    }
    return v;
  }

  /**
   * A memory limit such as {@code 256M}, {@code 1G} or a number of bytes (suffixes k, m, g, t in powers of 1024,
   * as proc.yaml reads them); null or empty is no limit (null).
   */
  public static String memoryLimit(String field, String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    String s = v.strip();
    if (!s.matches("[0-9]{1,18}[kKmMgGtT]?") || s.length() > 32) {
      throw bad(field, "must be a size such as 256M, 1G or a number of bytes: " + q(v));
    }
    try {
      MemorySize.parse(s);
    } catch (IllegalArgumentException e) {
      throw bad(field, "is too large: " + q(v));
    }
    return s;
  }

  /** memsw_limit (memory and swap) may not be below mem_limit: the kernel refuses it, and so does the runner. */
  public static void memoryLimits(String memLimit, String memswLimit) {
    String mem = memoryLimit("mem_limit", memLimit);
    String memsw = memoryLimit("memsw_limit", memswLimit);
    if (mem != null && memsw != null && MemorySize.parse(memsw) < MemorySize.parse(mem)) {
      throw bad("memsw_limit", "must not be smaller than mem_limit (" + memsw + " < " + mem + ")");
    }
  }

  /** A swarm's size, the number of procs it wants: 0 to {@value #SIZE_MAX}. */
  public static int size(String field, Integer v) {
    if (v == null) {
      throw bad(field, "is required");
    }
    if (v < 0 || v > SIZE_MAX) {
      throw bad(field, "must be between 0 and " + SIZE_MAX + ", not " + v);
    }
    return v;
  }

  /** A proc's port: 0 to 65535. 0 is allowed for a worker deployed by hand, which listens on nothing. */
  public static int port(String field, Integer v) {
    if (v == null) {
      throw bad(field, "is required");
    }
    if (v < 0 || v > 65535) {
      throw bad(field, "must be between 0 and 65535, not " + v);
    }
    return v;
  }

  /** A pool's name in its balancer (without prefix); null or empty is no pool (null). */
  public static String pool(String field, String v) {
    if (v == null || v.isEmpty()) {
      return null;
    }
    max(field, v, NAME_MAX);
    try {
      return Pools.checkName(v);
    } catch (InputException e) {
      throw bad(field, e.getMessage());
    }
  }

  /** One of the configured balancers' names; null or empty is no balancer (null). */
  public static String balancer(String field, String v, Set<String> configured) {
    if (v == null || v.isEmpty()) {
      return null;
    }
    if (!configured.contains(v)) {
      throw bad(field, q(v) + " is not a configured balancer; the balancers are " + new TreeSet<>(configured));
    }
    return v;
  }

  /**
   * A swarm's pool and balancer together: each checked, and a pool only with a balancer (the original's
   * {@value #POOL_NEEDS_BALANCER}, reported on {@code pool}).
   */
  public static void poolAndBalancer(String pool, String balancer, Set<String> configured) {
    String p = pool("pool", pool);
    String b = balancer("balancer", balancer, configured);
    if (p != null && b == null) {
      throw bad("pool", POOL_NEEDS_BALANCER);
    }
  }

  private static String word(String field, String v) {
    String s = required(field, v);
    if (!WORD.matcher(s).matches() || s.length() > NAME_MAX) {
      throw bad(field, "use only letters, digits and '_' (at most " + NAME_MAX + "): " + q(s));
    }
    return s;
  }

  /** A display name (squad, ingredient, stack): not blank, no surrounding spaces, no '/' or control characters. */
  private static String label(String field, String v, int max) {
    String s = required(field, v);
    if (!s.strip().equals(s)) {
      throw bad(field, "may not start or end with spaces: " + q(s));
    }
    if (s.chars().anyMatch(c -> c == '/' || Character.isISOControl(c))) {
      throw bad(field, "may not contain '/' or control characters: " + q(s));
    }
    max(field, s, max);
    return s;
  }

  private static String required(String field, String v) {
    if (v == null || v.isBlank()) {
      throw bad(field, "is required and may not be empty");
    }
    return v;
  }

  private static void max(String field, String s, int max) {
    if (s.length() > max) {
      throw bad(field, "may have at most " + max + " characters, not " + s.length());
    }
  }

  static ApiException bad(String field, String rule) {
    return ApiException.badField(field, field + ": " + rule);
  }

  private static String q(String s) {
    return InputException.quote(s);
  }
}
