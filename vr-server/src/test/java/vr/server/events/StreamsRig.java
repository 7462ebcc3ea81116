package vr.server.events;

import io.javalin.Javalin;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import vr.common.testing.RedisDaemon;
import vr.server.api.Principal;
import vr.server.api.Router;

/** A real redis-server, the link, sender and streams on it, and Javalin serving the streams on a free port. */
final class StreamsRig implements AutoCloseable {
  static final RedisLink.Options FAST = new RedisLink.Options(Duration.ofSeconds(1), Duration.ofMillis(50),
      Duration.ofMillis(400), Duration.ofMillis(200), 8);

  final RedisDaemon redis;
  final RedisLink link;
  final EventSender sender;
  final EventStreams streams;
  final Javalin app;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  StreamsRig(Path dir, boolean redisDown, EventStreams.Options options) {
    redis = RedisDaemon.start(dir.resolve("redis"));
    if (redisDown) {
      redis.stop();
    }
    link = new RedisLink(redis.url(), FAST);
    sender = new EventSender(link, options.eventsChannel(), options.bufferKey(), options.bufferLength());
    streams = new EventStreams(link, options).start();
    app = Javalin.create(cfg -> {
      Router r = new Router(cfg.routes, (ctx, access) -> new Principal("tester", false));
      EventStreams.register(r, streams);
    }).start("127.0.0.1", 0);
  }

  StreamsRig(Path dir) {
    this(dir, false, EventStreams.Options.DEFAULTS.withKeepAlive(Duration.ofMillis(200)));
  }

  String url(String path) {
    return "http://127.0.0.1:" + app.port() + path;
  }

  static void await(String what, Duration max, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    streams.close();
    app.stop();
    link.close();
    redis.close();
  }
}
