package vr.common.balancer.nginx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vr.common.VrException;
import vr.common.balancer.BalancerConfig;
import vr.common.balancer.SshBalancer;
import vr.common.model.Node;
import vr.common.ssh.SshHosts;
import vr.common.exec.Shell;

/**
 * nginx over SSH: one file per pool, {@code <include_dir>/<pool>.conf}, holding an {@code upstream <pool>}
 * block in the seed's format. A change is checked with {@code test_cmd} ({@code nginx -t}) before
 * {@code reload_cmd} ({@code nginx -s reload}) and rolled back when either fails (the original reloaded
 * without checking and ignored the exit status, its issue #214). nginx rejects an upstream without servers,
 * so an empty pool holds one placeholder server marked {@code down} on port 9 of 127.0.0.1: nginx accepts
 * it and never sends it a request (clients get 502 "no live upstreams").
 */
public final class NginxBalancer extends SshBalancer {
  static final String PLACEHOLDER = "  server 127.0.0.1:9 down;  # vr: placeholder, nginx rejects an empty upstream";
  private static final Pattern SERVER = Pattern.compile("(?m)^\\s*server +([^\\s;]+)([^;]*);(.*)$");
  private final String testCmd;
  private final String reloadCmd;

  public NginxBalancer(BalancerConfig c, SshHosts ssh) {
    super(c, ssh, "/etc/nginx/sites-enabled/");
    this.testCmd = c.string("test_cmd", "nginx -t");
    this.reloadCmd = c.string("reload_cmd", "nginx -s reload");
  }

  @Override
  protected List<String> files(String pool) {
    return List.of(includeDir + pool + ".conf");
  }

  @Override
  protected Set<Node> parse(String pool, Map<String, String> contents) {
    String text = contents.get(files(pool).get(0));
    return text == null ? null : parseUpstream(text);
  }

  @Override
  protected Map<String, String> render(String pool, Set<Node> nodes, Map<String, String> current) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(files(pool).get(0), nodes == null ? null : renderUpstream(pool, nodes));
    return out;
  }

  @Override
  protected String activation(Change change) {
    return "vr_run " + Shell.quote("test_cmd '" + testCmd + "'") + " " + Shell.quote(testCmd) + " || return 1\n"
        + "vr_run " + Shell.quote("reload_cmd '" + reloadCmd + "'") + " " + Shell.quote(reloadCmd) + " || { vr_reload_failed=1; return 1; }";
  }

  @Override
  protected String undo(Change change) {
    // the reload may have half happened: load the restored files again
    return "[ \"${vr_reload_failed-}\" != 1 ] || vr_run " + Shell.quote("reload_cmd '" + reloadCmd + "' after restoring") + " "
        + Shell.quote(reloadCmd);
  }

  /** The seed's format: {@code \nupstream <pool> {\n  server <node>;\n...}\n}. */
  static String renderUpstream(String pool, Set<Node> nodes) {
    StringBuilder lines = new StringBuilder();
    for (Node n : new TreeSet<>(nodes)) {
      lines.append(lines.length() > 0 ? "\n" : "").append("  server ").append(n).append(';');
    }
    return "\nupstream " + pool + " {\n" + (nodes.isEmpty() ? PLACEHOLDER : lines) + "\n}\n";
  }

  /** The {@code server} lines' nodes, without the empty-pool placeholder. */
  static Set<Node> parseUpstream(String text) {
    Set<Node> out = new TreeSet<>();
    Matcher m = SERVER.matcher(text);
    while (m.find()) {
      if (m.group(3).contains("vr: placeholder")) {
        continue;
      }
      try {
        out.add(Node.parse(m.group(1)));
      } catch (IllegalArgumentException e) {
        throw new VrException("cannot read the pool file: " + e.getMessage());
      }
    }
    return out;
  }
}
