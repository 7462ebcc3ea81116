package vr.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vr.common.supervisor.Host;
import vr.common.supervisor.Proc;
import vr.common.supervisor.ProcessInfo;

class ProcListTest {
  static Proc proc(String name) {
    Map<String, Object> m = new java.util.HashMap<>(Map.of("name", name, "group", name, "statename", "RUNNING", "state", 20,
        "pid", 42, "start", 1_700_000_000, "stop", 0, "now", 1_700_000_100, "description", "pid 42"));
    m.putAll(Map.of("exitstatus", 0, "logfile", "/l", "stdout_logfile", "/l", "stderr_logfile", "", "spawnerr", ""));
    return new Proc(new Host("app1", null), ProcessInfo.from(m));
  }

  @Test
  void aDownHostCarriesItsStateReasonAndSourceBesideItsProcs() {
    ProcList l = new ProcList("app1", ProcList.State.DOWN, "app1: ssh: connection refused", ProcList.Source.STALE_CACHE,
        Instant.parse("2026-01-02T03:04:05Z"), Instant.parse("2026-01-02T03:00:00Z"), List.of(proc("shop-v1-prod-0f3c9a21-web-5000")));
    Map<String, Object> m = l.toMap();
    assertThat(m).containsEntry("host", "app1").containsEntry("state", "down").containsEntry("source", "stale-cache")
        .containsEntry("reason", "app1: ssh: connection refused").containsEntry("checked_at", "2026-01-02T03:04:05Z")
        .containsEntry("cached_at", "2026-01-02T03:00:00Z");
    assertThat(m.keySet()).containsExactly("host", "state", "reason", "source", "checked_at", "cached_at", "objects");
    @SuppressWarnings("unchecked")
    Map<String, Object> p = ((List<Map<String, Object>>) m.get("objects")).get(0);
    assertThat(p).containsEntry("id", "app1-shop-v1-prod-0f3c9a21-web-5000").containsEntry("port", 5000)
        .containsEntry("app_name", "shop").containsEntry("stop_time", null).hasSize(23);
  }

  @Test
  void aSwarmsFilterKeepsItsProcsAndTheHostsState() {
    ProcList l = new ProcList("app1", ProcList.State.UP, null, ProcList.Source.LIVE, Instant.EPOCH, null,
        List.of(proc("shop-v1-prod-0f3c9a21-web-5000"), proc("shop-v1-prod-0f3c9a21-worker-5001"), proc("proc_publisher")));
    SwarmScope scope = new SwarmScope(List.of("app1"), "shop", "prod", "web");
    ProcList mine = l.filter(scope::contains);
    assertThat(mine.procs()).extracting(Proc::name).containsExactly("shop-v1-prod-0f3c9a21-web-5000");
    assertThat(mine.state()).isEqualTo(ProcList.State.UP);
  }

  @Test
  void theCacheParameterTakesOnlyNoOrYes() {
    assertThat(HostProcs.CacheUse.parse(null)).isEqualTo(HostProcs.CacheUse.PREFER);
    assertThat(HostProcs.CacheUse.parse("yes")).isEqualTo(HostProcs.CacheUse.PREFER);
    assertThat(HostProcs.CacheUse.parse("only")).isEqualTo(HostProcs.CacheUse.ONLY);
    assertThat(HostProcs.CacheUse.parse("no")).isEqualTo(HostProcs.CacheUse.NEVER);
    assertThat(HostProcs.CacheUse.parse("sometimes")).isNull();
  }

  @Test
  void aReasonIsOneBoundedLine() {
    assertThat(HostProcs.reason(new RuntimeException("first\n\tat x.y(Z.java:1)"))).isEqualTo("first");
    assertThat(HostProcs.reason(new RuntimeException("x".repeat(1000)))).hasSize(303);
    assertThat(HostProcs.reason(new IllegalStateException())).isEqualTo("IllegalStateException");
  }
}
