package vr.common.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import vr.common.model.Node;

class ProcTest {
  private static final Host HOST = new Host("somewhere", SupervisorClient.connect("http://somewhere:9001", null, null));

  static ProcessInfo info(String name, long start, long stop, long now) {
    return ProcessInfo.from(Map.ofEntries(Map.entry("name", name), Map.entry("group", name),
        Map.entry("description", "pid 5764, uptime 0:00:01"), Map.entry("start", (int) start), Map.entry("stop", (int) stop),
        Map.entry("now", (int) now), Map.entry("state", 20), Map.entry("statename", "RUNNING"), Map.entry("spawnerr", ""),
        Map.entry("exitstatus", 0), Map.entry("logfile", "/var/log/x.log"), Map.entry("stdout_logfile", "/var/log/x.log"),
        Map.entry("stderr_logfile", ""), Map.entry("pid", 5764)));
  }

  @Test
  void asMapHasExactlyTheOriginalsKeys() {
    Proc p = new Proc(HOST, info("node_example-v2-local-f96054b7-web-5003", 1355897986, 0, 1355897986));
    assertThat(p.asMap()).containsOnlyKeys("app_name", "config_name", "description", "exitstatus", "group", "hash", "host",
        "id", "jsname", "logfile", "name", "now", "pid", "port", "proc_name", "spawnerr", "start_time", "state", "statename",
        "stderr_logfile", "stdout_logfile", "stop_time", "version");
  }

  @Test
  void timesAreIsoUtcAndZeroIsNull() {
    Map<String, Object> m = new Proc(HOST, info("x", 1355897986, 0, 1355897986)).asMap();
    assertThat(m.get("start_time")).isEqualTo("2012-12-19T06:19:46+00:00");
    assertThat(m.get("now")).isEqualTo("2012-12-19T06:19:46+00:00");
    assertThat(m).containsEntry("stop_time", null);
    assertThat(Proc.isoTime(0)).isNull();
  }

  @Test
  void vrNameIsParsedIntoItsFields() {
    Proc p = new Proc(HOST, info("node_example-v2-local-f96054b7-web-5003", 1, 0, 2));
    Map<String, Object> m = p.asMap();
    assertThat(m).containsEntry("app_name", "node_example").containsEntry("version", "v2")
        .containsEntry("config_name", "local").containsEntry("hash", "f96054b7").containsEntry("proc_name", "web")
        .containsEntry("port", 5003).containsEntry("host", "somewhere")
        .containsEntry("id", "somewhere-node_example-v2-local-f96054b7-web-5003");
    assertThat(p.asNode()).isEqualTo(new Node("somewhere", 5003));
    assertThat(p.shortname()).isEqualTo("node_example-v2-web");
  }

  @Test
  void otherProgramsGetUnknownFieldsAndDotsBecomeDotInJsname() {
    Map<String, Object> m = new Proc(HOST, info("my.daemon", 1, 0, 2)).asMap();
    assertThat(m).containsEntry("app_name", "my.daemon").containsEntry("proc_name", "my.daemon")
        .containsEntry("version", "UNKNOWN").containsEntry("config_name", "UNKNOWN").containsEntry("hash", "UNKNOWN")
        .containsEntry("port", 0).containsEntry("jsname", "mydotdaemon");
  }

  @Test
  void jsonKeepsTheOriginalsKeyOrder() {
    String json = Host.toJson(new Proc(HOST, info("a-b-c-d-e-1", 1, 0, 2)).asMap());
    assertThat(json).startsWith("{\"description\":").endsWith("\"host\":\"somewhere\"}").contains("\"stop_time\":null");
  }
}
