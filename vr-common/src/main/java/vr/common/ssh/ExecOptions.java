package vr.common.ssh;

import java.time.Duration;

/**
 * How to run one remote command: how long it may take before it is killed, who receives its output line
 * by line, how much of each stream the result keeps, whether it runs as root through sudo, what it reads
 * on stdin, and a {@link Cancellation} that stops it early.
 *
 * <pre>
 * hosts.exec("build1", "vbuild build app.yaml",
 *     ExecOptions.defaults().timeout(Duration.ofMinutes(30)).onLine((s, l) -&gt; log.add(l))).orThrow();
 * </pre>
 */
public record ExecOptions(Duration timeout, OutputListener onLine, int maxCapturedBytes, boolean sudo, byte[] stdin,
    Cancellation cancellation) {
  /** A line longer than this reaches the listener in pieces. */
  static final int MAX_LINE_BYTES = 64 * 1024;

  public ExecOptions {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, not " + timeout);
    }
    if (maxCapturedBytes < 0) {
      throw new IllegalArgumentException("maxCapturedBytes must not be negative");
    }
    stdin = stdin == null ? new byte[0] : stdin;
  }

  /** Two minutes, no listener, 64 KiB kept per stream, as the login user, empty stdin, not cancellable. */
  public static ExecOptions defaults() {
    return new ExecOptions(Duration.ofMinutes(2), null, 64 * 1024, false, new byte[0], null);
  }

  public ExecOptions timeout(Duration t) {
    return new ExecOptions(t, onLine, maxCapturedBytes, sudo, stdin, cancellation);
  }

  public ExecOptions onLine(OutputListener l) {
    return new ExecOptions(timeout, l, maxCapturedBytes, sudo, stdin, cancellation);
  }

  public ExecOptions maxCapturedBytes(int max) {
    return new ExecOptions(timeout, onLine, max, sudo, stdin, cancellation);
  }

  /** Run as root: directly when the login user is root, else through {@code sudo -n}. */
  public ExecOptions sudo(boolean s) {
    return new ExecOptions(timeout, onLine, maxCapturedBytes, s, stdin, cancellation);
  }

  public ExecOptions stdin(byte[] in) {
    return new ExecOptions(timeout, onLine, maxCapturedBytes, sudo, in, cancellation);
  }

  public ExecOptions cancellation(Cancellation c) {
    return new ExecOptions(timeout, onLine, maxCapturedBytes, sudo, stdin, c);
  }
}
