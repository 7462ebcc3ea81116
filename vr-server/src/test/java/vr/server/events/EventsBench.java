package vr.server.events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The event streams benchmark (run by scripts/bench.d/events.sh): with N SSE clients connected to
 * {@code /api/streams/events/} through real HTTP and a real redis-server, the time from one publish to the moment
 * the last client has read the event, against the same time with one client, measured in the same run (median
 * of the runs of each). Clients read in this JVM (java.net.http), so their parsing is in the figure.
 *
 * <p>Usage: {@code EventsBench [clients] [runs]}.
 */
public final class EventsBench {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private EventsBench() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    Path tmp = Files.createTempDirectory("vr-bench-events");
    try (StreamsRig rig = new StreamsRig(tmp.resolve("rig"), false, EventStreams.Options.DEFAULTS)) {
      StreamsRig.await("subscription", WAIT, rig.streams::subscribed);
      List<SseReader> readers = new ArrayList<>();
      readers.add(SseReader.open(rig.http, rig.url("/api/streams/events/"), Map.of()));
      warm(rig, readers, 20);
      List<Double> one = measure(rig, readers, runs);
      // the newcomers start after the last event sent, not with a replay of the buffer
      String last = rig.sender.publish("mark", null, "bench", null).orElseThrow().id();
      readers.get(0).next(WAIT);
      readers.get(0).nextFrameTime(WAIT);
      for (int i = 1; i < clients; i++) {
        readers.add(SseReader.open(rig.http, rig.url("/api/streams/events/"), Map.of("Last-Event-ID", last)));
      }
      StreamsRig.await("clients", WAIT, () -> rig.streams.clients() == clients);
      warm(rig, readers, 5);
      List<Double> many = measure(rig, readers, runs);
      double base = median(one);
      double slowest = median(many);
      System.out.printf("1 client:    median %.2f ms (min %.2f, max %.2f) from PUBLISH to the client's read%n",
          base, Collections.min(one), Collections.max(one));
      System.out.printf("%d clients: median %.2f ms (min %.2f, max %.2f) from PUBLISH to the last client's read%n",
          clients, slowest, Collections.min(many), Collections.max(many));
      System.out.printf("ratio %d clients / 1 client: %.1fx (%d runs each; one Redis subscription: %d)%n",
          clients, slowest / base, runs, rig.streams.subscriptions());
      for (SseReader r : readers) {
        r.close();
      }
    }
  }

  private static void warm(StreamsRig rig, List<SseReader> readers, int n) throws Exception {
    measure(rig, readers, n);
  }

  /** Milliseconds from just before each publish to the last reader's read of that event. */
  private static List<Double> measure(StreamsRig rig, List<SseReader> readers, int runs) throws Exception {
    List<Double> out = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      Thread.sleep(100); // let the previous event settle everywhere
      long t0 = System.nanoTime();
      String id = rig.sender.publish("bench " + run, List.of("bench"), "bench", null).orElseThrow().id();
      long lastRead = 0;
      for (SseReader r : readers) {
        String f = r.next(WAIT);
        Long at = r.nextFrameTime(WAIT);
        if (f == null || at == null || !id.equals(SseReader.id(f))) {
          throw new IllegalStateException("a client missed event " + id + ": " + f);
        }
        lastRead = Math.max(lastRead, at);
      }
      out.add((lastRead - t0) / 1e6);
    }
    return out;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
