package vr.common.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import vr.common.model.Node;

/** A tiny real HTTP server on 127.0.0.1 that answers every request with its own id: a pool member in tests. */
public final class HttpBackend implements AutoCloseable {
  private final String id;
  private final HttpServer server;
  private final AtomicInteger hits = new AtomicInteger();

  private HttpBackend(String id, HttpServer server) {
    this.id = id;
    this.server = server;
  }

  public static HttpBackend start(String id) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    HttpBackend b = new HttpBackend(id, s);
    byte[] body = id.getBytes(StandardCharsets.UTF_8);
    s.createContext("/", ex -> {
      b.hits.incrementAndGet();
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(body);
      }
    });
    s.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "backend-" + id);
      t.setDaemon(true);
      return t;
    }));
    s.start();
    return b;
  }

  public String id() {
    return id;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public Node node() {
    return new Node("127.0.0.1", port());
  }

  public int hits() {
    return hits.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
