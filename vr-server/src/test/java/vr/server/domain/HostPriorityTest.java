package vr.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vr.common.model.ProcName;
import vr.server.domain.HostPriority.Removal;

class HostPriorityTest {
  private static final String HASH = "f96054b7";

  /** A host with {@code swarm} procs of the swarm's release and {@code other} procs of something else. */
  private static HostLoad host(String name, int swarm, int other) {
    List<String> procs = new ArrayList<>();
    for (int i = 0; i < swarm; i++) {
      procs.add("app-v2-prod-" + HASH + "-web-" + (5000 + i));
    }
    for (int i = 0; i < other; i++) {
      procs.add("other-v1-prod-" + HASH + "-web-" + (5500 + i));
    }
    return HostLoad.of(name, procs, "app", "prod", "web", HASH);
  }

  private static List<String> names(List<HostLoad> hosts) {
    return hosts.stream().map(HostLoad::host).toList();
  }

  @Test
  void swarmProcsAreThoseOfTheSwarmsAppConfigProcAndRelease() {
    HostLoad h = HostLoad.of("h", List.of("app-v2-prod-" + HASH + "-web-5000", "app-v1-prod-00000000-web-5001",
        "app-v2-dev-" + HASH + "-web-5002", "other-v2-prod-" + HASH + "-web-5003", "app-v2-prod-" + HASH + "-worker-5004",
        "crond"), "app", "prod", "web", HASH);
    assertThat(h.swarmProcs()).extracting(ProcName::port).containsExactly(5000);
    assertThat(h.allProcs()).hasSize(6);
  }

  @Test
  void hostsAreOrderedByTheirSwarmProcsThenAllProcs() {
    List<HostLoad> hosts = List.of(host("a", 2, 0), host("b", 0, 5), host("c", 0, 1), host("d", 1, 0));
    assertThat(names(HostPriority.prioritized("web", hosts))).containsExactly("c", "b", "d", "a");
  }

  @Test
  void equalHostsAreOrderedByName() {
    assertThat(names(HostPriority.prioritized("web", List.of(host("z", 1, 1), host("m", 1, 1))))).containsExactly("m", "z");
  }

  @Test
  void noActiveHostsIsAnError() {
    assertThatThrownBy(() -> HostPriority.prioritized("websquad", List.of())).isInstanceOf(DomainException.class)
        .hasMessage("No active hosts in squad websquad");
  }

  @Test
  void newProcsGoRoundRobinLeastLoadedFirst() {
    List<HostLoad> prioritized = HostPriority.prioritized("s", List.of(host("a", 1, 0), host("b", 0, 0), host("c", 2, 0)));
    assertThat(HostPriority.assign(prioritized, 5)).containsExactly("b", "a", "c", "b", "a");
    assertThat(HostPriority.assign(prioritized, 0)).isEmpty();
  }

  @Test
  void scaleDownStartsWithTheBusiestHost() {
    List<HostLoad> hosts = List.of(host("a", 1, 0), host("b", 3, 0), host("c", 0, 9), host("d", 2, 0));
    assertThat(names(HostPriority.busiestFirst(hosts))).containsExactly("b", "d", "a");
    List<Removal> r = HostPriority.scaleDown(hosts, 2);
    assertThat(r).extracting(Removal::host).containsExactly("b", "d");
    assertThat(r.get(0).proc().format()).isEqualTo("app-v2-prod-" + HASH + "-web-5002");
  }

  @Test
  void scaleDownSkipsHostsThatHaveNoneLeft() {
    // The original popped from an empty host here (removing 4 of a:3, b:1) and failed.
    List<Removal> r = HostPriority.scaleDown(List.of(host("a", 3, 0), host("b", 1, 0)), 4);
    assertThat(r).extracting(Removal::host).containsExactly("a", "b", "a", "a");
    assertThat(r).extracting(x -> x.proc().port()).containsExactly(5002, 5000, 5001, 5000);
  }

  @Test
  void scaleDownRemovesAtMostAllOfTheSwarmsProcs() {
    assertThat(HostPriority.scaleDown(List.of(host("a", 1, 3), host("b", 0, 2)), 5)).hasSize(1);
    assertThat(HostPriority.scaleDown(List.of(host("a", 0, 3)), 2)).isEmpty();
  }
}
