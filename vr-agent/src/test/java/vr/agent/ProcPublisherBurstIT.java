package vr.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import vr.common.supervisor.ProcessInfo;
import vr.common.supervisor.SupervisorClient;
import vr.common.testing.Daemons;
import vr.common.testing.RedisDaemon;
import vr.common.testing.SupervisorDaemon;

/**
 * A whole host's procs changing state at once (issue 13): 200 procs under one supervisord with proc_publisher
 * configured as the suite writes it, all stopped together and started again with {@code supervisorctl}.
 * {@code stop all} stops the listener too, so the 400 stop events wait in supervisord's buffer while the
 * listener is down, and the 400 start events join them while its JVM starts. Every message must arrive, in
 * order and once, supervisord must never have discarded an event, the hash must end up current, and the
 * listener must have served its events with far fewer snapshots than events. With supervisord's default
 * buffer of 10 events nearly all of them were lost.
 */
class ProcPublisherBurstIT {
  private static final int PROCS = 200;
  private static final String HOST = "app1.example.com"; // what ProcPublisherIT.listenerSection sets
  private static final List<String> LIFE = List.of("PROCESS_STATE_STARTING", "PROCESS_STATE_RUNNING",
      "PROCESS_STATE_STOPPING", "PROCESS_STATE_STOPPED", "PROCESS_STATE_STARTING", "PROCESS_STATE_RUNNING");

  @TempDir
  Path tmp;
  RedisDaemon redis;
  SupervisorDaemon sup;
  ProcPublisherIT.Subscriber subscriber;

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

  static String proc(int i) {
    return "burst-v1-prod-0f3c9a21-web-" + (6000 + i);
  }

  @Test
  void restartingTwoHundredProcsTogetherLosesNoEvent() throws Exception {
    redis = RedisDaemon.start(tmp.resolve("redis"));
    subscriber = new ProcPublisherIT.Subscriber(jedis());
    String password = "pw" + Daemons.freePort();
    SupervisorDaemon.Builder b = SupervisorDaemon.builder(tmp.resolve("sup")).password(password)
        .env(Map.of("VR_TEST_SUP_PASSWORD", password));
    for (int i = 0; i < PROCS; i++) {
      b.section("[program:" + proc(i) + "]\ncommand=sleep 100000\nautostart=true\nautorestart=false\nstartsecs=0\n");
    }
    b.section(ProcPublisherIT.listenerSection(redis.url(),
        ",SUPERVISOR_USERNAME=\"vr\",SUPERVISOR_PASSWORD=\"%(ENV_VR_TEST_SUP_PASSWORD)s\"", tmp.resolve("publisher.err")));
    sup = b.start();
    SupervisorClient c = SupervisorClient.connect(sup.httpUrl(), sup.username(), sup.password());
    Map<String, List<String>> events = new LinkedHashMap<>();
    for (int i = 0; i < PROCS; i++) {
      events.put(proc(i), new ArrayList<>());
    }
    // supervisord's own start is a burst too (201 PROCESS_GROUP_ADDED, 400 state events): let the listener
    // catch up, so that what follows is one restart's worth
    collect(events, 2, Duration.ofSeconds(90));
    check(events, LIFE.subList(0, 2));

    supervisorctl("stop", "all");
    assertThat(running(c)).isZero();
    supervisorctl("start", "all");
    assertThat(running(c)).isEqualTo(PROCS + 1);
    collect(events, LIFE.size(), Duration.ofSeconds(90));
    Thread.sleep(500); // anything beyond a whole life would be a duplicate: let it show
    collect(events, Integer.MAX_VALUE, Duration.ZERO);
    check(events, LIFE);

    String hashKey = "host_procs:" + HOST;
    try (Jedis j = jedis()) {
      // every proc, the listener itself and the time of the snapshot
      ProcPublisherIT.await(() -> j.hlen(hashKey) == PROCS + 2 && j.hgetAll(hashKey).entrySet().stream()
          .filter(e -> !e.getKey().equals(vr.common.events.Channels.HOST_PROCS_UPDATED))
          .allMatch(e -> e.getValue().contains("\"statename\":\"RUNNING\"")), "the hash lists every proc RUNNING");
    }

    // the first listener, stopped by "stop all", said how many snapshots its events cost
    Matcher m = Pattern.compile("stopping: handled (\\d+) event\\(s\\) in (\\d+) batch").matcher(
        Files.readString(tmp.resolve("publisher.err")));
    assertThat(m.find()).as("the listener logged its count on TERM").isTrue();
    System.out.println("first listener: " + m.group());
    assertThat(Integer.parseInt(m.group(2))).as("snapshots for %s events", m.group(1))
        .isLessThan(Integer.parseInt(m.group(1)) / 2);
  }

  private void check(Map<String, List<String>> events, List<String> expected) {
    List<String> wrong = new ArrayList<>();
    Map<String, Integer> perEvent = new TreeMap<>();
    events.forEach((name, seen) -> {
      seen.forEach(e -> perEvent.merge(e, 1, Integer::sum));
      if (!seen.equals(expected)) {
        wrong.add(name + " " + seen);
      }
    });
    long discarded = sup.log().lines().filter(l -> l.contains("event buffer overflowed")).count();
    assertThat(wrong.isEmpty()).as("%d of %d procs did not get exactly %s; messages per event: %s; supervisord discarded"
        + " %d events; the first: %s", wrong.size(), PROCS, expected, perEvent, discarded, wrong.stream().limit(5).toList())
        .isTrue();
    assertThat(discarded).isZero();
  }

  private Jedis jedis() {
    return new Jedis(new HostAndPort("127.0.0.1", redis.port()), DefaultJedisClientConfig.builder().build());
  }

  private static long running(SupervisorClient c) {
    return c.getAllProcessInfo().stream().map(ProcessInfo::statename).filter("RUNNING"::equals).count();
  }

  /** Adds the proc_events names per proc until each proc has {@code upTo} or time is up. */
  private void collect(Map<String, List<String>> events, int upTo, Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (events.values().stream().anyMatch(l -> l.size() < upTo)) {
      Map<String, Object> m = subscriber.messages.poll(Math.max(0, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      if (m == null) {
        return;
      }
      List<String> seen = events.get(String.valueOf(m.get("name")));
      if (seen != null && HOST.equals(m.get("host"))) {
        seen.add(String.valueOf(m.get("event")));
      }
    }
  }

  /** Runs supervisorctl against the test's supervisord, as an operator would. */
  private void supervisorctl(String... args) throws IOException, InterruptedException {
    Path conf = tmp.resolve("supervisorctl.conf");
    Files.writeString(conf, "[supervisorctl]\nserverurl=" + sup.unixUrl() + "\nusername=" + sup.username()
        + "\npassword=" + sup.password() + "\n");
    List<String> cmd = new ArrayList<>(List.of("supervisorctl", "-c", conf.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("supervisorctl %s finished", List.of(args)).isTrue();
    assertThat(p.exitValue()).as("supervisorctl %s: %s", List.of(args), out).isZero();
  }
}
