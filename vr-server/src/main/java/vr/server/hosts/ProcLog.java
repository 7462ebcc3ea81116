package vr.server.hosts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import vr.common.supervisor.LogTail;
import vr.common.supervisor.SupervisorFault;

/**
 * Follows a proc's stdout log through its host's supervisord ({@code tailProcessStdoutLog} polled over the SSH
 * forward), from the end of the log as it is when the tail opens. The original proxied supervisord's
 * {@code /logtail/} over plain HTTP with supervisord's credentials. Memory is bounded: each poll asks for at
 * most {@code chunk} bytes (when more arrived, the middle is skipped and said so), and a line longer than
 * {@code chunk} is passed on in pieces.
 */
public final class ProcLog {

  /** Where the lines go. Any {@link IOException} (the client went away) ends the tail. */
  public interface Sink {
    void line(String line) throws IOException;

    /** Nothing arrived for a while: a chance to find out whether the client is still there. */
    void idle() throws IOException;

    /** The tail ends because the host or supervisord stopped answering. */
    void end(String reason) throws IOException;
  }

  private final HostAccess access;
  private final Duration poll;
  private final Duration heartbeat;
  private final int chunk;

  /**
   * @param poll how often supervisord is asked for new output
   * @param heartbeat how long without output before {@link Sink#idle()}
   * @param chunk the most bytes one poll reads
   */
  public ProcLog(HostAccess access, Duration poll, Duration heartbeat, int chunk) {
    this.access = access;
    this.poll = poll;
    this.heartbeat = heartbeat;
    this.chunk = chunk;
  }

  /**
   * Opens a tail of {@code proc} on {@code host}: the host's supervisord is reached and the proc looked up now,
   * so an unknown proc or a down host fails here, before anything is sent. The caller closes it.
   */
  public Tail open(String host, String proc) {
    HostAccess.Supervisor s = access.supervisor(host, null);
    try {
      String name;
      try {
        name = s.client().getProcessInfo(proc).namespec();
      } catch (SupervisorFault f) {
        if (f.is(SupervisorFault.Fault.BAD_NAME)) {
          throw new ProcNotFoundException(host, proc);
        }
        throw f;
      }
      long offset = s.client().tailProcessStdoutLog(name, 0, 0).offset();
      return new Tail(s, name, offset);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** An open tail: {@link #run} follows it until the sink fails, the thread is interrupted or the host stops answering. */
  public final class Tail implements AutoCloseable {
    private final HostAccess.Supervisor supervisor;
    private final String name;
    private long offset;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    private Tail(HostAccess.Supervisor supervisor, String name, long offset) {
      this.supervisor = supervisor;
      this.name = name;
      this.offset = offset;
    }

    public void run(Sink sink) throws IOException {
      long quietSince = System.nanoTime();
      while (!Thread.currentThread().isInterrupted()) {
        LogTail t;
        try {
          t = supervisor.client().tailProcessStdoutLog(name, Math.toIntExact(Math.min(offset, Integer.MAX_VALUE)), chunk);
        } catch (RuntimeException e) {
          sink.end(HostProcs.reason(e));
          return;
        }
        boolean got = take(t, sink);
        long now = System.nanoTime();
        if (got) {
          quietSince = now;
        } else if (now - quietSince >= heartbeat.toNanos()) {
          sink.idle();
          quietSince = now;
        }
        try {
          Thread.sleep(poll.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    /**
     * supervisord answers with the last {@code min(chunk, size)} bytes of the log and its size, whatever the offset
     * asked (its {@code tailFile}): the new bytes are the last {@code size - offset} of them. A log that shrank was
     * rotated: follow the new one from its current end.
     */
    private boolean take(LogTail t, Sink sink) throws IOException {
      long size = t.offset();
      long fresh = size - offset;
      long before = offset;
      offset = size;
      if (fresh <= 0) {
        return false;
      }
      byte[] data = t.text().getBytes(StandardCharsets.UTF_8);
      int from = (int) Math.max(0, data.length - fresh);
      if (fresh > data.length) {
        if (partial.size() > 0) {
          flushPartial(sink);
        }
        sink.line("[... " + (fresh - data.length) + " bytes of the log skipped after offset " + before + " ...]");
      }
      for (int i = from; i < data.length; i++) {
        byte b = data[i];
        if (b == '\n') {
          flushPartial(sink);
        } else {
          partial.write(b);
          if (partial.size() >= chunk) {
            flushPartial(sink);
          }
        }
      }
      return true;
    }

    private void flushPartial(Sink sink) throws IOException {
      String line = partial.toString(StandardCharsets.UTF_8);
      partial.reset();
      sink.line(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }

    @Override
    public void close() {
      supervisor.close();
    }
  }
}
