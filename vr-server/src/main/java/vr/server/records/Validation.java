package vr.server.records;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import vr.server.api.ApiException;
import vr.server.api.rest.YamlValues;

/**
 * The records' field rules (reference 7.2, SwarmForm): each failure a 400 naming the field and the rule.
 * Rows are column → value.
 */
public class Validation {
  private static final Pattern CONFIG_NAME = Pattern.compile("[A-Za-z0-9_]+");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.+-]+");
  private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9_.-]+");
  private static final Pattern BAD_TAG = Pattern.compile("[/\\x00]|[:\\r\\n]|[ ~^:?*\\[\\\\]");
  private static final Pattern LIMIT = Pattern.compile("\\d+[kKmMgG]?");
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

  private final Set<String> balancers;
  private final Path hgrc;

  public Validation(Set<String> balancers, Path hgrc) {
    this.balancers = balancers;
    this.hgrc = hgrc;
  }

  public void appName(Object v) {
    String s = (String) v;
    if (s == null || s.isEmpty() || s.contains("-") || s.contains(" ") || s.contains("/")) {
      throw ApiException.badField("name", "name: app names contain no '-', space or '/' (got '" + s + "')");
    }
    name("name", s);
  }

  public void name(String field, Object v) {
    String s = (String) v;
    if (s == null || !NAME.matcher(s).matches()) {
      throw ApiException.badField(field, field + ": must be letters, digits and _ . + - (got '" + s + "')");
    }
  }

  public void hostName(Object v) {
    String s = (String) v;
    if (s == null || !HOST.matcher(s).matches() || s.startsWith("-")) {
      throw ApiException.badField("name", "name: a host name is letters, digits and _ . - (got '" + s + "')");
    }
  }

  public void repoType(Object v) {
    if (v != null && !"git".equals(v) && !"hg".equals(v)) {
      throw ApiException.badField("repo_type", "repo_type: must be git or hg (got '" + v + "')");
    }
  }

  /** The original's invalid-tag rules; also no '-'... no: tags may hold '-', as the original allowed. */
  public void tag(String field, Object v) {
    String s = v == null ? null : v.toString();
    if (s == null || s.isEmpty() || BAD_TAG.matcher(s).find() || s.length() > 50) {
      throw ApiException.badField(field, field + ": Invalid tag name " + s);
    }
  }

  public void configAndEnv(Map<String, Object> row) {
    Map<String, Object> env = YamlValues.loadMap(row.get("env_yaml"));
    for (Map.Entry<String, Object> e : env.entrySet()) {
      if (e.getValue() instanceof Map || e.getValue() instanceof List) {
        throw ApiException.badField("env_yaml", "env_yaml: " + e.getKey() + " must be a string, number or boolean");
      }
    }
    xmlrpc("config_yaml", YamlValues.loadMap(row.get("config_yaml")));
    xmlrpc("env_yaml", env);
  }

  public void release(Map<String, Object> row) {
    configAndEnv(row);
    volumes(row.get("volumes"));
    limits(row);
  }

  public void swarm(Map<String, Object> row) {
    String cn = (String) row.get("config_name");
    if (cn == null || !CONFIG_NAME.matcher(cn).matches()) {
      throw ApiException.badField("config_name", "config_name: must match [A-Za-z0-9_]+ (got '" + cn + "')");
    }
    String pn = (String) row.get("proc_name");
    if (pn == null || !CONFIG_NAME.matcher(pn).matches()) {
      throw ApiException.badField("proc_name", "proc_name: must match [A-Za-z0-9_]+ (got '" + pn + "')");
    }
    Object size = row.get("size");
    if (size != null && (((Number) size).intValue() < 0 || ((Number) size).intValue() > 1000)) {
      throw ApiException.badField("size", "size: must be 0 to 1000");
    }
    Object pool = row.get("pool");
    Object balancer = row.get("balancer");
    if (pool != null && !pool.toString().isEmpty() && (balancer == null || balancer.toString().isEmpty())) {
      throw ApiException.badField("balancer", "balancer: Swarms that specify a pool must specify a balancer");
    }
    if (balancer != null && !balancer.toString().isEmpty() && !balancers.contains(balancer.toString())) {
      throw ApiException.badField("balancer", "balancer: '" + balancer + "' is not one of the BALANCERS setting: "
          + String.join(", ", balancers));
    }
    configAndEnv(row);
    volumes(row.get("volumes"));
    limits(row);
  }

  private void limits(Map<String, Object> row) {
    Object ra = row.get("run_as");
    if (ra != null && !USER.matcher(ra.toString()).matches()) {
      throw ApiException.badField("run_as", "run_as: must be a user name (got '" + ra + "')");
    }
    for (String f : List.of("mem_limit", "memsw_limit")) {
      Object v = row.get(f);
      if (v != null && !v.toString().isEmpty() && !LIMIT.matcher(v.toString()).matches()) {
        throw ApiException.badField(f, f + ": must be a size such as 256M (got '" + v + "')");
      }
    }
  }

  private static void volumes(Object stored) {
    for (Object v : YamlValues.loadList(stored)) {
      if (!(v instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof String a)
          || !(pair.get(1) instanceof String b) || !a.startsWith("/") || !b.startsWith("/")
          || (a + "/").contains("/../") || (b + "/").contains("/../")) {
        throw ApiException.badField("volumes", "volumes: each must be [host_dir, mountpoint], absolute paths without '..'");
      }
    }
  }

  /** The original checked that config and env can be sent over XML-RPC (to supervisord). */
  static void xmlrpc(String field, Object v) {
    if (v instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw ApiException.badField(field, field + ": Cannot be marshalled to XMLRPC: dictionary key must be string");
        }
        xmlrpc(field, e.getValue());
      }
    } else if (v instanceof List<?> l) {
      for (Object o : l) {
        xmlrpc(field, o);
      }
    } else if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
      long x = n.longValue();
      if (x > Integer.MAX_VALUE || x < Integer.MIN_VALUE || v instanceof java.math.BigInteger b && b.bitLength() > 31) {
        throw ApiException.badField(field, field + ": Cannot be marshalled to XMLRPC: int exceeds XML-RPC limits");
      }
    }
  }

  /** repo_url with a leading {@code <scheme>://} expanded by the [schemes] of the server's ~/.hgrc. */
  public String resolveUrl(String url) {
    if (url == null || hgrc == null || !Files.isRegularFile(hgrc)) {
      return url;
    }
    Map<String, String> schemes = new LinkedHashMap<>();
    try {
      boolean in = false;
      for (String line : Files.readAllLines(hgrc)) {
        String t = line.strip();
        if (t.startsWith("[")) {
          in = t.equals("[schemes]");
        } else if (in && t.contains("=") && !t.startsWith("#") && !t.startsWith(";")) {
          schemes.put(t.substring(0, t.indexOf('=')).strip(), t.substring(t.indexOf('=') + 1).strip());
        }
      }
    } catch (IOException e) {
      return url;
    }
    for (Map.Entry<String, String> e : schemes.entrySet()) {
      String prefix = e.getKey() + "://";
      if (url.startsWith(prefix)) {
        return e.getValue() + url.substring(prefix.length());
      }
    }
    return url;
  }
}
