package vr.common.hosts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import vr.common.VrException;
import vr.common.model.ProcName;
import vr.common.model.UptestResult;
import vr.common.ssh.CommandResult;
import vr.common.ssh.ExecOptions;
import vr.common.ssh.ForwardTarget;
import vr.common.ssh.HostUnreachableException;
import vr.common.ssh.PortForward;
import vr.common.exec.Shell;
import vr.common.ssh.SshHosts;
import vr.common.supervisor.ProcessInfo;
import vr.common.supervisor.ProgramInstaller;
import vr.common.supervisor.ProgramSection;
import vr.common.supervisor.SupervisorClient;
import vr.common.supervisor.SupervisorUnreachableException;

/**
 * A proc's life on a remote app host, as the server drives it (reference 7.7, steps 5 and 8, and
 * {@code delete_proc}), over one verified SSH client: supervisord is reached through a forward of its unix
 * socket, never over the network, and the tools' exit codes come back as the suite's exceptions (exit 2 an
 * {@code InputException}, exit 1 a {@code VrException}; a host that cannot be reached a
 * {@code HostUnreachableException}).
 *
 * <ul>
 *   <li>{@link #deploy}: the proc's folder, its {@code proc.yaml} (uploaded atomically, mode 0600: it may hold
 *       secrets), {@code vrun setup}, then its program section into supervisord's include folder and the
 *       program added, which starts it;</li>
 *   <li>{@link #uptest}: {@code vrun uptest}, its JSON read as the original's server read it;</li>
 *   <li>{@link #remove}: the program stopped and removed from supervisord, then {@code vrun teardown}, which
 *       removes the proc's folder.</li>
 * </ul>
 */
public final class RemoteProcs {
  private final SshHosts ssh;
  private final HostLayout layout;

  /**
   * How a host is laid out: where the tools keep procs, the command that runs vrun, supervisord's unix socket
   * and include folder, and whether commands need sudo (a login user that is not root).
   *
   * @param vrun the command to run vrun, one word (a path), e.g. {@code /usr/bin/vrun}
   * @param sudo whether commands run through {@code sudo}; uploads are made as the login user, who must then
   *     be able to write the proc folders and the include folder
   * @param setupTimeout how long {@code vrun setup} may take (a first setup downloads a build and an image)
   */
  public record HostLayout(String root, String vrun, String supervisorSocket, String includeDir, boolean sudo,
      Duration setupTimeout) {
    public HostLayout {
      Objects.requireNonNull(root, "root");
      Objects.requireNonNull(vrun, "vrun");
      Objects.requireNonNull(supervisorSocket, "supervisorSocket");
      Objects.requireNonNull(includeDir, "includeDir");
      setupTimeout = setupTimeout == null ? Duration.ofMinutes(30) : setupTimeout;
    }

    String procDir(ProcName name) {
      return root + "/procs/" + name.format();
    }
  }

  public RemoteProcs(SshHosts ssh, HostLayout layout) {
    this.ssh = ssh;
    this.layout = layout;
  }

  /**
   * Sets up the proc of {@code procYaml} on {@code host} and starts it under supervisord. When setup fails
   * (bad input, exit 2; a failed download, exit 1) a proc folder this call made is removed again, so the host
   * is as it was.
   */
  public void deploy(String host, ProcName name, byte[] procYaml) {
    String dir = layout.procDir(name);
    String yaml = dir + "/proc.yaml";
    String q = Shell.quote(dir);
    boolean made = ssh.exec(host, "if [ -d " + q + " ]; then echo kept; else mkdir -p " + q + " && echo made; fi",
        ExecOptions.defaults().sudo(layout.sudo())).orThrow().stdout().strip().equals("made");
    try {
      ssh.upload(host, procYaml, yaml, 0600);
      run(host, Shell.quote(layout.vrun()) + " setup " + Shell.quote(yaml), layout.setupTimeout());
    } catch (RuntimeException e) {
      if (made) {
        try {
          run(host, "rm -rf " + q, Duration.ofMinutes(1));
        } catch (RuntimeException ignored) {
          // the setup's failure is what the caller must see
        }
      }
      throw e;
    }
    try (Supervisor s = supervisor(host)) {
      s.installer().install(ProgramSection.forProc(name, Path.of(dir), layout.vrun()));
    }
  }

  /**
   * How long {@link #uptest} waits for a proc with a port to listen on it before its uptests run, as Heroku
   * waits for a web dyno to bind {@code $PORT}: supervisord says RUNNING once the proc's container has started,
   * which is before the app in it listens, and an uptest run then would fail for nothing.
   */
  public static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Runs the proc's uptests on {@code host}, once it listens on its port (at most {@link #BOOT_TIMEOUT}; then
   * the uptests run anyway and say what they find); a failure to run them is one failing entry, as the
   * original's.
   */
  public List<UptestResult> uptest(String host, ProcName name, Duration timeout) {
    String yaml = layout.procDir(name) + "/proc.yaml";
    String cmd = Shell.quote(layout.vrun()) + " uptest --timeout " + timeout.toSeconds() + " " + Shell.quote(yaml);
    if (name.port() > 0) {
      long ticks = BOOT_TIMEOUT.toMillis() / 100;
      cmd = "if command -v ss >/dev/null; then i=0; while [ $i -lt " + ticks + " ] && ! ss -Hltn 'sport = :" + name.port()
          + "' | grep -q .; do sleep 0.1; i=$((i + 1)); done; fi; " + cmd;
    }
    CommandResult r = ssh.exec(host, cmd, ExecOptions.defaults().sudo(layout.sudo())
        .timeout(timeout.multipliedBy(20).plus(BOOT_TIMEOUT).plusMinutes(1)).maxCapturedBytes(8 << 20));
    if (!r.ok()) {
      return UptestResult.failure(r.message());
    }
    return UptestResult.parse(r.stdout());
  }

  /** Stops the proc, takes it out of supervisord and tears it down; quiet when it is not there. */
  public void remove(String host, ProcName name) {
    try (Supervisor s = supervisor(host)) {
      s.installer().remove(name);
    }
    String yaml = layout.procDir(name) + "/proc.yaml";
    run(host, "if [ -e " + Shell.quote(yaml) + " ]; then " + Shell.quote(layout.vrun()) + " teardown "
        + Shell.quote(yaml) + "; fi", Duration.ofMinutes(5));
  }

  /**
   * Every program supervisord runs on {@code host}, as it lists them. A host whose sshd cannot be reached throws
   * {@code HostUnreachableException}, one whose supervisord does not answer {@code SupervisorUnreachableException}:
   * never an empty list (the original showed a down host as a host without procs, its #89 and #90).
   */
  public List<ProcessInfo> procs(String host) {
    try (Supervisor s = supervisor(host)) {
      return s.client().getAllProcessInfo();
    }
  }

  private void run(String host, String command, Duration timeout) {
    ssh.exec(host, command, ExecOptions.defaults().sudo(layout.sudo()).timeout(timeout)).orThrow();
  }

  private Supervisor supervisor(String host) {
    PortForward f;
    try {
      f = ssh.forward(host, ForwardTarget.unixSocket(layout.supervisorSocket()));
    } catch (HostUnreachableException e) {
      throw e;
    } catch (VrException e) {
      // sshd answered but supervisord's socket did not (supervisord stopped or killed, its socket stale)
      throw new SupervisorUnreachableException(host + ": supervisord at " + layout.supervisorSocket()
          + " cannot be reached: " + e.getMessage(), e);
    }
    SupervisorClient c = SupervisorClient.connect("http://127.0.0.1:" + f.localPort() + "/RPC2", null, null);
    return new Supervisor(f, c, ProgramInstaller.intoIncludeDir(c, Path.of(layout.includeDir()), new RemoteFiles(host)));
  }

  /** A forward to a host's supervisord, a client and an installer over it; closing closes the forward. */
  private record Supervisor(PortForward forward, SupervisorClient client, ProgramInstaller installer) implements AutoCloseable {
    @Override
    public void close() {
      forward.close();
    }
  }

  /**
   * Section files on the host: read with {@code cat} and removed with {@code rm} (both through sudo when the
   * layout says so), written over SFTP into a temp file and renamed.
   */
  private final class RemoteFiles implements ProgramInstaller.SectionFiles {
    private final String host;

    RemoteFiles(String host) {
      this.host = host;
    }

    @Override
    public byte[] read(Path file) {
      CommandResult r = ssh.exec(host, "if [ -e " + Shell.quote(file.toString()) + " ]; then cat "
          + Shell.quote(file.toString()) + "; else echo absent >&2; exit 3; fi",
          ExecOptions.defaults().sudo(layout.sudo()).maxCapturedBytes(1 << 20));
      if (r.exitCode() == 3 && r.stderr().strip().equals("absent")) {
        return null;
      }
      r.orThrow();
      return r.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void write(Path file, byte[] content) {
      ssh.upload(host, content, file.toString(), 0644);
    }

    @Override
    public void delete(Path file) {
      run(host, "rm -f " + Shell.quote(file.toString()), Duration.ofMinutes(1));
    }
  }
}
