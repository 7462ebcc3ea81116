package vr.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import vr.common.supervisor.ProcessInfo;
import vr.common.supervisor.SupervisorClient;
import vr.common.testing.Daemons;
import vr.common.testing.RedisDaemon;
import vr.common.testing.SupervisorDaemon;

/**
 * proc_publisher under a real supervisord, configured as the suite writes it ({@link ListenerSection}),
 * publishing to a real Redis: what a subscriber receives for start, stop and crash, the hash and its TTL, a
 * Redis outage, and events whose handling fails.
 */
class ProcPublisherIT {
  private static final String WEB = "shop-v7-prod-0f3c9a21-web-5012";
  private static final String HOST = "app1.example.com";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;
  RedisDaemon redis;
  SupervisorDaemon sup;
  Subscriber subscriber;

  @AfterEach
  void stopAll() {
    if (subscriber != null) {
      subscriber.close();
    }
    if (sup != null) {
      sup.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  /** The suite's [eventlistener] section, with our command line and test environment. */
  static String listenerSection(String redisUrl, String extraEnv, Path stderr) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return ListenerSection.render(java + " -Xmx32m -XX:+UseSerialGC -cp "
            + System.getProperty("java.class.path").replace("%", "%%") + " vr.agent.ProcPublisher",
            "REDIS_URL=\"" + redisUrl + "\",HOSTNAME=\"" + HOST + "\"" + extraEnv)
        + "stderr_logfile=" + stderr + "\n";
  }

  /** supervisord with WEB (and {@code extraPrograms}) and the listener; the listener gets the right password or not. */
  private SupervisorClient start(String redisUrl, boolean rightPassword, String extraPrograms) {
    String password = "pw" + Daemons.freePort();
    sup = SupervisorDaemon.builder(tmp.resolve("sup"))
        .password(password)
        .env(Map.of("VR_TEST_SUP_PASSWORD", rightPassword ? password : "wrong"))
        .section("[program:" + WEB + "]\ncommand=sleep 1000\nautostart=false\nautorestart=false\nstartsecs=1\n")
        .section(extraPrograms)
        .section(listenerSection(redisUrl,
            ",SUPERVISOR_USERNAME=\"vr\",SUPERVISOR_PASSWORD=\"%(ENV_VR_TEST_SUP_PASSWORD)s\"", tmp.resolve("publisher.err")))
        .start();
    SupervisorClient c = SupervisorClient.connect(sup.httpUrl(), sup.username(), sup.password());
    await(() -> c.getProcessInfo("proc_publisher").statename().equals("RUNNING"), "the listener runs");
    return c;
  }

  private Jedis jedis(int db) {
    DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().database(db);
    if (redis.password() != null) {
      b.password(redis.password());
    }
    return new Jedis(new HostAndPort("127.0.0.1", redis.port()), b.build());
  }

  @Test
  void startStopCrashAndRemovalArePublishedAndTheHashFollows() throws Exception {
    redis = RedisDaemon.start(tmp.resolve("redis"), "s3cret");
    subscriber = new Subscriber(jedis(0));
    SupervisorClient c = start(redis.url(3), true, "");
    String hashKey = "host_procs:" + HOST;

    c.startProcess(WEB);
    Map<String, Object> starting = subscriber.await(m -> WEB.equals(m.get("name")) && "PROCESS_STATE_STARTING".equals(m.get("event")));
    Map<String, Object> running = subscriber.await(m -> WEB.equals(m.get("name")) && "PROCESS_STATE_RUNNING".equals(m.get("event")));
    assertThat(running).containsOnlyKeys("app_name", "config_name", "description", "exitstatus", "group", "hash", "host",
        "id", "jsname", "logfile", "name", "now", "pid", "port", "proc_name", "spawnerr", "start_time", "state", "statename",
        "stderr_logfile", "stdout_logfile", "stop_time", "version", "event");
    assertThat(running).containsEntry("host", HOST).containsEntry("id", HOST + "-" + WEB).containsEntry("app_name", "shop")
        .containsEntry("version", "v7").containsEntry("config_name", "prod").containsEntry("hash", "0f3c9a21")
        .containsEntry("proc_name", "web").containsEntry("port", 5012).containsEntry("jsname", WEB)
        .containsEntry("statename", "RUNNING").containsEntry("stop_time", null)
        .containsEntry("pid", c.getProcessInfo(WEB).pid());
    assertThat((String) running.get("start_time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00");
    assertThat(starting.get("start_time")).isEqualTo(running.get("start_time"));

    try (Jedis j = jedis(3)) {
      await(() -> j.hget(hashKey, WEB) != null && j.hget(hashKey, WEB).contains("\"statename\":\"RUNNING\""), "hash says RUNNING");
      Map<String, Object> cached = JSON.readValue(j.hget(hashKey, WEB), new TypeReference<>() {});
      assertThat(cached).containsEntry("name", WEB).containsEntry("group", WEB).containsKeys("start", "stop", "now", "pid");
      assertThat(j.hkeys(hashKey)).contains(WEB, "proc_publisher");
      assertThat(j.ttl(hashKey)).isBetween(590L, 600L);
    }

    c.stopProcess(WEB);
    subscriber.await(m -> WEB.equals(m.get("name")) && "PROCESS_STATE_STOPPING".equals(m.get("event")));
    Map<String, Object> stopped = subscriber.await(m -> WEB.equals(m.get("name")) && "PROCESS_STATE_STOPPED".equals(m.get("event")));
    assertThat(stopped.get("stop_time")).isNotNull();

    // a crash: kill the program behind supervisord's back
    c.startProcess(WEB);
    subscriber.await(m -> WEB.equals(m.get("name")) && "PROCESS_STATE_RUNNING".equals(m.get("event")));
    ProcessHandle.of(c.getProcessInfo(WEB).pid()).orElseThrow().destroyForcibly();
    Map<String, Object> exited = subscriber.await(m -> WEB.equals(m.get("name")) && "PROCESS_STATE_EXITED".equals(m.get("event")));
    assertThat(exited).containsEntry("statename", "EXITED");
    try (Jedis j = jedis(3)) {
      await(() -> j.hget(hashKey, WEB).contains("\"statename\":\"EXITED\""), "hash says EXITED");
    }

    c.removeProcessGroup(WEB);
    Map<String, Object> removed = subscriber.await(m -> "PROCESS_GROUP_REMOVED".equals(m.get("event")));
    assertThat(removed).containsEntry("name", WEB).containsEntry("id", HOST + "-" + WEB).containsEntry("host", HOST)
        .containsEntry("app_name", "shop").containsEntry("port", 5012).containsEntry("payload_headers", Map.of("groupname", WEB))
        .containsKey("time");
    try (Jedis j = jedis(3)) {
      await(() -> !j.hexists(hashKey, WEB), "removed proc leaves the hash");
      assertThat(j.hexists(hashKey, "proc_publisher")).isTrue();
    }
  }

  @Test
  void aRedisOutageNeitherKillsTheListenerNorLeavesTheHashStale() throws Exception {
    redis = RedisDaemon.start(tmp.resolve("redis"));
    SupervisorClient c = start(redis.url(), true, "");
    String hashKey = "host_procs:" + HOST;
    try (Jedis j = jedis(0)) {
      await(() -> j.hexists(hashKey, "proc_publisher"), "first snapshot");
    }
    int listenerPid = c.getProcessInfo("proc_publisher").pid();

    redis.stop();
    c.startProcess(WEB);
    c.stopProcess(WEB);
    c.startProcess(WEB); // events happen while Redis is away; the last state is RUNNING
    assertThat(c.getProcessInfo("proc_publisher").pid()).isEqualTo(listenerPid);
    redis.start(); // same port, empty: it forgot everything

    try (Jedis j = jedis(0)) {
      // no event is needed: the reconnect publishes a fresh snapshot by itself
      await(() -> j.hexists(hashKey, WEB) && j.hget(hashKey, WEB).contains("\"statename\":\"RUNNING\""), "fresh snapshot");
      assertThat(j.ttl(hashKey)).isBetween(590L, 600L);
    }
    assertThat(c.getProcessInfo("proc_publisher").pid()).isEqualTo(listenerPid);
    assertThat(c.getProcessInfo("proc_publisher").statename()).isEqualTo("RUNNING");

    subscriber = new Subscriber(jedis(0));
    c.stopProcess(WEB);
    subscriber.await(m -> WEB.equals(m.get("name")) && "PROCESS_STATE_STOPPED".equals(m.get("event")));
    String log = Files.readString(tmp.resolve("publisher.err"));
    assertThat(log).contains("unavailable").contains("is back after");
  }

  @Test
  void eventsWhoseHandlingFailsAreLoggedAndAcknowledged() throws Exception {
    redis = RedisDaemon.start(tmp.resolve("redis"));
    subscriber = new Subscriber(jedis(0));
    // the listener gets a wrong supervisor password: every RPC fails with 401
    SupervisorClient c = start(redis.url(), false, "[program:other]\ncommand=sleep 1000\nautostart=false\n");
    int listenerPid = c.getProcessInfo("proc_publisher").pid();

    c.startProcess(WEB);
    c.stopProcess(WEB);
    c.removeProcessGroup(WEB);
    c.removeProcessGroup("other");

    // both removals arrive: each needed the previous events acknowledged
    subscriber.await(m -> "PROCESS_GROUP_REMOVED".equals(m.get("event")) && WEB.equals(m.get("name")));
    subscriber.await(m -> "PROCESS_GROUP_REMOVED".equals(m.get("event")) && "other".equals(m.get("name")));
    assertThat(c.getProcessInfo("proc_publisher").pid()).isEqualTo(listenerPid);
    String log = Files.readString(tmp.resolve("publisher.err"));
    assertThat(log).contains("handling PROCESS_STATE_STARTING").contains("rejected the credentials (HTTP 401)");
  }

  static void await(java.util.function.BooleanSupplier cond, String what) {
    for (int i = 0; i < 400; i++) {
      try {
        if (cond.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      Daemons.sleep(50);
    }
    throw new AssertionError("timed out waiting until " + what);
  }

  /** Subscribes to proc_events in a thread and keeps every message, parsed. */
  static final class Subscriber implements AutoCloseable {
    final BlockingQueue<Map<String, Object>> messages = new LinkedBlockingQueue<>();
    final List<Map<String, Object>> seen = new ArrayList<>();
    final Jedis jedis;
    final JedisPubSub pubsub = new JedisPubSub() {
      @Override
      public void onMessage(String channel, String message) {
        try {
          messages.add(JSON.readValue(message, new TypeReference<Map<String, Object>>() {}));
        } catch (IOException e) {
          messages.add(Map.of("unparseable", message));
        }
      }
    };
    final Thread thread;

    Subscriber(Jedis jedis) {
      this.jedis = jedis;
      thread = new Thread(() -> jedis.subscribe(pubsub, "proc_events"), "subscriber");
      thread.setDaemon(true);
      thread.start();
      ProcPublisherIT.await(() -> pubsub.isSubscribed(), "subscribed");
    }

    /** The first message (seen before or arriving within 20 s) that matches. */
    Map<String, Object> await(Predicate<Map<String, Object>> match) throws InterruptedException {
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      for (Map<String, Object> m : seen) {
        if (match.test(m)) {
          return m;
        }
      }
      while (System.nanoTime() < end) {
        Map<String, Object> m = messages.poll(100, TimeUnit.MILLISECONDS);
        if (m != null) {
          seen.add(m);
          if (match.test(m)) {
            return m;
          }
        }
      }
      throw new AssertionError("no matching message within 20 s; got " + seen);
    }

    @Override
    public void close() {
      try {
        pubsub.unsubscribe();
      } catch (RuntimeException ignored) {
        // connection already gone
      }
      jedis.close();
    }
  }
}
