package vr.common.ssh;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import vr.common.VrException;
import vr.common.exec.Shell;

/**
 * One authenticated SSH connection, reused for every command of a change (the original opened a new
 * connection per file and per reload). Runs commands as the login user or as root (sudo when the user is
 * not root, with the password on stdin when one is configured), transfers files over SFTP, and holds
 * {@link RemoteLock}s.
 */
public final class SshConnection implements AutoCloseable {
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
  private final SshTarget target;
  private final ClientSession session;
  private boolean poolable;
  private long idleSince;

  SshConnection(SshTarget target, ClientSession session) {
    this.target = target;
    this.session = session;
  }

  public SshTarget target() {
    return target;
  }

  /** Runs {@code command} through the login user's shell. */
  public ExecResult exec(String command) {
    return exec(command, new byte[0]);
  }

  /** Runs {@code command} with {@code stdin} as its input. */
  public ExecResult exec(String command, byte[] stdin) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ChannelExec ch = session.createExecChannel(command)) {
      ch.setIn(new ByteArrayInputStream(stdin));
      ch.setOut(out);
      ch.setErr(err);
      ch.open().verify(target.timeout());
      Set<ClientChannelEvent> ev = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), COMMAND_TIMEOUT);
      if (!ev.contains(ClientChannelEvent.CLOSED)) {
        throw new VrException(target.label() + ": command did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s: " + command);
      }
      Integer status = ch.getExitStatus();
      return new ExecResult(status == null ? -1 : status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new VrException(target.label() + ": ssh command failed: " + e.getMessage(), e);
    }
  }

  /** Runs a shell {@code script} as root: directly when logged in as root, else through sudo. */
  public ExecResult asRoot(String script) {
    return exec(rootCommand(script), sudoInput());
  }

  /** The command line that runs {@code script} as root for this target. */
  String rootCommand(String script) {
    return rootCommand(target, script);
  }

  static String rootCommand(SshTarget t, String script) {
    String sh = "sh -c " + Shell.quote(script);
    if (!t.needsSudo()) {
      return sh;
    }
    // -k: never use a cached credential, so that a password we send is always read by sudo and never by the command.
    return t.password() != null ? "sudo -k -S -p '' " + sh : "sudo -n " + sh;
  }

  private byte[] sudoInput() {
    return target.needsSudo() && target.password() != null
        ? (target.password() + "\n").getBytes(StandardCharsets.UTF_8)
        : new byte[0];
  }

  /**
   * Takes an exclusive {@code flock} on {@code lockFile} on the remote host, waiting at most {@code wait}.
   * The lock is held by a remote process for as long as this channel stays open; if this JVM or the
   * connection dies, sshd closes the channel and the lock is released.
   */
  public RemoteLock lock(String lockFile, Duration wait) {
    String dir = lockFile.contains("/") ? lockFile.substring(0, lockFile.lastIndexOf('/')) : ".";
    String script = "mkdir -p " + Shell.quote(dir.isEmpty() ? "/" : dir) + " && exec flock -x -w " + Math.max(1, wait.toSeconds()) + " "
        + Shell.quote(lockFile) + " sh -c 'echo locked; exec cat >/dev/null'";
    ChannelExec ch = null;
    try {
      ch = session.createExecChannel(rootCommand(script));
      ch.open().verify(target.timeout());
      OutputStream in = ch.getInvertedIn();
      in.write(sudoInput());
      in.flush();
      BufferedReader r = new BufferedReader(new InputStreamReader(ch.getInvertedOut(), StandardCharsets.UTF_8));
      String line = r.readLine();
      if (!"locked".equals(line)) {
        String err = new String(ch.getInvertedErr().readAllBytes(), StandardCharsets.UTF_8).strip();
        ch.close(true);
        throw new VrException(target.label() + ": could not lock " + lockFile + " within " + wait.toSeconds() + " s"
            + (err.isEmpty() ? "" : ": " + err));
      }
      return new RemoteLock(ch, in);
    } catch (IOException e) {
      if (ch != null) {
        ch.close(true);
      }
      throw new VrException(target.label() + ": could not lock " + lockFile + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code content} to {@code remotePath} over SFTP as the login user. */
  public void upload(byte[] content, String remotePath) {
    try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
        OutputStream out = sftp.write(remotePath)) {
      out.write(content);
    } catch (IOException e) {
      throw new VrException(target.label() + ": cannot write " + remotePath + ": " + e.getMessage(), e);
    }
  }

  /** Reads {@code remotePath} over SFTP as the login user. */
  public byte[] download(String remotePath) {
    try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
        var in = sftp.read(remotePath)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new VrException(target.label() + ": cannot read " + remotePath + ": " + e.getMessage(), e);
    }
  }

  void poolable(boolean p) {
    poolable = p;
  }

  /** True when the session is still open and has been idle less than {@code maxIdle}. */
  boolean usable(Duration maxIdle) {
    return session.isOpen() && !session.isClosing() && System.nanoTime() - idleSince < maxIdle.toNanos();
  }

  void discard() {
    session.close(false);
  }

  /** Ends the connection, or, for a {@link Ssh#pooled} one that is still healthy, returns it to the pool. */
  @Override
  public void close() {
    if (poolable && session.isOpen() && !session.isClosing()) {
      idleSince = System.nanoTime();
      Ssh.release(this);
    } else {
      session.close(false);
    }
  }

  /** A held remote lock; closing it ends the remote holder process. */
  public static final class RemoteLock implements AutoCloseable {
    private final ChannelExec channel;
    private final OutputStream stdin;

    RemoteLock(ChannelExec channel, OutputStream stdin) {
      this.channel = channel;
      this.stdin = stdin;
    }

    @Override
    public void close() {
      try {
        stdin.close(); // EOF: the remote cat exits and flock releases the lock
      } catch (IOException e) {
        // the channel is gone already, and with it the lock
      }
      channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(10));
      channel.close(true);
    }
  }
}
