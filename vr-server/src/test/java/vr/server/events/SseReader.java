package vr.server.events;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test's SSE client over java.net.http: reads the stream on a thread of its own and splits it into frames (the
 * non-comment lines up to a blank line) and comment lines.
 */
final class SseReader implements AutoCloseable {
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
  private final BlockingQueue<Long> frameTimes = new LinkedBlockingQueue<>();
  private final HttpResponse<InputStream> response;
  private final Thread reader;

  private SseReader(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = new Thread(this::readLoop, "sse-reader");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Opens {@code url} with {@code Accept: text/event-stream} and the given headers; waits for the first comment. */
  static SseReader open(HttpClient http, String url, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
    headers.forEach(b::header);
    HttpResponse<InputStream> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new AssertionError("status " + r.statusCode() + " from " + url);
    }
    SseReader s = new SseReader(r);
    String hello = s.comments.poll(10, TimeUnit.SECONDS);
    if (hello == null) {
      throw new AssertionError("no first comment from " + url);
    }
    return s;
  }

  int status() {
    return response.statusCode();
  }

  String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private void readLoop() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith(":")) {
          comments.add(line);
        } else if (line.isEmpty()) {
          if (!lines.isEmpty()) {
            frameTimes.add(System.nanoTime());
            frames.add(String.join("\n", lines));
            lines.clear();
          }
        } else {
          lines.add(line);
        }
      }
    } catch (Exception e) {
      // closed
    }
  }

  /** The next frame, or null after {@code max}. */
  String next(Duration max) throws InterruptedException {
    return frames.poll(max.toMillis(), TimeUnit.MILLISECONDS);
  }

  String nextComment(Duration max) throws InterruptedException {
    return comments.poll(max.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The nanoTime at which the next frame was read (in step with {@link #next}). */
  Long nextFrameTime(Duration max) throws InterruptedException {
    return frameTimes.poll(max.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The {@code id:} of a frame. */
  static String id(String frame) {
    for (String l : frame.split("\n")) {
      if (l.startsWith("id: ")) {
        return l.substring(4);
      }
    }
    return null;
  }

  @Override
  public void close() throws Exception {
    response.body().close();
    reader.interrupt();
  }
}
