package vr.common.balancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vr.common.VrException;
import vr.common.model.Node;
import vr.common.ssh.CommandResult;
import vr.common.ssh.HostAddress;
import vr.common.ssh.RemoteLock;
import vr.common.ssh.SshHosts;

/**
 * Base of the backends that keep pools in config files on balancer hosts reached over SSH (nginx, Varnish,
 * HAProxy). For each host, one change is: take an exclusive {@code flock} on
 * {@code <include_dir>/.vr-pools.lock}; check the pool's files are as the change was computed from; write the
 * changed files atomically; validate and activate ({@link #activation}); on failure put the old files back,
 * let the backend undo ({@link #undo}) and report the host as failed. All of it is one shell script and one
 * SSH round trip ({@link ChangeScript}): the first version took six (281 ms against 65 ms for a bare nginx
 * reload). The lock spans the whole read-modify-write, so concurrent changes from several processes or
 * servers lose nothing (the original's issue #153). Hosts are changed one after another; the result names
 * the updated and the failed ones. Hosts are reached through the {@link SshHosts} the balancer is built with
 * (the server's own, or one {@code vr.cli pool} opens for its run), whose owner closes it: the scripts run in
 * each host's resident shell ({@link SshHosts#shell}), a round trip on an open channel.
 */
public abstract class SshBalancer implements Balancer {
  private static final Logger LOG = LoggerFactory.getLogger(SshBalancer.class);
  /** The answer to a read carries the pool's files in base64; more than this is refused, never cut. */
  private static final int MAX_ANSWER_BYTES = 16 << 20;
  protected final String name;
  protected final List<HostAddress> hosts;
  protected final String includeDir;
  private final SshHosts ssh;
  private final Duration lockTimeout;
  private final Duration scriptTimeout;
  /** The pool files as this process last saw them on each host: a change is computed from them. */
  private final KnownFiles known = new KnownFiles();

  /**
   * Reads the SSH keys of {@code c} (see {@link BalancerSsh}) and the include directory. Hosts are reached
   * through {@code ssh}, which its owner closes; keys that ask for something that client does not do are
   * accepted with a warning naming what is used instead, and {@code accept_unknown_hosts: true} is refused.
   */
  protected SshBalancer(BalancerConfig c, SshHosts ssh, String defaultIncludeDir) {
    this.name = c.name();
    this.ssh = Objects.requireNonNull(ssh, "ssh");
    this.hosts = BalancerSsh.hosts(c, ssh);
    this.lockTimeout = c.seconds("lock_timeout", Duration.ofSeconds(60));
    // the script waits for the lock, then runs the operator's commands: give those the old fixed two minutes
    this.scriptTimeout = Duration.ofMinutes(2).plus(lockTimeout);
    c.obsolete("tmpdir", "temp files are written beside their target, so that the rename into place is atomic");
    String dir = c.string("include_dir", defaultIncludeDir);
    if (!dir.startsWith("/")) {
      throw c.error("include_dir", "must be an absolute path");
    }
    this.includeDir = dir.endsWith("/") ? dir : dir + "/";
  }

  /** The remote files that make up {@code pool}; the first is the pool's own. */
  protected abstract List<String> files(String pool);

  /** The pool's nodes given its files' contents (null = missing file); null when the pool does not exist. */
  protected abstract Set<Node> parse(String pool, Map<String, String> contents);

  /** The files' new contents (null = remove) for {@code pool} to hold {@code nodes}; null nodes = delete the pool. */
  protected abstract Map<String, String> render(String pool, Set<Node> nodes, Map<String, String> current);

  /**
   * The body of a shell function that validates the written files and makes them take effect, returning
   * non-zero (after {@code vr_run}, {@code vr_try} or {@code vr_fail} said why) when either fails. It runs on
   * the balancer host, under the lock, after the files were written (see {@link ChangeScript} for the helpers).
   */
  protected abstract String activation(Change change);

  /** After a failed activation and the old files being put back: shell that undoes whatever had taken effect. */
  protected String undo(Change change) {
    return ":";
  }

  /** One change of a pool on one host: its nodes before and after (null = no pool), and the files' contents. */
  public record Change(String pool, Set<Node> before, Set<Node> after, Map<String, String> current, Map<String, String> next) {}

  protected String lockFile() {
    return includeDir + ".vr-pools.lock";
  }

  @Override
  public List<Node> getNodes(String pool) {
    Pools.checkName(pool);
    TreeSet<Node> all = new TreeSet<>();
    ChangeResult.Builder failures = new ChangeResult.Builder();
    List<Set<Node>> seen = new ArrayList<>();
    for (HostAddress t : hosts) {
      try {
        Set<Node> s = parse(pool, read(t, files(pool)));
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

  /** The files' contents, in one round trip, without the lock (every file is replaced atomically). */
  private Map<String, String> read(HostAddress t, List<String> files) {
    ChangeScript.Answer a = ChangeScript.Answer.parse(run(t, ChangeScript.read(files)));
    Map<String, String> cur = a.contents(files);
    known.put(t, cur);
    return cur;
  }

  private ChangeResult change(String action, String pool, UnaryOperator<Set<Node>> f) {
    Pools.checkName(pool);
    ChangeResult.Builder b = new ChangeResult.Builder();
    for (HostAddress t : hosts) {
      try {
        if (changeOn(t, pool, f)) {
          b.updated(t.label());
        } else {
          b.unchanged(t.label());
        }
      } catch (VrException e) {
        known.forget(t, files(pool));
        b.failed(t.label(), reason(t, e));
      }
    }
    return BalancerException.check("balancer " + name + ": " + action, b.build());
  }

  /**
   * The locked read-modify-write on one host; true when something changed. Usually one round trip: the
   * change is computed from the files as this process last saw them, and the script applies it only if they
   * are still so. When another process changed them meanwhile, the script answers with their contents and the
   * change is computed again; after two such answers the change holds the lock across round trips (the
   * previous way), so that it cannot be overtaken again.
   */
  private boolean changeOn(HostAddress t, String pool, UnaryOperator<Set<Node>> f) {
    List<String> files = files(pool);
    Map<String, String> cur = known.get(t, files);
    if (cur == null) {
      cur = read(t, files);
    }
    for (int i = 0; i < 2; i++) {
      Attempt a = attempt(t, pool, f, cur, true);
      if (a.current() == null) {
        return a.changed();
      }
      cur = a.current();
    }
    try (RemoteLock lock = ssh.lock(t, lockFile(), lockTimeout)) {
      for (int i = 0; i < 2; i++) {
        Attempt a = attempt(t, pool, f, cur, false);
        if (a.current() == null) {
          return a.changed();
        }
        cur = a.current();
      }
    }
    throw new VrException("the files of pool " + pool + " changed while " + lockFile() + " was held: is something writing them without the lock?");
  }

  /** Done (current null), and whether anything changed; or the files' contents when they were not as expected. */
  private record Attempt(boolean changed, Map<String, String> current) {}

  /** Computes the change from {@code cur} and runs it in one script. */
  private Attempt attempt(HostAddress t, String pool, UnaryOperator<Set<Node>> f, Map<String, String> cur,
      boolean lock) {
    Set<Node> before = parse(pool, cur);
    Set<Node> after = f.apply(before);
    boolean changes = !Objects.equals(before, after);
    Map<String, String> writes = null;
    Map<String, String> next = cur;
    String activation = "";
    String undo = "";
    if (changes) {
      next = new LinkedHashMap<>(cur);
      writes = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : render(pool, after, cur).entrySet()) {
        next.put(e.getKey(), e.getValue());
        if (!ChangeScript.same(e.getValue(), cur.get(e.getKey()))) {
          writes.put(e.getKey(), e.getValue());
        }
      }
      Change ch = new Change(pool, before, after, Collections.unmodifiableMap(cur), Collections.unmodifiableMap(next));
      activation = activation(ch);
      undo = undo(ch);
    }
    String script = ChangeScript.change(lockFile(), lockTimeout, lock, cur, writes, activation, undo);
    if (script.length() > ChangeScript.MAX_CHARS) {
      throw new VrException("pool " + pool + " is too large to change in one command (" + script.length() + " characters of script, at most "
          + ChangeScript.MAX_CHARS + ")");
    }
    ChangeScript.Answer a = ChangeScript.Answer.parse(run(t, script));
    for (String w : a.warnings()) {
      LOG.warn("balancer {} on {}: {}", name, t.label(), w);
    }
    switch (a.result()) {
      case "stale" -> {
        Map<String, String> now = a.contents(new ArrayList<>(cur.keySet()));
        known.put(t, now);
        return new Attempt(false, now);
      }
      case "unchanged", "ok" -> {
        known.put(t, next);
        return new Attempt(changes, null);
      }
      case "failed" -> {
        if (a.restoreFailures().isEmpty()) {
          known.put(t, cur);
        } else {
          known.forget(t, cur.keySet());
        }
        throw new VrException(a.failureMessage());
      }
      default -> throw new VrException(a.failures().isEmpty() ? "the change script answered " + a.result() : String.join("; ", a.failures()));
    }
  }

  /**
   * Runs a script as root in the host's resident shell ({@link SshHosts#shell}): a round trip on an open channel,
   * not a new exec channel and remote shell. Its whole answer or an error, never a cut one.
   */
  private CommandResult run(HostAddress t, String script) {
    CommandResult r = ssh.shell(t).run(script, scriptTimeout, MAX_ANSWER_BYTES);
    if (r.stdoutBytes() > MAX_ANSWER_BYTES) {
      throw new VrException("the balancer host answered " + r.stdoutBytes() + " bytes, more than the " + MAX_ANSWER_BYTES + " read");
    }
    return r;
  }

  private static String reason(HostAddress t, VrException e) {
    String m = e.getMessage();
    return m.startsWith(t.label() + ": ") ? m.substring(t.label().length() + 2) : m;
  }
}
