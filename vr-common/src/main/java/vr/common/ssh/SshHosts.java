package vr.common.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import vr.common.VrException;

/**
 * The suite's SSH client for a long-running process (the server): an object it creates from
 * {@link SshSettings} and {@link #close()}s, reaching many hosts at once. Each host has its own pool of
 * connections ({@link HostPool}); connecting holds no shared lock, so a host that does not answer delays only
 * the calls to that host. Host keys are always checked against the settings' known_hosts file.
 *
 * <pre>
 * try (SshHosts hosts = SshHosts.start(SshSettings.of(knownHosts, List.of(key)))) {
 *   hosts.upload("app1", procYaml, "/apps/procs/x/proc.yaml", 0644);
 *   hosts.exec("app1", "vrun setup /apps/procs/x/proc.yaml", ExecOptions.defaults().sudo(true)).orThrow();
 * }
 * </pre>
 *
 * Hosts are named {@code [user@]host[:port]}; the settings' default user and port 22 fill the gaps.
 */
public final class SshHosts implements AutoCloseable {
  private final SshSettings settings;
  private final SshClient client;
  private final Connector connector;
  private final Map<HostAddress, HostPool> pools = new ConcurrentHashMap<>();
  private final Map<HostAddress, RemoteShell> shells = new ConcurrentHashMap<>();
  private final ExecutorService threads;
  private final ScheduledExecutorService reaper;
  private volatile boolean closed;

  private SshHosts(SshSettings settings) {
    this.settings = settings;
    for (Path key : settings.identities()) {
      if (!Files.isReadable(key)) {
        throw new VrException("cannot read ssh key file " + key);
      }
    }
    HostKeyCheck keys = new HostKeyCheck(settings.knownHosts());
    client = SshClient.setUpDefaultClient();
    noDelay(client);
    client.setServerKeyVerifier(keys);
    client.setKeyIdentityProvider(new FileKeyPairProvider(settings.identities()));
    client.start();
    connector = new Connector(client, keys, settings.connectTimeout());
    threads = Executors.newCachedThreadPool(daemon("vr-ssh"));
    reaper = Executors.newSingleThreadScheduledExecutor(daemon("vr-ssh-idle"));
    long period = Math.max(1, settings.idleTime().toMillis() / 2);
    reaper.scheduleWithFixedDelay(() -> {
      shells.values().removeIf(s -> s.closeIfIdle(settings.idleTime()));
      pools.values().forEach(p -> p.closeIdle(settings.idleTime()));
    }, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * TCP_NODELAY on every connection: a command's channel is a few small packets each way, and Nagle's
   * algorithm against the server's delayed ACKs added about 40 ms to every one (a balancer change's round
   * trip measured 51 ms with it, 10 ms without; docs/performance.md).
   */
  static void noDelay(SshClient c) {
    org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(c, true);
  }

  /** A started client; the caller closes it. */
  public static SshHosts start(SshSettings settings) {
    return new SshHosts(settings);
  }

  public SshSettings settings() {
    return settings;
  }

  /** {@code spec} ({@code [user@]host[:port]}) with the defaults filled in. */
  public HostAddress address(String spec) {
    return HostAddress.parse(spec, settings.defaultUser());
  }

  /**
   * A channel slot on a connection to {@code host}, connecting first when needed.
   *
   * @throws HostUnreachableException when the host cannot be reached or logged into
   */
  public HostSession session(String host) {
    return session(address(host));
  }

  public HostSession session(HostAddress a) {
    if (closed) {
      throw new VrException(a.label() + ": ssh client is closed");
    }
    HostPool pool = pools.computeIfAbsent(a, k -> new HostPool(k, connector, settings.connectionsPerHost(), settings.channelsPerConnection()));
    return new HostSession(this, a, pool, pool.acquire(settings.connectTimeout()));
  }

  /** Runs {@code command} on {@code host}; see {@link HostSession#exec}. */
  public CommandResult exec(String host, String command, ExecOptions options) {
    return with(host, s -> s.exec(command, options));
  }

  /**
   * Runs {@code command} on a pool thread. {@code future.cancel(true)} kills the remote command and closes
   * its channel; {@code get()} then throws {@link java.util.concurrent.CancellationException}.
   */
  public Future<CommandResult> submit(String host, String command, ExecOptions options) {
    // MINA's waits swallow interrupts, so cancel(true) also trips a cancellation the exec loop polls
    Cancellation mine = new Cancellation().orWhen(options.cancellation());
    FutureTask<CommandResult> task = new FutureTask<>(() -> exec(host, command, options.cancellation(mine))) {
      @Override
      public boolean cancel(boolean mayInterrupt) {
        mine.cancel();
        return super.cancel(mayInterrupt);
      }
    };
    threads.execute(task);
    return task;
  }

  public void upload(String host, byte[] content, String remotePath, int mode) {
    with(host, s -> {
      s.upload(content, remotePath, mode);
      return null;
    });
  }

  public void upload(String host, Path local, String remotePath, int mode) {
    with(host, s -> {
      s.upload(local, remotePath, mode);
      return null;
    });
  }

  public void upload(String host, InputStream content, String remotePath, int mode) {
    with(host, s -> {
      s.upload(content, remotePath, mode);
      return null;
    });
  }

  public byte[] read(String host, String remotePath, int maxBytes) {
    return with(host, s -> s.read(remotePath, maxBytes));
  }

  public void download(String host, String remotePath, Path local) {
    with(host, s -> {
      s.download(remotePath, local);
      return null;
    });
  }

  /**
   * A local port on 127.0.0.1 forwarded through the SSH connection to {@code target} on {@code host}. The
   * far side is tried once before this returns, so a wrong socket path or a closed port fails here. Holds a
   * channel slot on the host's pool until closed.
   */
  public PortForward forward(String host, ForwardTarget target) {
    HostSession s = session(host);
    try {
      PortForward f = new PortForward(s.connection(), s.address().label(), target, threads, settings.connectTimeout(), s::close);
      f.probe();
      return f;
    } catch (IOException | RuntimeException e) {
      s.close();
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new VrException(s.address().label() + ": cannot listen for a forward: " + e.getMessage(), e);
    }
  }

  /**
   * Takes an exclusive {@code flock} on {@code lockFile} on {@code host}, as root, waiting at most {@code wait}
   * for another holder; its directory is created when missing. For a read-modify-write that spans several
   * commands: the lock lives in a remote process, so a dead caller or connection releases it. Holds a channel
   * slot of the host's pool until closed.
   *
   * @throws VrException when the lock was not free within {@code wait}
   */
  public RemoteLock lock(String host, String lockFile, Duration wait) {
    return lock(address(host), lockFile, wait);
  }

  public RemoteLock lock(HostAddress host, String lockFile, Duration wait) {
    return RemoteLock.acquire(session(host), lockFile, wait, settings.connectTimeout());
  }

  /**
   * The resident root shell on {@code host} ({@link RemoteShell}): for many short scripts in a row, each a round
   * trip on an open channel instead of a new exec channel and remote shell. Started on first use and again when
   * the last one died; shared by this client's callers, one script at a time; closed after the idle time unused
   * and by {@link #close()}. Callers do not close it. It holds a channel slot of the host's pool while open.
   */
  public RemoteShell shell(HostAddress host) {
    RemoteShell s = shells.get(host);
    if (s != null && s.usable()) {
      return s;
    }
    RemoteShell fresh = RemoteShell.open(session(host), settings.connectTimeout());
    RemoteShell won = shells.compute(host, (k, old) -> old != null && old != s && old.usable() ? old : fresh);
    if (won != fresh) {
      fresh.close(); // another caller started one meanwhile
    } else if (s != null) {
      s.close();
    }
    if (closed) {
      won.close();
      throw new VrException(host.label() + ": ssh client is closed");
    }
    return won;
  }

  /** Open connections to {@code host} now (for tests and monitoring). */
  public int connections(String host) {
    HostPool p = pools.get(address(host));
    return p == null ? 0 : p.connections();
  }

  private <T> T with(String host, Function<HostSession, T> f) {
    try (HostSession s = session(host)) {
      return f.apply(s);
    }
  }

  /** Closes every connection (running commands lose their channel) and stops the client's threads. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    reaper.shutdownNow();
    shells.values().forEach(RemoteShell::close);
    shells.clear();
    pools.values().forEach(HostPool::close);
    pools.clear();
    threads.shutdownNow();
    client.stop();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
