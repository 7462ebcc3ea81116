package vr.common.balancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.model.Hosts;
import vr.common.model.Node;
import vr.common.ssh.Ssh;
import vr.common.ssh.SshConnection;
import vr.common.ssh.SshTarget;

/**
 * Base of the backends that keep pools in config files on balancer hosts reached over SSH (nginx, Varnish,
 * HAProxy). For each host, one change is: connect once; take an exclusive {@code flock} on
 * {@code <include_dir>/.vr-pools.lock}; read the pool's files; compute the new node set; write the changed
 * files atomically; validate and activate ({@link #activate}); on failure put the old files back, let the
 * backend undo ({@link #reactivate}) and report the host as failed. The lock spans the whole
 * read-modify-write, so concurrent changes from several processes or servers lose nothing (the original's
 * issue #153). Hosts are changed one after another; the result names the updated and the failed ones.
 */
public abstract class SshBalancer implements Balancer {
  private static final Logger LOG = LoggerFactory.getLogger(SshBalancer.class);
  protected final String name;
  protected final List<SshTarget> hosts;
  protected final String includeDir;
  private final Duration lockTimeout;

  protected SshBalancer(BalancerConfig c, String defaultIncludeDir) {
    this.name = c.name();
    String user = c.string("user", System.getProperty("user.name"));
    if (user == null || !user.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}")) {
      throw c.error("user", "must be a user name (letters, digits, '_', '.' and '-', not starting with '-'), not "
          + InputException.quote(user));
    }
    String password = c.string("password", null);
    int sshPort = c.integer("ssh_port", 22, 1, 65535);
    var keyFile = c.path("key_file", null);
    var knownHosts = c.path("known_hosts", SshTarget.defaultKnownHosts());
    boolean acceptUnknown = c.bool("accept_unknown_hosts", false);
    Duration timeout = c.seconds("connect_timeout", Duration.ofSeconds(15));
    this.lockTimeout = c.seconds("lock_timeout", Duration.ofSeconds(60));
    c.obsolete("tmpdir", "temp files are written beside their target, so that the rename into place is atomic");
    String dir = c.string("include_dir", defaultIncludeDir);
    if (!dir.startsWith("/")) {
      throw c.error("include_dir", "must be an absolute path");
    }
    this.includeDir = dir.endsWith("/") ? dir : dir + "/";
    List<SshTarget> ts = new ArrayList<>();
    for (String h : c.stringList("hosts", List.of("localhost"))) {
      String host = h.strip();
      int port = sshPort;
      String portText = null;
      if (host.startsWith("[") && host.contains("]")) { // [v6-address] or [v6-address]:port
        portText = host.endsWith("]") ? null : host.substring(host.indexOf(']') + 1).replaceFirst("^:", "");
        host = host.substring(1, host.indexOf(']'));
      } else if (host.indexOf(':') > 0 && host.indexOf(':') == host.lastIndexOf(':')) {
        portText = host.substring(host.indexOf(':') + 1);
        host = host.substring(0, host.indexOf(':'));
      }
      if (portText != null) {
        if (!portText.matches("[0-9]{1,5}")) {
          throw c.error("hosts", "entry " + InputException.quote(h) + " must be host or host:port");
        }
        port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
          throw c.error("hosts", "entry " + InputException.quote(h) + ": the port must be 1-65535");
        }
      }
      String problem = Hosts.problem(host);
      if (problem != null) {
        throw c.error("hosts", "entry " + InputException.quote(h) + ": the host " + problem);
      }
      try {
        ts.add(new SshTarget(host, port, user, password, keyFile, knownHosts, acceptUnknown, timeout));
      } catch (IllegalArgumentException e) {
        throw c.error("hosts", "entry " + InputException.quote(h) + ": " + e.getMessage());
      }
    }
    this.hosts = List.copyOf(ts);
  }

  /** The remote files that make up {@code pool}; the first is the pool's own. */
  protected abstract List<String> files(String pool);

  /** The pool's nodes given its files' contents (null = missing file); null when the pool does not exist. */
  protected abstract Set<Node> parse(String pool, Map<String, String> contents);

  /** The files' new contents (null = remove) for {@code pool} to hold {@code nodes}; null nodes = delete the pool. */
  protected abstract Map<String, String> render(String pool, Set<Node> nodes, Map<String, String> current);

  /** Validates the written files and makes them take effect; throws VrException when either fails. */
  protected abstract void activate(SshConnection c, String pool, Set<Node> before, Set<Node> after);

  /** After a failed {@link #activate} and the old files being put back: undo whatever had taken effect. */
  protected void reactivate(SshConnection c, String pool, Set<Node> before, Set<Node> after, VrException failure) {}

  protected String lockFile() {
    return includeDir + ".vr-pools.lock";
  }

  @Override
  public List<Node> getNodes(String pool) {
    Pools.checkName(pool);
    TreeSet<Node> all = new TreeSet<>();
    ChangeResult.Builder failures = new ChangeResult.Builder();
    List<Set<Node>> seen = new ArrayList<>();
    for (SshTarget t : hosts) {
      try (SshConnection c = Ssh.pooled(t)) {
        Set<Node> s = read(c, pool);
        Set<Node> nodes = s == null ? Set.of() : s;
        seen.add(nodes);
        all.addAll(nodes);
      } catch (VrException e) {
        failures.failed(t.label(), reason(t, e));
      }
    }
    ChangeResult r = failures.build();
    BalancerException.check("get nodes of pool " + pool, r);
    if (seen.stream().distinct().count() > 1) {
      LOG.warn("balancer {}: pool {} differs between hosts; returning the union", name, pool);
    }
    return List.copyOf(all);
  }

  @Override
  public ChangeResult addNodes(String pool, Collection<Node> nodes) {
    Set<Node> add = Set.copyOf(nodes);
    return change("add " + add.size() + " node(s) to pool " + pool, pool, cur -> {
      TreeSet<Node> s = cur == null ? new TreeSet<>() : new TreeSet<>(cur);
      s.addAll(add);
      return s;
    });
  }

  @Override
  public ChangeResult deleteNodes(String pool, Collection<Node> nodes) {
    Set<Node> del = Set.copyOf(nodes);
    return change("delete " + del.size() + " node(s) from pool " + pool, pool, cur -> {
      if (cur == null) {
        return null;
      }
      TreeSet<Node> s = new TreeSet<>(cur);
      s.removeAll(del);
      return s;
    });
  }

  @Override
  public ChangeResult deletePool(String pool) {
    return change("delete pool " + pool, pool, cur -> null);
  }

  @Override
  public ChangeResult deletePoolIfEmpty(String pool) {
    return change("delete pool " + pool + " if empty", pool, cur -> cur != null && cur.isEmpty() ? null : cur);
  }

  private Set<Node> read(SshConnection c, String pool) {
    Map<String, String> cur = new LinkedHashMap<>();
    for (String f : files(pool)) {
      cur.put(f, RemoteFiles.read(c, f));
    }
    return parse(pool, cur);
  }

  private ChangeResult change(String action, String pool, UnaryOperator<Set<Node>> f) {
    Pools.checkName(pool);
    ChangeResult.Builder b = new ChangeResult.Builder();
    for (SshTarget t : hosts) {
      try (SshConnection c = Ssh.pooled(t); SshConnection.RemoteLock lock = c.lock(lockFile(), lockTimeout)) {
        if (changeOn(c, pool, f)) {
          b.updated(t.label());
        } else {
          b.unchanged(t.label());
        }
      } catch (VrException e) {
        b.failed(t.label(), reason(t, e));
      }
    }
    return BalancerException.check("balancer " + name + ": " + action, b.build());
  }

  /** The locked read-modify-write on one host; true when something changed. */
  private boolean changeOn(SshConnection c, String pool, UnaryOperator<Set<Node>> f) {
    Map<String, String> cur = new LinkedHashMap<>();
    for (String file : files(pool)) {
      cur.put(file, RemoteFiles.read(c, file));
    }
    Set<Node> before = parse(pool, cur);
    Set<Node> after = f.apply(before);
    if (Objects.equals(before, after)) {
      return false;
    }
    Map<String, String> next = render(pool, after, cur);
    List<String> written = new ArrayList<>();
    try {
      for (Map.Entry<String, String> e : next.entrySet()) {
        if (!Objects.equals(e.getValue(), cur.get(e.getKey()))) {
          written.add(e.getKey());
          RemoteFiles.put(c, e.getKey(), e.getValue());
        }
      }
      activate(c, pool, before, after);
      return true;
    } catch (VrException e) {
      String restoreError = "";
      for (String file : written) {
        try {
          RemoteFiles.put(c, file, cur.get(file));
        } catch (VrException r) {
          restoreError += "; restoring " + file + " failed too: " + r.getMessage();
        }
      }
      try {
        reactivate(c, pool, before, after, e);
      } catch (VrException r) {
        restoreError += "; undoing failed too: " + r.getMessage();
      }
      throw new VrException(e.getMessage() + (restoreError.isEmpty() ? " (previous config restored)" : restoreError), e);
    }
  }

  private static String reason(SshTarget t, VrException e) {
    String m = e.getMessage();
    return m.startsWith(t.label() + ": ") ? m.substring(t.label().length() + 2) : m;
  }
}
