package vr.common.ssh;

/**
 * Receives a remote command's output line by line as it arrives (build logs, progress). It is called on the
 * SSH client's I/O thread: it must return quickly (hand the line to a queue, a log, a bounded buffer) and
 * must not block, or it holds up every other channel served by that thread.
 */
@FunctionalInterface
public interface OutputListener {
  /** Which of the command's streams a line came from. */
  enum Stream { STDOUT, STDERR }

  void line(Stream stream, String line);
}
