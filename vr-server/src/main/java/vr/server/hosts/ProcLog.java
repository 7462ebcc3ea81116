package vr.server.hosts;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import vr.common.supervisor.LogTail;
import vr.common.supervisor.SupervisorFault;
import vr.common.supervisor.SupervisorUnreachableException;

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
    private final LogLines lines;

    private Tail(HostAccess.Supervisor supervisor, String name, long offset) {
      this.supervisor = supervisor;
      this.name = name;
      this.lines = new LogLines(offset, chunk);
    }

    public void run(Sink sink) throws IOException {
      long quietSince = System.nanoTime();
      while (!Thread.currentThread().isInterrupted()) {
        LogTail t;
        try {
          t = poll();
        } catch (RuntimeException e) {
          sink.end(HostProcs.reason(e));
          return;
        }
        List<String> got = lines.take(t);
        for (String l : got) {
          sink.line(l);
        }
        long now = System.nanoTime();
        if (!got.isEmpty()) {
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
     * One poll. supervisord decodes the bytes it read as UTF-8 strictly, so a chunk that starts inside a character
     * fails there (a 500 or a fault); a UTF-8 character has at most 4 bytes, so one of 4 lengths starts on one.
     */
    private LogTail poll() {
      int offset = (int) Math.min(lines.offset(), Integer.MAX_VALUE);
      RuntimeException last = null;
      for (int cut = 0; cut < 4; cut++) {
        try {
          return supervisor.client().tailProcessStdoutLog(name, offset, chunk - cut);
        } catch (SupervisorUnreachableException | SupervisorFault e) {
          if (e instanceof SupervisorFault f && f.is(SupervisorFault.Fault.BAD_NAME)) {
            throw f; // the proc is gone
          }
          last = e;
        }
      }
      throw last;
    }

    @Override
    public void close() {
      supervisor.close();
    }
  }
}
