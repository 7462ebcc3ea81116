package vr.common.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.client.channel.ChannelExec;
import vr.common.VrException;

/**
 * A root shell left running on one host for callers that send many short scripts (a balancer's pool changes):
 * one exec channel running {@code sh} that reads scripts from its stdin, so that a script costs a round trip and
 * a fork instead of a new channel, an sshd session process, a login shell and {@code sh} (about 5 ms on an idle
 * machine, 35 on a loaded one). Each script runs in a subshell with stdin from {@code /dev/null}, so
 * {@code exit} ends only the script and no command reads the next one; after it the shell prints a marker with
 * a random nonce and the exit status on stdout, and the nonce on stderr, which end its two outputs. One script
 * runs at a time. A script over its timeout gets the whole shell's process group killed (the next one starts a
 * new shell). {@link SshHosts#shell} keeps one per host and closes it when unused for the idle time.
 */
public final class RemoteShell implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final HostSession session;
  private final ChannelExec channel;
  private OutputStream stdin;
  private final String nonce;
  private volatile Marked out;
  private volatile Marked err;
  private volatile long pid = -1;
  private volatile long idleSince = System.nanoTime();
  private volatile boolean broken;
  private volatile boolean released;
  private final ReentrantLock lock = new ReentrantLock();

  private RemoteShell(HostSession session, ChannelExec channel, String nonce) {
    this.session = session;
    this.channel = channel;
    this.nonce = nonce;
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Starts {@code sh} as root (through {@code sudo -n} when the login user is not root) over {@code session}. */
  static RemoteShell open(HostSession session, Duration openTimeout) {
    HostAddress a = session.address();
    String nonce = "vr-end-" + HexFormat.of().formatHex(bytes(8));
    ChannelExec ch = null;
    try {
      ch = session.connection().createExecChannel(RemoteCommand.wrap("exec sh", true, a));
      RemoteShell s = new RemoteShell(session, ch, nonce);
      ch.setOut(new Router(s, true));
      ch.setErr(new Router(s, false));
      ch.open().verify(openTimeout);
      s.stdin = ch.getInvertedIn();
      return s;
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close(true);
      }
      session.close();
      throw new VrException(a.label() + ": cannot start a remote shell: " + String.valueOf(e.getMessage()).replace('\n', ' '), e);
    }
  }

  /**
   * Runs {@code script} and returns its exit status and output (each stream kept up to {@code maxCapturedBytes},
   * as {@link ExecOptions#maxCapturedBytes}).
   *
   * @throws VrException when it outlives {@code timeout} (the shell is killed) or the shell or connection died
   */
  public CommandResult run(String script, Duration timeout, int maxCapturedBytes) {
    lock.lock();
    try {
      return runLocked(script, timeout, maxCapturedBytes);
    } finally {
      idleSince = System.nanoTime();
      lock.unlock();
    }
  }

  private CommandResult runLocked(String script, Duration timeout, int maxCapturedBytes) {
    HostAddress a = session.address();
    if (!usable()) {
      throw new VrException(a.label() + ": the remote shell is closed");
    }
    CountDownLatch ends = new CountDownLatch(2);
    Marked o = new Marked(nonce, maxCapturedBytes, ends);
    Marked e = new Marked(nonce, maxCapturedBytes, ends);
    out = o;
    err = e;
    try {
      // ":" first: an empty subshell is a syntax error, and a syntax error ends the shell
      stdin.write(("(\n:\n" + script + "\n) </dev/null; printf '\\n%s %s\\n' " + nonce + " $?; printf '\\n%s\\n' " + nonce + " >&2\n")
          .getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!ends.await(50, TimeUnit.MILLISECONDS)) {
        if (!channel.isOpen() || channel.isClosing()) {
          broken = true;
          throw new VrException(a.label() + ": the remote shell or its ssh connection ended while running a script");
        }
        if (System.nanoTime() - deadline > 0) {
          broken = true;
          RemoteExec.kill(session.connection(), a, pid, true);
          close();
          throw new VrException(a.label() + ": script did not finish within " + timeout.toMillis() / 1000.0 + " s and was killed");
        }
      }
      return new CommandResult(a.label(), o.status, o.capture.text(), e.capture.text(), o.capture.total(), e.capture.total());
    } catch (IOException x) {
      broken = true;
      throw new VrException(a.label() + ": ssh command failed: " + String.valueOf(x.getMessage()).replace('\n', ' '), x);
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
      broken = true;
      close();
      throw new VrException(a.label() + ": interrupted while running a script in the remote shell", x);
    } finally {
      out = null;
      err = null;
    }
  }

  boolean usable() {
    return !broken && channel.isOpen() && !channel.isClosing();
  }

  /** Closes the shell when it is broken, or no script ran for {@code idle} and none is running; true when closed. */
  boolean closeIfIdle(Duration idle) {
    if (!lock.tryLock()) {
      return false;
    }
    try {
      if (usable() && System.nanoTime() - idleSince <= idle.toNanos()) {
        return false;
      }
      close();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Ends the shell (EOF on its stdin) and gives its channel slot back; {@link SshHosts} does so when it closes. */
  @Override
  public void close() {
    if (released) {
      return;
    }
    released = true;
    broken = true;
    try {
      if (stdin != null) {
        stdin.close();
      }
    } catch (IOException e) {
      // the channel is gone already
    }
    channel.close(false);
    session.close();
  }

  private Marked target(boolean stdout) {
    return stdout ? out : err;
  }

  /** Hands the channel's output to the running script's streams; the first stdout line is the shell's PID. */
  private static final class Router extends OutputStream {
    private final RemoteShell shell;
    private final boolean stdout;
    private final ByteArrayOutputStream pidLine = new ByteArrayOutputStream();
    private boolean pidRead;

    Router(RemoteShell shell, boolean stdout) {
      this.shell = shell;
      this.stdout = stdout;
      this.pidRead = !stdout;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      while (!pidRead && len > 0) {
        byte c = b[off++];
        len--;
        if (c == '\n') {
          pidRead = true;
          String l = pidLine.toString(StandardCharsets.US_ASCII);
          if (l.startsWith(RemoteCommand.PID_PREFIX)) {
            shell.pid = Long.parseLong(l.substring(RemoteCommand.PID_PREFIX.length()).strip());
          }
        } else if (pidLine.size() < 64) {
          pidLine.write(c);
        }
      }
      Marked m = shell.target(stdout);
      if (m != null && len > 0) {
        m.write(b, off, len);
      }
    }
  }

  /**
   * One script's stream: bytes go to a bounded capture, held back by a few dozen bytes so that the end marker
   * ({@code \n<nonce>[ <status>]\n}) is never captured; when the marker arrives the stream is done.
   */
  static final class Marked {
    private final BoundedCapture capture;
    private final Pattern end;
    private final byte[] hold;
    private int held;
    private final CountDownLatch ends;
    private boolean done;
    volatile int status = -1;

    Marked(String nonce, int max, CountDownLatch ends) {
      capture = new BoundedCapture(max);
      end = Pattern.compile("\n" + nonce + "(?: ([0-9]+))?\n\\z");
      hold = new byte[nonce.length() + 16];
      this.ends = ends;
    }

    synchronized void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        if (held == hold.length) {
          capture.write(hold, 0, 1);
          System.arraycopy(hold, 1, hold, 0, held - 1);
          held--;
        }
        hold[held++] = b[i];
        if (b[i] == '\n' && !done) {
          Matcher m = end.matcher(new String(hold, 0, held, StandardCharsets.ISO_8859_1));
          if (m.find()) {
            capture.write(hold, 0, m.start());
            held = 0;
            if (m.group(1) != null) {
              status = Integer.parseInt(m.group(1));
            }
            done = true;
            ends.countDown();
          }
        }
      }
    }
  }
}
