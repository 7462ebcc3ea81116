package vr.common.balancer.haproxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vr.common.VrException;
import vr.common.balancer.BalancerConfig;
import vr.common.balancer.RemoteFiles;
import vr.common.balancer.SshBalancer;
import vr.common.model.Node;
import vr.common.ssh.ExecResult;
import vr.common.ssh.Shell;
import vr.common.ssh.SshConnection;

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
  private static final String END = "--vr-end--";
  private final String socket;
  private final String testCmd;
  private final String reloadCmd;
  private final String balance;
  private final String serverOptions;
  private final Duration drainTimeout;

  public HaproxyBalancer(BalancerConfig c) {
    super(c, "/etc/haproxy/pools.d/");
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
      sb.append("  server ").append(serverName(n)).append(' ').append(address(n));
      sb.append(serverOptions.isEmpty() ? "" : " " + serverOptions).append('\n');
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

  @Override
  protected void activate(SshConnection c, String pool, Set<Node> before, Set<Node> after) {
    RemoteFiles.run(c, "test_cmd '" + testCmd + "'", testCmd);
    Map<Node, String> running = after == null ? null : runningServers(c, pool);
    if (after == null || running == null) {
      reload(c, pool, after != null);
      return;
    }
    reconcile(c, pool, running, after);
  }

  @Override
  protected void reactivate(SshConnection c, String pool, Set<Node> before, Set<Node> after, VrException failure) {
    if (failure instanceof ReloadFailed) {
      reload(c, pool, before != null);
      return;
    }
    Map<Node, String> running = before == null ? null : runningServers(c, pool);
    if (running != null) {
      reconcile(c, pool, running, before);
    }
  }

  /** Brings the running backend's servers to {@code target} through the runtime API. */
  private void reconcile(SshConnection c, String pool, Map<Node, String> running, Set<Node> target) {
    List<String> cmds = new ArrayList<>();
    for (Node n : target) {
      if (!running.containsKey(n)) {
        String s = pool + "/" + serverName(n);
        cmds.add("add server " + s + " " + address(n) + (serverOptions.isEmpty() ? "" : " " + serverOptions));
        cmds.add("enable server " + s);
        if (serverOptions.matches("(.*\\s)?check(\\s.*)?")) {
          cmds.add("enable health " + s);
        }
      }
    }
    List<String> gone = new ArrayList<>();
    running.forEach((n, name) -> {
      if (!target.contains(n)) {
        gone.add(pool + "/" + name);
        cmds.add("set server " + pool + "/" + name + " state maint");
      }
    });
    List<String> outs = runtime(c, cmds);
    for (int i = 0; i < cmds.size(); i++) {
      String cmd = cmds.get(i);
      String out = outs.get(i).strip();
      boolean ok = cmd.startsWith("add server") ? out.contains("New server registered") : out.isEmpty();
      if (!ok) {
        throw new VrException("haproxy runtime API refused '" + cmd + "': " + out.replace('\n', ' '));
      }
    }
    for (String s : gone) {
      delete(c, s);
    }
  }

  /** {@code del server} once the server in maintenance has no connections left; cut them after drain_timeout. */
  private void delete(SshConnection c, String server) {
    long end = System.nanoTime() + drainTimeout.toNanos();
    while (true) {
      String out = runtime(c, List.of("del server " + server)).get(0).strip();
      if (out.contains("Server deleted") || out.contains("No such server")) {
        return;
      }
      if (System.nanoTime() > end) {
        runtime(c, List.of("shutdown sessions server " + server));
        out = runtime(c, List.of("del server " + server)).get(0).strip();
        if (out.contains("Server deleted")) {
          return;
        }
        throw new VrException("haproxy could not delete server " + server + ": " + out.replace('\n', ' '));
      }
      sleep(50);
    }
  }

  /** The running backend's servers by node, or null when the running HAProxy has no such backend. */
  private Map<Node, String> runningServers(SshConnection c, String pool) {
    String out = runtime(c, List.of("show servers state " + pool)).get(0);
    if (out.contains("Can't find backend")) {
      return null;
    }
    Map<Node, String> servers = new TreeMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 19 && !f[0].startsWith("#") && f[1].equals(pool)) {
        servers.put(new Node(f[4], Integer.parseInt(f[18])), f[3]);
      }
    }
    if (servers.isEmpty() && !out.strip().startsWith("1")) {
      throw new VrException("haproxy runtime API: unexpected answer to 'show servers state': " + out.strip().replace('\n', ' '));
    }
    return servers;
  }

  private void reload(SshConnection c, String pool, boolean present) {
    try {
      RemoteFiles.run(c, "reload_cmd '" + reloadCmd + "'", reloadCmd);
    } catch (VrException e) {
      throw new ReloadFailed(e.getMessage());
    }
    // The reload is asynchronous; wait until the new process answers on the socket, so that the next change
    // talks to it (an old process could otherwise take a runtime change the new one never sees).
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      String out = runtime(c, List.of("show servers state " + pool)).get(0);
      boolean known = !out.contains("Can't find backend") && out.strip().startsWith("1");
      if (known == present) {
        return;
      }
      sleep(50);
    }
    throw new ReloadFailed("haproxy did not " + (present ? "load" : "drop") + " backend " + pool + " within 30 s of reload_cmd");
  }

  /** Sends each command on its own connection to the admin socket, in one SSH exec; returns each answer. */
  List<String> runtime(SshConnection c, List<String> cmds) {
    if (cmds.isEmpty()) {
      return List.of();
    }
    StringBuilder script = new StringBuilder();
    for (String cmd : cmds) {
      script.append("printf '%s\\n' ").append(Shell.quote(cmd)).append(" | socat -t 5 stdio UNIX-CONNECT:").append(Shell.quote(socket))
          .append(" || echo 'vr: cannot reach the admin socket'; echo '").append(END).append("'; ");
    }
    ExecResult r = c.asRoot(script.toString());
    List<String> outs = new ArrayList<>(List.of(r.stdout().split(END + "\n?", -1)));
    if (!r.ok() || outs.size() < cmds.size()) {
      throw new VrException("haproxy runtime API on " + socket + " failed: " + r.summary());
    }
    for (String o : outs) {
      if (o.contains("vr: cannot reach the admin socket")) {
        throw new VrException("cannot reach the haproxy admin socket " + socket + ": " + r.summary());
      }
    }
    return outs.subList(0, cmds.size());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted");
    }
  }

  /** A failed reload: the restored file must be loaded again. */
  private static final class ReloadFailed extends VrException {
    private static final long serialVersionUID = 1L;

    ReloadFailed(String m) {
      super(m);
    }
  }
}
