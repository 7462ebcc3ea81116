package vr.common.balancer.varnish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vr.common.balancer.BalancerConfig;
import vr.common.balancer.SshBalancer;
import vr.common.model.Node;
import vr.common.ssh.SshHosts;
import vr.common.exec.Shell;

/**
 * Varnish over SSH. Each pool is {@code <include_dir>/<pool_file_prefix><pool>.vcl}: a {@code backend} per
 * node and a {@code vmod_directors} round-robin director named after the pool, created in a
 * {@code vcl_init} of its own (VCL concatenates several). {@code <include_dir>/<main_pool_file>} imports
 * {@code directors} and includes every pool file; the site's main VCL ({@code vcl_file}) includes it and
 * routes with {@code set req.backend_hint = <pool>.backend();}. The original wrote Varnish 3
 * {@code director} blocks, which Varnish 4 and later reject.
 *
 * <p>A change is applied with {@code varnishadm vcl.load <new name> <vcl_file>}, which compiles it (the
 * validation: on a compile error the old files are restored and the running VCL stays), then
 * {@code vcl.use}; older VCLs this backend loaded are discarded so they do not pile up. An empty pool is a
 * director without backends (requests get 503).
 */
public final class VarnishBalancer extends SshBalancer {
  static final String VCL_PREFIX = "vr_pools_";
  private static final Pattern BACKEND = Pattern.compile("\\.host\\s*=\\s*\"([^\"]*)\"\\s*;\\s*\\.port\\s*=\\s*\"([0-9]+)\"");
  private final String mainPoolFile;
  private final String poolFilePrefix;
  private final String vclFile;
  private final String varnishadm;

  public VarnishBalancer(BalancerConfig c, SshHosts ssh) {
    super(c, ssh, "/etc/varnish/");
    this.mainPoolFile = c.string("main_pool_file", "pools.vcl");
    this.poolFilePrefix = c.string("pool_file_prefix", "pool-");
    this.vclFile = c.string("vcl_file", "/etc/varnish/default.vcl");
    this.varnishadm = c.string("varnishadm", "varnishadm");
    // The original's documented example sets reload_cmd (/etc/init.d/varnish reload); nothing is reloaded here.
    c.obsolete("reload_cmd", "changes are compiled and switched with varnishadm vcl.load and vcl.use"
        + " (set varnishadm and vcl_file instead)");
  }

  @Override
  protected List<String> files(String pool) {
    return List.of(poolFile(pool), includeDir + mainPoolFile);
  }

  private String poolFile(String pool) {
    return includeDir + poolFilePrefix + pool + ".vcl";
  }

  @Override
  protected Set<Node> parse(String pool, Map<String, String> contents) {
    String text = contents.get(poolFile(pool));
    if (text == null) {
      return null;
    }
    Set<Node> out = new TreeSet<>();
    Matcher m = BACKEND.matcher(text);
    while (m.find()) {
      out.add(new Node(m.group(1), Integer.parseInt(m.group(2))));
    }
    return out;
  }

  @Override
  protected Map<String, String> render(String pool, Set<Node> nodes, Map<String, String> current) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(poolFile(pool), nodes == null ? null : renderPool(pool, nodes));
    out.put(includeDir + mainPoolFile, renderMain(current.get(includeDir + mainPoolFile), includeLine(pool), nodes != null));
    return out;
  }

  private String includeLine(String pool) {
    return "include \"" + poolFile(pool) + "\";";
  }

  /** The director's name in VCL: the pool name with characters VCL does not allow in names replaced by '_'. */
  static String director(String pool) {
    String d = pool.replaceAll("[^A-Za-z0-9_]", "_");
    return Character.isLetter(d.charAt(0)) ? d : "pool_" + d;
  }

  static String renderPool(String pool, Set<Node> nodes) {
    String d = director(pool);
    StringBuilder sb = new StringBuilder("\n// This pool was written by vr-suite (Velociraptor).  You probably shouldn't edit it.\n");
    List<String> names = new ArrayList<>();
    int i = 0;
    for (Node n : new TreeSet<>(nodes)) {
      String b = "vr_" + d + "_" + (++i);
      names.add(b);
      sb.append("backend ").append(b).append(" {\n  .host = \"").append(n.host()).append("\";\n  .port = \"").append(n.port()).append("\";\n}\n");
    }
    sb.append("sub vcl_init {\n  new ").append(d).append(" = directors.round_robin();\n");
    for (String b : names) {
      sb.append("  ").append(d).append(".add_backend(").append(b).append(");\n");
    }
    return sb.append("}\n").toString();
  }

  /** pools.vcl: {@code import directors;} then the include lines, with the pool's line added or removed. */
  static String renderMain(String current, String includeLine, boolean present) {
    List<String> lines = new ArrayList<>(current == null ? List.of() : List.of(current.split("\n", -1)));
    lines.removeIf(String::isBlank);
    if (lines.stream().noneMatch(l -> l.strip().equals("import directors;"))) {
      lines.add(0, "import directors;");
    }
    lines.removeIf(l -> l.strip().equals(includeLine));
    if (present) {
      lines.add(includeLine);
    }
    return String.join("\n", lines) + "\n";
  }

  @Override
  protected String activation(Change change) {
    String vcl = VCL_PREFIX + System.currentTimeMillis() + "_" + ThreadLocalRandom.current().nextInt(1000, 10000);
    return "vr_adm=" + Shell.quote(varnishadm) + "\n"
        + "vr_try " + Shell.quote("varnish rejected the new VCL (vcl.load " + vclFile + ")") + " \"$vr_adm vcl.load " + vcl + " \""
        + Shell.quote(Shell.quote(vclFile)) + " || return 1\n"
        + "vr_try " + Shell.quote("varnish could not switch to the new VCL (vcl.use)") + " \"$vr_adm vcl.use " + vcl + "\" || {\n"
        + "  (exec 9>&-; eval \"$vr_adm vcl.discard " + vcl + "\") >/dev/null 2>&1; return 1; }\n"
        // discard the VCLs this backend loaded before, so that they do not pile up (others, like boot, stay)
        + "vr_out=$(exec 9>&-; eval \"$vr_adm vcl.list\" 2>&1) || { vr_warn 'vcl.list failed' \"$vr_out\"; return 0; }\n"
        + "for vr_v in $(printf '%s\\n' \"$vr_out\" | awk '$1 == \"available\" && index($5, \"" + VCL_PREFIX + "\") == 1 && $5 != \"" + vcl
        + "\" { print $5 }'); do\n"
        + "  case $vr_v in *[!A-Za-z0-9_]*) continue;; esac\n"
        + "  vr_d=$(exec 9>&-; eval \"$vr_adm vcl.discard $vr_v\" 2>&1) || vr_warn \"vcl.discard $vr_v failed\" \"$vr_d\"\n"
        + "done\n"
        + "return 0";
  }
}
