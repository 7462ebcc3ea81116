package vr.common.balancer.haproxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vr.common.balancer.BalancerConfig;
import vr.common.balancer.SshBalancer;
import vr.common.model.Node;
import vr.common.ssh.SshHosts;
import vr.common.exec.Shell;

/**
 * HAProxy over SSH. Each pool is a {@code backend <pool>} in {@code <include_dir>/<pool>.cfg} (HAProxy loads
 * every {@code *.cfg} of a directory given with {@code -f}); servers are named {@code host:port}. Adding
 * or removing nodes of a running backend goes through the runtime API on the admin socket, with no reload:
 * {@code add server} + {@code enable server}; removal sets the server to maintenance (no new requests),
 * waits up to {@code drain_timeout} for its connections to finish, then {@code del server}. The file is
 * rewritten (and checked with {@code test_cmd}) first, so the change survives the next reload. A pool the
 * running HAProxy does not know yet, or a deleted pool, needs {@code reload_cmd}: a hitless reload in
 * master-worker mode. Frontends route to pools by name, e.g. {@code use_backend %[req.hdr(host),lower,map(...)]}.
 */
public final class HaproxyBalancer extends SshBalancer {
  private static final Pattern SERVER = Pattern.compile("(?m)^\\s*server\\s+(\\S+)\\s+(\\S+)");
  private final String socket;
  private final String testCmd;
  private final String reloadCmd;
  private final String balance;
  private final String serverOptions;
  private final Duration drainTimeout;

  public HaproxyBalancer(BalancerConfig c, SshHosts ssh) {
    super(c, ssh, "/etc/haproxy/pools.d/");
    this.socket = c.string("admin_socket", "/run/haproxy/admin.sock");
    this.testCmd = c.string("test_cmd", "haproxy -c -q -f /etc/haproxy/haproxy.cfg -f " + includeDir);
    this.reloadCmd = c.string("reload_cmd", "systemctl reload haproxy");
    this.balance = c.string("balance", "roundrobin");
    this.serverOptions = c.string("server_options", "").strip();
    this.drainTimeout = c.seconds("drain_timeout", Duration.ofSeconds(10));
    if (!balance.matches("[a-z_-]+( [A-Za-z0-9_,()-]+)*")) {
      throw c.error("balance", "must be an HAProxy balance algorithm such as roundrobin or leastconn");
    }
    if (serverOptions.contains("\n") || serverOptions.contains(";")) {
      throw c.error("server_options", "must be one line of HAProxy server keywords");
    }
  }

  @Override
  protected List<String> files(String pool) {
    return List.of(includeDir + pool + ".cfg");
  }

  @Override
  protected Set<Node> parse(String pool, Map<String, String> contents) {
    String text = contents.get(files(pool).get(0));
    if (text == null) {
      return null;
    }
    Set<Node> out = new TreeSet<>();
    Matcher m = SERVER.matcher(text);
    while (m.find()) {
      out.add(Node.parse(m.group(2)));
    }
    return out;
  }

  @Override
  protected Map<String, String> render(String pool, Set<Node> nodes, Map<String, String> current) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(files(pool).get(0), nodes == null ? null : renderBackend(pool, nodes));
    return out;
  }

  String renderBackend(String pool, Set<Node> nodes) {
    StringBuilder sb = new StringBuilder("# Pool ").append(pool).append(", written by vr-suite: change it with `vr.cli pool`, not by hand.\n");
    sb.append("backend ").append(pool).append("\n  balance ").append(balance).append('\n');
    for (Node n : new TreeSet<>(nodes)) {
      sb.append(serverLine(n)).append('\n');
    }
    return sb.toString();
  }

  /** HAProxy server names allow letters, digits and {@code _.:-}: the node itself, so names are stable. */
  static String serverName(Node n) {
    return n.toString().replaceAll("[^A-Za-z0-9_.:-]", "_");
  }

  private static String address(Node n) {
    return n.host().contains(":") && !n.host().startsWith("[") ? "[" + n.host() + "]:" + n.port() : n.toString();
  }

  /**
   * The runtime API's lines are limited to HAProxy's buffer size (16 KiB by default); the commands of a change
   * go in lines of at most this many characters.
   */
  private static final int LINE_CHARS = 8000;

  @Override
  protected String activation(Change ch) {
    StringBuilder sh = new StringBuilder(functions(ch.pool()));
    String test = "vr_run " + Shell.quote("test_cmd '" + testCmd + "'") + " " + Shell.quote(testCmd) + " || return 1\n";
    if (ch.after() == null) {
      return sh.append(test).append("vr_reload absent").toString();
    }
    boolean tested = !runtimeValidates(ch);
    if (tested) {
      sh.append(test);
    }
    Set<Node> before = ch.before() == null ? Set.of() : ch.before();
    sh.append("vr_rt_used=1\n");
    sh.append(runtime(ch.pool(), minus(ch.after(), before), minus(before, ch.after())));
    sh.append("vr_s=$?\n[ $vr_s = 0 ] && return 0\n[ $vr_s = 2 ] || return 1\n");
    // the running HAProxy does not know the backend yet (a new pool): validate and reload
    sh.append("vr_rt_used=\n");
    if (!tested) {
      sh.append(test);
    }
    return sh.append("vr_reload present").toString();
  }

  @Override
  protected String undo(Change ch) {
    Set<Node> before = ch.before() == null ? Set.of() : ch.before();
    Set<Node> after = ch.after() == null ? Set.of() : ch.after();
    // a failed reload: load the restored file again; failed runtime changes: put the running servers back
    return functions(ch.pool())
        + "if [ \"${vr_reload_failed-}\" = 1 ]; then vr_reload " + (ch.before() == null ? "absent" : "present") + "; return; fi\n"
        + "[ \"${vr_rt_used-}\" = 1 ] || return 0\n"
        + runtime(ch.pool(), minus(before, after), minus(after, before));
  }

  /**
   * Whether the runtime API checks everything that changes in the file, so that {@code test_cmd} need not run
   * (it parses the whole configuration: 30 ms here, seconds with many certificates): only server lines come
   * and go, rendered with the settings of the lines that stay, for addresses that need no name resolution
   * ({@code add server} takes a host name the configuration could not resolve at the next reload). HAProxy
   * parses an added server line as the configuration does and refuses to delete a server something refers
   * to, and a refusal rolls the change back.
   */
  boolean runtimeValidates(Change ch) {
    if (ch.before() == null || ch.after() == null) {
      return false;
    }
    String file = files(ch.pool()).get(0);
    String old = ch.current().get(file);
    String now = ch.next().get(file);
    if (old == null || now == null) {
      return false;
    }
    List<String> oldLines = List.of(old.split("\n"));
    List<String> newLines = List.of(now.split("\n"));
    Set<String> gone = new java.util.HashSet<>(oldLines);
    newLines.forEach(gone::remove);
    Set<String> come = new java.util.HashSet<>(newLines);
    oldLines.forEach(come::remove);
    Set<String> expectedCome = new java.util.HashSet<>();
    for (Node n : minus(ch.after(), ch.before())) {
      if (!isAddress(n.host())) {
        return false;
      }
      expectedCome.add(serverLine(n));
    }
    Set<String> expectedGone = new java.util.HashSet<>();
    for (Node n : minus(ch.before(), ch.after())) {
      expectedGone.add(serverLine(n));
    }
    return come.equals(expectedCome) && gone.equals(expectedGone);
  }

  private static boolean isAddress(String host) {
    return host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || host.contains(":");
  }

  private static Set<Node> minus(Set<Node> a, Set<Node> b) {
    Set<Node> out = new TreeSet<>(a);
    out.removeAll(b);
    return out;
  }

  /**
   * Shell that adds servers for {@code add} and removes those of {@code remove} through the runtime API: 0 when
   * done, 2 when the running HAProxy has no such backend, 1 (after saying why) when it refused. Adding a server
   * that exists enables it, removing one that is gone is fine, so that it also serves to undo. A removed
   * server is put in maintenance, then deleted once its connections ended (cut after drain_timeout).
   */
  private String runtime(String pool, Set<Node> add, Set<Node> remove) {
    StringBuilder sh = new StringBuilder("vr_apply() {\nvr_busy=\n");
    List<String> adds = new ArrayList<>();
    for (Node n : add) {
      String s = pool + "/" + serverName(n);
      adds.add("add server " + s + " " + address(n) + (serverOptions.isEmpty() ? "" : " " + serverOptions) + "; enable server " + s
          + (serverOptions.matches("(.*\\s)?check(\\s.*)?") ? "; enable health " + s : ""));
    }
    for (String line : lines(adds)) {
      sh.append("vr_api ").append(Shell.quote(line)).append(" || return 1\nvr_added || return $?\n");
    }
    List<String> dels = new ArrayList<>();
    StringBuilder names = new StringBuilder();
    for (Node n : remove) {
      String s = pool + "/" + serverName(n);
      dels.add("set server " + s + " state maint; del server " + s);
      names.append(' ').append(Shell.quote(s));
    }
    for (String line : lines(dels)) {
      sh.append("vr_api ").append(Shell.quote(line)).append(" || return 1\nvr_deleted || return $?\n");
    }
    if (!remove.isEmpty()) {
      sh.append("[ -z \"$vr_busy\" ] || vr_drain").append(names).append(" || return 1\n");
    }
    return sh.append("return 0\n}\nvr_apply\n").toString();
  }

  private static List<String> lines(List<String> cmds) {
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String c : cmds) {
      if (line.length() > 0 && line.length() + c.length() > LINE_CHARS) {
        out.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? "; " : "").append(c);
    }
    if (line.length() > 0) {
      out.add(line.toString());
    }
    return out;
  }

  /** The shell functions of activation and undo: the runtime API, its answers, draining and reloading. */
  private String functions(String pool) {
    long drainTicks = Math.max(1, (drainTimeout.toMillis() + 49) / 50);
    String p = Shell.quote(pool);
    return "vr_sock=" + Shell.quote(socket) + "\n"
        + "vr_rt() { socat -t 5 stdio \"UNIX-CONNECT:$vr_sock\" 2>&1 9>&- <<VR_EOF\n$1\nVR_EOF\n}\n"
        + "vr_api() { vr_out=$(vr_rt \"$1\") || vr_fail \"cannot reach the haproxy admin socket $vr_sock\" \"$vr_out\"; }\n"
        // the answers to add server + enable server [+ enable health]: 2 when the backend is unknown
        + "vr_added() {\n"
        + "  case $vr_out in *'No such backend.'*) return 2;; esac\n"
        + "  vr_bad=\n"
        + "  while IFS= read -r vr_l; do case $vr_l in ''|'New server registered.'|'Already exists a server with the same name in backend.') ;;"
        + " *) vr_bad=\"$vr_bad$vr_l \";; esac; done <<VR_EOF\n$vr_out\nVR_EOF\n"
        + "  [ -z \"$vr_bad\" ] || vr_fail 'haproxy runtime API refused the new servers' \"$vr_bad\"\n}\n"
        // the answers to set server ... state maint + del server: vr_busy when some still have connections
        + "vr_deleted() {\n"
        + "  case $vr_out in *'No such backend.'*) return 2;; esac\n"
        + "  vr_bad=\n"
        + "  while IFS= read -r vr_l; do case $vr_l in ''|'Server deleted.'|'No such server.') ;; *'still has connections'*) vr_busy=1;;"
        + " *) vr_bad=\"$vr_bad$vr_l \";; esac; done <<VR_EOF\n$vr_out\nVR_EOF\n"
        + "  [ -z \"$vr_bad\" ] || vr_fail 'haproxy runtime API refused to delete servers' \"$vr_bad\"\n}\n"
        + "vr_drain() {\n"
        + "  for vr_sv in \"$@\"; do\n"
        + "    vr_i=0\n"
        + "    while :; do\n"
        + "      vr_api \"del server $vr_sv\" || return 1\n"
        + "      case $vr_out in *'Server deleted.'*|*'No such server.'*) break;; *'still has connections'*) ;;"
        + " *) vr_fail \"haproxy could not delete server $vr_sv\" \"$vr_out\"; return 1;; esac\n"
        + "      vr_i=$((vr_i + 1))\n"
        + "      if [ $vr_i -gt " + drainTicks + " ]; then\n"
        + "        vr_api \"shutdown sessions server $vr_sv; del server $vr_sv\" || return 1\n"
        + "        case $vr_out in *'Server deleted.'*) break;; esac\n"
        + "        vr_fail \"haproxy could not delete server $vr_sv\" \"$vr_out\"; return 1\n"
        + "      fi\n"
        + "      sleep 0.05\n"
        + "    done\n"
        + "  done\n}\n"
        // The reload is asynchronous; wait until the new process answers on the socket, so that the next change
        // talks to it (an old process could otherwise take a runtime change the new one never sees).
        + "vr_reload() {\n"
        + "  vr_run " + Shell.quote("reload_cmd '" + reloadCmd + "'") + " " + Shell.quote(reloadCmd) + " || { vr_reload_failed=1; return 1; }\n"
        + "  vr_i=0\n"
        + "  while [ $vr_i -lt 600 ]; do\n"
        + "    vr_o=$(vr_rt \"show servers state \"" + p + ")\n"
        + "    case $vr_o in *\"Can't find backend\"*) vr_k=absent;; 1*) vr_k=present;; *) vr_k=;; esac\n"
        + "    [ \"$vr_k\" = \"$1\" ] && return 0\n"
        + "    vr_i=$((vr_i + 1)); sleep 0.05\n"
        + "  done\n"
        + "  vr_reload_failed=1\n"
        + "  vr_fail \"haproxy did not $([ $1 = present ] && echo load || echo drop) backend \"" + p + "\" within 30 s of reload_cmd\"\n}\n";
  }

  private String serverLine(Node n) {
    return "  server " + serverName(n) + " " + address(n) + (serverOptions.isEmpty() ? "" : " " + serverOptions);
  }
}
