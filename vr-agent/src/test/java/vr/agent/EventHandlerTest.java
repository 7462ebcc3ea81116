package vr.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vr.common.supervisor.Host;
import vr.common.supervisor.RpcTransport;
import vr.common.supervisor.SupervisorClient;

class EventHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WEB = "shop-v7-prod-0f3c9a21-web-5012";
  private static final String WORKER = "shop-v7-prod-0f3c9a21-worker-5013";

  private final FakeSupervisor supervisor = new FakeSupervisor();
  private final Recorder redis = new Recorder();
  private final EventHandler handler = new EventHandler(new Host("app1.example.com",
      new SupervisorClient(supervisor, SupervisorClient.Options.defaults().withRetries(0, Duration.ZERO))), redis);
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @AfterEach
  void restoreLog() {
    Log.to(System.err);
  }

  static ListenerEvent state(String event, String proc) {
    return ListenerEvent.parse("ver:3.0 eventname:" + event + " len:0", "processname:" + proc + " groupname:" + proc
        + " from_state:STARTING pid:42");
  }

  static ListenerEvent removed(String group) {
    return ListenerEvent.parse("ver:3.0 eventname:PROCESS_GROUP_REMOVED len:0", "groupname:" + group + "\n");
  }

  @Test
  void aBatchCostsOneSnapshotAndPublishesEveryEventInOrder() throws IOException {
    supervisor.procs.put(WEB, "STOPPED");
    supervisor.procs.put(WORKER, "RUNNING");
    handler.handle(List.of(state("PROCESS_STATE_STOPPING", WEB), state("PROCESS_STATE_STARTING", WORKER),
        state("PROCESS_STATE_STOPPED", WEB), state("PROCESS_STATE_RUNNING", WORKER), removed("old")));

    assertThat(supervisor.calls).isEqualTo(1);
    List<Map<String, Object>> messages = redis.messages();
    assertThat(messages).extracting(m -> m.get("event") + " " + m.get("name")).containsExactly(
        "PROCESS_STATE_STOPPING " + WEB, "PROCESS_STATE_STARTING " + WORKER, "PROCESS_STATE_STOPPED " + WEB,
        "PROCESS_STATE_RUNNING " + WORKER, "PROCESS_GROUP_REMOVED old");
    // the dictionary is supervisord's state when asked, after the batch's last event
    assertThat(messages.get(0)).containsEntry("statename", "STOPPED").containsEntry("host", "app1.example.com")
        .containsEntry("id", "app1.example.com-" + WEB).containsEntry("port", 5012);
    assertThat(redis.hashes).hasSize(1);
    assertThat(redis.hashes.get(0)).containsOnlyKeys(WEB, WORKER, vr.common.events.Channels.HOST_PROCS_UPDATED);
  }

  @Test
  void eventsOneAtATimeAreOneSnapshotEach() {
    supervisor.procs.put(WEB, "RUNNING");
    handler.handle(List.of(state("PROCESS_STATE_STARTING", WEB)));
    handler.handle(List.of(state("PROCESS_STATE_RUNNING", WEB)));
    handler.handle(List.of(ListenerEvent.parse("ver:3.0 eventname:TICK_60 len:0", "when:1355897986")));
    assertThat(supervisor.calls).isEqualTo(3);
    assertThat(redis.published).hasSize(2);
    assertThat(redis.hashes).hasSize(3);
  }

  @Test
  void aFailedSnapshotIsLoggedPerStateEventAndRemovalsAreStillPublished() throws IOException {
    Log.to(new PrintStream(log, true, StandardCharsets.UTF_8));
    supervisor.down = true;
    handler.handle(List.of(state("PROCESS_STATE_STOPPED", WEB), removed(WEB), state("PROCESS_STATE_STOPPED", WORKER)));
    assertThat(redis.messages()).extracting(m -> m.get("event")).containsExactly("PROCESS_GROUP_REMOVED");
    assertThat(redis.hashes).isEmpty();
    String text = log.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("handling PROCESS_STATE_STOPPED {processname=" + WEB)
        .contains("handling PROCESS_STATE_STOPPED {processname=" + WORKER);
  }

  @Test
  void whileRedisIsAwayEveryEventIsCountedAndSupervisordIsNotAsked() {
    redis.up = false;
    handler.handle(List.of(state("PROCESS_STATE_STOPPING", WEB), state("PROCESS_STATE_STOPPED", WEB)));
    assertThat(redis.dropped).isEqualTo(2);
    assertThat(supervisor.calls).isZero();
  }

  /** Answers getAllProcessInfo with {@link #procs} (name to state name) and counts calls. */
  static final class FakeSupervisor implements RpcTransport {
    final Map<String, String> procs = new LinkedHashMap<>();
    int calls;
    boolean down;

    @Override
    public byte[] post(byte[] body, Duration timeout) throws IOException {
      calls++;
      if (down) {
        throw new ConnectFailedException("Connection refused", null);
      }
      StringBuilder sb = new StringBuilder("<methodResponse><params><param><value><array><data>");
      procs.forEach((n, state) -> sb.append("<value><struct>")
          .append("<member><name>name</name><value>").append(n).append("</value></member>")
          .append("<member><name>group</name><value>").append(n).append("</value></member>")
          .append("<member><name>start</name><value><int>1355897986</int></value></member>")
          .append("<member><name>now</name><value><int>1355897990</int></value></member>")
          .append("<member><name>statename</name><value>").append(state).append("</value></member>")
          .append("<member><name>pid</name><value><int>42</int></value></member></struct></value>"));
      sb.append("</data></array></value></param></params></methodResponse>");
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String describe() {
      return "fake";
    }
  }

  static final class Recorder implements RedisOut {
    final List<String> published = new ArrayList<>();
    final List<Map<String, String>> hashes = new ArrayList<>();
    boolean up = true;
    int dropped;

    @Override
    public boolean isUp() {
      return up;
    }

    @Override
    public void countDropped() {
      dropped++;
    }

    @Override
    public boolean publish(String channel, String message) {
      assertThat(channel).isEqualTo("proc_events");
      published.add(message);
      return true;
    }

    @Override
    public boolean replaceHash(String key, Map<String, String> entries, Duration ttl) {
      assertThat(key).isEqualTo("host_procs:app1.example.com");
      hashes.add(entries);
      return true;
    }

    List<Map<String, Object>> messages() throws IOException {
      List<Map<String, Object>> out = new ArrayList<>();
      for (String m : published) {
        out.add(JSON.readValue(m, new TypeReference<Map<String, Object>>() {}));
      }
      return out;
    }
  }
}
