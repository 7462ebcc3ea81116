package vr.common.ssh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import vr.common.VrException;
import vr.common.exec.Shell;

/**
 * An exclusive {@code flock} on a file on a remote host, held by a remote process for as long as this object
 * is open: {@code flock} runs {@code cat}, which waits for the end of its stdin, our side of the channel. Closing
 * it sends that end, so the holder exits and the lock is released; if this JVM or the connection dies, sshd
 * closes the channel and the lock is released all the same, so a crashed caller never leaves a host locked.
 * It holds its own channel slot of the host's pool ({@link SshHosts#lock}).
 */
public final class RemoteLock implements AutoCloseable {
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
  private final HostSession session;
  private final ChannelExec channel;
  private final OutputStream stdin;

  private RemoteLock(HostSession session, ChannelExec channel, OutputStream stdin) {
    this.session = session;
    this.channel = channel;
    this.stdin = stdin;
  }

  /** The script that creates the file's directory, waits for the lock, says so, and holds it until stdin ends. */
  static String script(String lockFile, Duration wait) {
    int slash = lockFile.lastIndexOf('/');
    String dir = slash < 0 ? "." : slash == 0 ? "/" : lockFile.substring(0, slash);
    return "mkdir -p -- " + Shell.quote(dir) + " && exec flock -x -w " + Math.max(1, wait.toSeconds()) + " " + Shell.quote(lockFile)
        + " sh -c 'echo locked; exec cat >/dev/null'";
  }

  /** Takes the lock as root over {@code session}'s connection; the lock owns the session from here on. */
  static RemoteLock acquire(HostSession session, String lockFile, Duration wait, Duration openTimeout) {
    HostAddress a = session.address();
    ChannelExec ch = null;
    try {
      ch = session.connection().createExecChannel(RemoteCommand.wrap(script(lockFile, wait), true, a));
      ch.open().verify(openTimeout);
      OutputStream in = ch.getInvertedIn();
      BufferedReader r = new BufferedReader(new InputStreamReader(ch.getInvertedOut(), StandardCharsets.UTF_8));
      String line = r.readLine();
      while (line != null && line.startsWith(RemoteCommand.PID_PREFIX)) {
        line = r.readLine();
      }
      if (!"locked".equals(line)) {
        String err = new String(ch.getInvertedErr().readAllBytes(), StandardCharsets.UTF_8).strip().replace('\n', ' ');
        throw new VrException(a.label() + ": could not lock " + lockFile + " within " + Math.max(1, wait.toSeconds()) + " s"
            + (err.isEmpty() ? "" : ": " + err));
      }
      return new RemoteLock(session, ch, in);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close(true);
      }
      session.close();
      if (e instanceof VrException v) {
        throw v;
      }
      throw new VrException(a.label() + ": could not lock " + lockFile + ": " + String.valueOf(e.getMessage()).replace('\n', ' '), e);
    }
  }

  /** Releases the lock and gives the channel slot back. */
  @Override
  public void close() {
    try {
      stdin.close(); // EOF: the remote cat exits and flock releases the lock
    } catch (IOException e) {
      // the channel is gone already, and with it the lock
    }
    channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), CLOSE_WAIT);
    channel.close(true);
    session.close();
  }
}
