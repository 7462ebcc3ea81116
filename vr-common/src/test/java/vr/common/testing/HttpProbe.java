package vr.common.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Sends HTTP/1.0 requests, each on a fresh connection (so that no kept-alive connection hides what a new
 * client would see), and reports the body of a 200 answer or a failure. {@link Loop} sends requests in
 * the background and counts answers per body and failures.
 */
public final class HttpProbe {
  private HttpProbe() {}

  /** The body of a 200 answer from 127.0.0.1:port, or {@code "FAIL <reason>"}. */
  public static String get(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(10000);
      OutputStream o = s.getOutputStream();
      o.write("GET / HTTP/1.0\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      o.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      String resp = buf.toString(StandardCharsets.UTF_8);
      int end = resp.indexOf("\r\n\r\n");
      String status = resp.isEmpty() ? "" : resp.substring(0, Math.max(0, resp.indexOf("\r\n")));
      if (!status.matches("HTTP/1\\.[01] 200.*") || end < 0) {
        return "FAIL " + (status.isEmpty() ? "empty answer" : status);
      }
      return resp.substring(end + 4);
    } catch (IOException e) {
      return "FAIL " + e;
    }
  }

  /** Polls until {@code ok} holds for {@code streak} answers in a row; fails after {@code timeout}. */
  public static void await(int port, Predicate<String> ok, int streak, Duration timeout, String what) {
    long end = System.nanoTime() + timeout.toNanos();
    int run = 0;
    String last = "";
    while (System.nanoTime() < end) {
      last = get(port);
      run = ok.test(last) ? run + 1 : 0;
      if (run >= streak) {
        return;
      }
      Daemons.sleep(20);
    }
    throw new AssertionError(what + " within " + timeout + "; last answer: " + last);
  }

  /** A background loop of requests; {@link #close()} stops it. */
  public static final class Loop implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final Thread thread;

    public Loop(int port) {
      thread = new Thread(() -> {
        while (running.get()) {
          String a = get(port);
          total.incrementAndGet();
          (a.startsWith("FAIL") ? failures : answers).computeIfAbsent(a, k -> new AtomicInteger()).incrementAndGet();
        }
      }, "http-loop-" + port);
      thread.setDaemon(true);
      thread.start();
    }

    public int total() {
      return total.get();
    }

    public Map<String, AtomicInteger> answers() {
      return answers;
    }

    /** Failure reasons with their counts. */
    public Map<String, AtomicInteger> failures() {
      return failures;
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(15000);
    }
  }
}
