package vr.server.records;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import vr.server.domain.Rules;

/**
 * The records' field rules applied to rows (column → value) before they are stored: the rules themselves are
 * {@link Rules}'; this class knows which column each one guards, and the settings they need.
 */
public class Validation {
  private final Set<String> balancers;
  private final Path hgrc;

  public Validation(Set<String> balancers, Path hgrc) {
    this.balancers = balancers;
    this.hgrc = hgrc;
  }

  public void appName(Object v) {
    Rules.appName("name", (String) v);
  }

  public void repoUrl(Object v) {
    Rules.repoUrl("repo_url", (String) v);
  }

  public void name(String field, Object v) {
    Rules.stackName(field, (String) v);
  }

  public void squadName(Object v) {
    Rules.squadName("name", (String) v);
  }

  public void ingredientName(Object v) {
    Rules.ingredientName("name", (String) v);
  }

  public void hostName(Object v) {
    Rules.hostName("name", (String) v);
  }

  public void repoType(Object v) {
    if (v != null) {
      Rules.repoType("repo_type", (String) v);
    }
  }

  public void tag(String field, Object v) {
    Rules.tag(field, v == null ? null : v.toString());
  }

  public void release(Map<String, Object> row) {
    limits(row);
  }

  public void swarm(Map<String, Object> row) {
    Rules.configName("config_name", (String) row.get("config_name"));
    Rules.procName("proc_name", (String) row.get("proc_name"));
    Rules.size("size", row.get("size") == null ? null : ((Number) row.get("size")).intValue());
    Rules.poolAndBalancer(blank(row.get("pool")), blank(row.get("balancer")), balancers);
    limits(row);
  }

  private static void limits(Map<String, Object> row) {
    Rules.runAs("run_as", (String) row.get("run_as"));
    Rules.memoryLimit("mem_limit", (String) row.get("mem_limit"));
    Rules.memoryLimit("memsw_limit", (String) row.get("memsw_limit"));
    Rules.memoryLimits(blank(row.get("mem_limit")), blank(row.get("memsw_limit")));
  }

  private static String blank(Object v) {
    return v == null || v.toString().isEmpty() ? null : v.toString();
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
