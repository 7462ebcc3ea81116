package vr.server.events;

import io.javalin.http.sse.SseClient;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One connected SSE client: a bounded queue of frames and a writer thread of its own, so that a client that reads
 * slowly blocks only itself. The fan-out only offers frames (it never waits); a client whose queue is full is
 * dropped (it reconnects with its {@code Last-Event-ID} and replays what it missed). A write that fails means
 * the client went away: the writer ends, and {@code onEnd} removes the client from its stream.
 */
final class StreamClient {
  private final SseClient sse;
  private final BlockingQueue<String> queue;
  private final Duration keepAlive;
  private final Consumer<StreamClient> onEnd;
  private final Thread writer;
  private volatile boolean ended;

  /** The ids this client was sent lately (guarded by its stream's lock): no event twice across replay and live. */
  private final Map<String, Boolean> seen;
  private String lastId; // guarded by the stream's lock

  StreamClient(SseClient sse, String name, int queueSize, Duration keepAlive, String lastId, int remember,
      Consumer<StreamClient> onEnd) {
    this.sse = sse;
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.keepAlive = keepAlive;
    this.onEnd = onEnd;
    this.lastId = lastId;
    this.seen = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > remember;
      }
    };
    this.writer = new Thread(null, this::writeLoop, name, 256 * 1024);
    this.writer.setDaemon(true);
  }

  void start() {
    writer.start();
  }

  /** The id of the last event queued for it (for catching up from the buffer), or its Last-Event-ID. */
  String lastId() {
    return lastId;
  }

  /**
   * Queues an event unless it was sent already. False when the queue is full: the caller drops the client.
   */
  boolean offerEvent(Envelope e) {
    if (seen.containsKey(e.id())) {
      return true;
    }
    if (!queue.offer(e.frame())) {
      return false;
    }
    seen.put(e.id(), Boolean.TRUE);
    lastId = e.id();
    return true;
  }

  /** Queues a frame; false when the queue is full. */
  boolean offer(String frame) {
    return queue.offer(frame);
  }

  boolean ended() {
    return ended;
  }

  /** Ends the stream: the writer stops (at once if it waits, after its current write if it writes) and closes it. */
  void end() {
    ended = true;
    writer.interrupt();
  }

  /** Waits for the writer to finish closing the stream. */
  void awaitEnd(long millis) throws InterruptedException {
    writer.join(Math.max(1, millis));
  }

  private void writeLoop() {
    List<String> batch = new ArrayList<>();
    try {
      OutputStream out = sse.ctx().res().getOutputStream();
      write(out, Frames.HELLO);
      while (!ended) {
        String first = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
        if (ended) {
          break;
        }
        if (first == null) {
          write(out, Frames.KEEP_ALIVE);
          continue;
        }
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, 256);
        write(out, String.join("", batch));
      }
    } catch (InterruptedException e) {
      // ended
    } catch (Exception e) {
      // the client went away (or the response is no longer writable): end it
    } finally {
      ended = true;
      onEnd.accept(this);
      try {
        sse.close();
      } catch (RuntimeException ignored) {
        // the request is over either way
      }
    }
  }

  private static void write(OutputStream out, String text) throws java.io.IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
