package vr.common.ssh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CancellationException;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import vr.common.VrException;

/**
 * Runs one command on an open session: output streamed to the listener and kept within bounds, the
 * deadline and the cancellation checked while it runs, and on either the remote process group killed
 * before the channel is closed.
 */
final class RemoteExec {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  private RemoteExec() {}

  static CommandResult run(ClientSession session, HostAddress a, String command, ExecOptions o, Duration openTimeout) {
    BoundedCapture out = new BoundedCapture(o.maxCapturedBytes());
    BoundedCapture err = new BoundedCapture(o.maxCapturedBytes());
    LineSplitter outLines = o.onLine() == null ? null : new LineSplitter(o.onLine(), OutputListener.Stream.STDOUT, ExecOptions.MAX_LINE_BYTES);
    LineSplitter errLines = o.onLine() == null ? null : new LineSplitter(o.onLine(), OutputListener.Stream.STDERR, ExecOptions.MAX_LINE_BYTES);
    PidReader stdout = new PidReader(tee(out, outLines));
    OutputStream stderr = tee(err, errLines);
    long deadline = System.nanoTime() + o.timeout().toNanos();
    try (ChannelExec ch = session.createExecChannel(RemoteCommand.wrap(command, o.sudo(), a))) {
      ch.setIn(new ByteArrayInputStream(o.stdin()));
      ch.setOut(stdout);
      ch.setErr(stderr);
      ch.open().verify(openTimeout);
      while (true) {
        if (ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), POLL).contains(ClientChannelEvent.CLOSED)) {
          break;
        }
        boolean interrupted = Thread.interrupted();
        boolean cancelled = interrupted || (o.cancellation() != null && o.cancellation().cancelled());
        if (cancelled || System.nanoTime() - deadline > 0) {
          kill(session, a, stdout.pid(), o.sudo());
          ch.close(true);
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
          if (cancelled) {
            throw new CancellationException(a.label() + ": cancelled: " + summary(command));
          }
          throw new VrException(a.label() + ": command did not finish within " + seconds(o.timeout()) + " and was killed: "
              + summary(command));
        }
      }
      if (outLines != null) {
        outLines.close();
        errLines.close();
      }
      Integer status = ch.getExitStatus();
      if (status == null && ch.getExitSignal() == null) {
        // neither a status nor a signal: the connection went away, so whether the command ran is unknown
        throw new VrException(a.label() + ": ssh connection lost while running: " + summary(command));
      }
      return new CommandResult(a.label(), status == null ? -1 : status, out.text(), err.text(), out.total(), err.total());
    } catch (IOException e) {
      throw new VrException(a.label() + ": ssh command failed: " + String.valueOf(e.getMessage()).replace('\n', ' '), e);
    }
  }

  /** Kills the command's process group over a second channel; best effort, since the host may be gone. */
  static void kill(ClientSession session, HostAddress a, long pid, boolean sudo) {
    if (pid <= 0) {
      return;
    }
    try (ChannelExec k = session.createExecChannel(RemoteCommand.kill(pid, sudo, a))) {
      k.setOut(OutputStream.nullOutputStream());
      k.setErr(OutputStream.nullOutputStream());
      k.open().verify(KILL_TIMEOUT);
      k.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), KILL_TIMEOUT);
    } catch (IOException | RuntimeException e) {
      // the channel is closed next anyway; a host that cannot take a second channel is likely gone
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static String summary(String command) {
    String c = command.replace('\n', ' ');
    return c.length() > 120 ? c.substring(0, 120) + "..." : c;
  }

  private static OutputStream tee(OutputStream a, OutputStream b) {
    if (b == null) {
      return a;
    }
    return new OutputStream() {
      @Override
      public void write(int x) throws IOException {
        a.write(x);
        b.write(x);
      }

      @Override
      public void write(byte[] buf, int off, int len) throws IOException {
        a.write(buf, off, len);
        b.write(buf, off, len);
      }
    };
  }

  /** Takes the first stdout line, the PID {@link RemoteCommand#wrap} prints, and passes the rest on. */
  static final class PidReader extends OutputStream {
    private final OutputStream next;
    private final ByteArrayOutputStream first = new ByteArrayOutputStream();
    private volatile long pid = -1;
    private boolean done;

    PidReader(OutputStream next) {
      this.next = next;
    }

    long pid() {
      return pid;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!done) {
        int i = off;
        while (i < off + len && b[i] != '\n' && first.size() < 64) {
          first.write(b[i++]);
        }
        if (i == off + len) {
          return;
        }
        done = true;
        String line = first.toString(StandardCharsets.US_ASCII);
        if (line.startsWith(RemoteCommand.PID_PREFIX)) {
          try {
            pid = Long.parseLong(line.substring(RemoteCommand.PID_PREFIX.length()).strip());
          } catch (NumberFormatException e) {
            pid = -1;
          }
        } else { // not ours (a login shell that printed first): pass it on
          next.write(first.toByteArray());
          if (b[i] == '\n') {
            next.write('\n');
          }
        }
        if (b[i] == '\n') {
          i++;
        }
        len -= i - off;
        off = i;
      }
      if (len > 0) {
        next.write(b, off, len);
      }
    }
  }
}
