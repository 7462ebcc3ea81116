package vr.server.hosts;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import vr.common.VrException;
import vr.common.hosts.RemoteProcs;
import vr.common.ssh.ForwardTarget;
import vr.common.ssh.HostUnreachableException;
import vr.common.ssh.PortForward;
import vr.common.ssh.SshHosts;
import vr.common.ssh.SshSettings;
import vr.common.supervisor.Host;
import vr.common.supervisor.ProcCache;
import vr.common.supervisor.SupervisorClient;
import vr.common.supervisor.SupervisorUnreachableException;

/**
 * How the server reaches its app hosts: one SSH client ({@link SshHosts}, host keys always checked) and, per
 * host, where its supervisord listens. supervisord is reached only through a forward over that SSH connection,
 * to its unix socket (the lab's and the packages' setup) or to a port on the host's loopback: the original
 * sent supervisord's credentials in plain HTTP to {@code <host>:9001} on every host. The server creates one
 * and closes it when it stops.
 */
public final class HostAccess implements AutoCloseable {

  /** Where a host's supervisord listens, as seen on the host. */
  public sealed interface Supervisord {
    /** Its {@code [unix_http_server]} socket; the socket's mode is the access control, so no password. */
    record Socket(String path) implements Supervisord {
      public Socket {
        if (path == null || !path.startsWith("/")) {
          throw new IllegalArgumentException("supervisord's socket must be an absolute path, not " + path);
        }
      }
    }

    /** Its {@code [inet_http_server]} on the host's 127.0.0.1, with credentials (which never cross the network in clear). */
    record Loopback(int port, String username, String password) implements Supervisord {
      public Loopback {
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("supervisord's port must be 1-65535, not " + port);
        }
      }
    }
  }

  /**
   * One host as the server reaches it.
   *
   * @param ssh how the SSH client names it ({@code [user@]host[:port]}); usually the host's name
   * @param supervisord where its supervisord listens
   * @param layout its folders and vrun, for deleting procs ({@link RemoteProcs}); its socket is used by delete
   */
  public record HostSetup(String ssh, Supervisord supervisord, RemoteProcs.HostLayout layout) {
    public HostSetup {
      Objects.requireNonNull(ssh, "ssh");
      Objects.requireNonNull(supervisord, "supervisord");
      Objects.requireNonNull(layout, "layout");
    }
  }

  private final SshHosts ssh;
  private final boolean ownsSsh;
  private final Function<String, HostSetup> setups;
  private final SupervisorClient.Options rpc;

  private HostAccess(SshHosts ssh, boolean ownsSsh, Function<String, HostSetup> setups, SupervisorClient.Options rpc) {
    this.ssh = ssh;
    this.ownsSsh = ownsSsh;
    this.setups = setups;
    this.rpc = rpc;
  }

  /**
   * Starts an SSH client from {@code settings} (closed with this object). {@code setups} tells how to reach a
   * host by its name; {@code rpcTimeout} bounds each supervisord call (start and stop wait longer: see
   * {@link SupervisorClient.Options}).
   */
  public static HostAccess start(SshSettings settings, Function<String, HostSetup> setups, Duration rpcTimeout) {
    return new HostAccess(SshHosts.start(settings), true, setups, options(rpcTimeout));
  }

  /** Over an SSH client the caller owns and closes. */
  public static HostAccess over(SshHosts ssh, Function<String, HostSetup> setups, Duration rpcTimeout) {
    return new HostAccess(ssh, false, setups, options(rpcTimeout));
  }

  /**
   * The client's defaults with {@code rpcTimeout} per call and one retry after 200 ms for reads: the original's
   * 1 s + 2 s backoff would spend a page's whole deadline on one dead supervisord.
   */
  private static SupervisorClient.Options options(Duration rpcTimeout) {
    return SupervisorClient.Options.defaults().withTimeout(rpcTimeout).withRetries(1, Duration.ofMillis(200));
  }

  public SshHosts ssh() {
    return ssh;
  }

  public HostSetup setup(String host) {
    HostSetup s = setups.apply(host);
    if (s == null) {
      throw new VrException("no way to reach host " + host + " is configured");
    }
    return s;
  }

  /**
   * A forward to {@code host}'s supervisord and a client over it, wrapped as a {@link Host} with {@code cache}
   * (may be null). The caller closes it, which closes the forward.
   *
   * @throws HostUnreachableException when sshd cannot be reached or logged into
   * @throws SupervisorUnreachableException when sshd answered but supervisord's socket or port did not
   */
  public Supervisor supervisor(String host, ProcCache cache) {
    HostSetup s = setup(host);
    ForwardTarget target = s.supervisord() instanceof Supervisord.Loopback lo
        ? ForwardTarget.tcp("127.0.0.1", lo.port())
        : ForwardTarget.unixSocket(((Supervisord.Socket) s.supervisord()).path());
    PortForward f;
    try {
      f = ssh.forward(s.ssh(), target);
    } catch (HostUnreachableException e) {
      throw e;
    } catch (VrException e) {
      throw new SupervisorUnreachableException(host + ": supervisord at " + target + " cannot be reached: "
          + e.getMessage(), e);
    }
    String user = null;
    String pass = null;
    if (s.supervisord() instanceof Supervisord.Loopback lo) {
      user = lo.username();
      pass = lo.password();
    }
    SupervisorClient c = SupervisorClient.connect("http://127.0.0.1:" + f.localPort() + "/RPC2", user, pass, rpc);
    return new Supervisor(new Host(host, c, cache), f);
  }

  /** {@link RemoteProcs} for {@code host}'s layout (deploy, uptest, remove). */
  public RemoteProcs remoteProcs(String host) {
    return new RemoteProcs(ssh, setup(host).layout());
  }

  /** A host's supervisord through a forward; closing closes the forward (and every connection through it). */
  public record Supervisor(Host host, PortForward forward) implements AutoCloseable {
    public SupervisorClient client() {
      return host.supervisor();
    }

    @Override
    public void close() {
      forward.close();
    }
  }

  @Override
  public void close() {
    if (ownsSsh) {
      ssh.close();
    }
  }
}
