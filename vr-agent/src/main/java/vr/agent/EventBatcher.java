package vr.agent;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Between supervisord and the {@link EventHandler}: the protocol thread hands each event over and then
 * acknowledges it, so supervisord's buffer empties as fast as the pipe allows; one worker thread takes
 * everything that piled up meanwhile and handles it as one batch. When events come one at a time a batch is one
 * event, as before; in a burst the batches grow, and the work per batch stays one RPC.
 *
 * <p>An acknowledged event lives only here until it is handled. {@link #close} refuses new events and waits
 * until the ones accepted are handled: the shutdown hook calls it on TERM, so supervisord stopping or
 * restarting the listener loses nothing (an event read but refused is never acknowledged, and supervisord
 * gives it to the listener's successor). A KILL loses what is still queued, at most {@code capacity} events.
 */
final class EventBatcher {
  private final Consumer<List<ListenerEvent>> handler;
  private final int capacity;
  private final int maxBatch;
  private final ArrayDeque<ListenerEvent> queue = new ArrayDeque<>();
  private final Thread worker;
  private boolean closed; // guarded by queue, as are the fields below
  private boolean busy;
  private boolean dead;
  private long events;
  private long batches;

  EventBatcher(Consumer<List<ListenerEvent>> handler, int capacity, int maxBatch) {
    this.handler = handler;
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.worker = new Thread(this::work, "publisher");
    worker.setDaemon(true);
  }

  void start() {
    worker.start();
  }

  /**
   * Queues the event for the worker, waiting while the queue is full (supervisord then buffers); false once
   * closed, or when the worker died: then the event must not be acknowledged.
   */
  boolean accept(ListenerEvent event) throws InterruptedException {
    synchronized (queue) {
      while (queue.size() >= capacity && !closed) {
        queue.wait();
      }
      if (closed) {
        return false;
      }
      queue.add(event);
      queue.notifyAll();
      return true;
    }
  }

  /** True when the worker thread ended by an error; the listener should then exit and be restarted. */
  boolean dead() {
    synchronized (queue) {
      return dead;
    }
  }

  /**
   * Refuses further events and waits up to {@code limit} until every accepted one is handled; true when they
   * all were. Safe to call more than once.
   */
  boolean close(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (queue) {
      closed = true;
      queue.notifyAll();
      while ((!queue.isEmpty() || busy) && !dead) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        queue.wait(left);
      }
      return queue.isEmpty();
    }
  }

  /** Events handled and batches they came in, for the log. */
  String stats() {
    synchronized (queue) {
      return events + " event(s) in " + batches + " batch(es)";
    }
  }

  private void work() {
    try {
      while (true) {
        List<ListenerEvent> batch = new ArrayList<>();
        synchronized (queue) {
          busy = false;
          queue.notifyAll();
          while (queue.isEmpty()) {
            if (closed) {
              return;
            }
            queue.wait();
          }
          while (!queue.isEmpty() && batch.size() < maxBatch) {
            batch.add(queue.poll());
          }
          busy = true;
          events += batch.size();
          batches++;
          queue.notifyAll(); // room for the protocol thread
        }
        try {
          handler.accept(batch);
        } catch (RuntimeException e) {
          Log.error("handling " + batch.size() + " event(s) failed: " + e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Error e) {
      Log.error("the publisher thread died: " + e);
      throw e;
    } finally {
      synchronized (queue) {
        if (!closed || !queue.isEmpty()) {
          dead = true;
          closed = true;
        }
        busy = false;
        queue.notifyAll();
      }
    }
  }
}
