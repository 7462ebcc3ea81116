package vr.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PortsTest {
  /** Always the first free candidate. */
  private static final RandomGenerator FIRST = () -> 0L;

  @Test
  void aFreePortIsInTheRangeAndNeitherUsedNorLocked() {
    Ports ports = new Ports(5000, 5005, FIRST);
    assertThat(ports.freePort("h1", Set.of(5000, 5001), Set.of(5002))).isEqualTo(5003);
  }

  @Test
  void thePickIsRandomAmongTheFreePorts() {
    Ports ports = new Ports(5000, 5010, new SplittableRandom(42));
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      seen.add(ports.freePort("h1", Set.of(5000), Set.of(5009)));
    }
    assertThat(seen).isEqualTo(IntStream.range(5001, 5009).boxed().collect(Collectors.toSet()));
  }

  @Test
  void theEndIsExclusive() {
    Ports ports = new Ports(5000, 5002, FIRST);
    assertThat(ports.freePort("h1", Set.of(5000), Set.of())).isEqualTo(5001);
    assertThatThrownBy(() -> ports.freePort("h1", Set.of(5000, 5001), Set.of())).isInstanceOf(NoFreePortException.class);
  }

  @Test
  void noFreePortSaysWhichHostAndWhatIsUsedAndLocked() {
    Ports ports = new Ports(5000, 5010, FIRST);
    Set<Integer> used = new HashSet<>(IntStream.range(5000, 5008).boxed().toList());
    used.add(0);
    assertThatThrownBy(() -> ports.freePort("app1.example", used, Set.of(5008, 5009)))
        .isInstanceOf(NoFreePortException.class)
        .hasMessage("No free ports found on host app1.example: used=[0, 5000-5007], locked=[5008-5009]")
        .satisfies(e -> assertThat(((NoFreePortException) e).host()).isEqualTo("app1.example"));
  }

  @Test
  void usedPortsComeFromProcNamesAndOtherProgramsCountAsZero() {
    assertThat(Ports.usedPorts(List.of("node_example-v2-local-f96054b7-web-5003", "app-v1-prod-abcd1234-worker-0",
        "crond"))).containsExactly(0, 5003);
  }

  @Test
  void anEmptyOrImpossibleRangeIsRefused() {
    assertThatThrownBy(() -> new Ports(6000, 5000, FIRST)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ports(0, 10, FIRST)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ports(60000, 70000, FIRST)).isInstanceOf(IllegalArgumentException.class);
  }
}
