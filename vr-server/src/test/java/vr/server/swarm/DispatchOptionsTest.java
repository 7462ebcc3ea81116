package vr.server.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vr.common.model.ProcName;
import vr.server.api.ApiException;
import vr.server.api.Json;

class DispatchOptionsTest {
  static DispatchOptions parse(String json) throws Exception {
    return DispatchOptions.of((ObjectNode) Json.MAPPER.readTree(json));
  }

  static List<PlacedProc> procs(int n) {
    List<PlacedProc> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new PlacedProc("h" + (i % 2), new ProcName("app", "v1", "prod", "abc1234", "web", 5000 + i)));
    }
    return out;
  }

  static List<Integer> sizes(List<List<PlacedProc>> batches) {
    return batches.stream().map(List::size).toList();
  }

  @Test
  void anEmptyBodyIsAllAtOnceAndQueuesNoParams() throws Exception {
    DispatchOptions o = parse("{}");
    assertThat(o).isEqualTo(DispatchOptions.NONE);
    assertThat(o.toJson()).isNull();
    assertThat(DispatchOptions.ofJson(null)).isEqualTo(DispatchOptions.NONE);
  }

  @Test
  void optionsRoundTripThroughTheJobsParams() throws Exception {
    DispatchOptions o = parse("{\"batch\": 2, \"canary\": true, \"plan\": \"" + "0123456789abcdef".repeat(2) + "\"}");
    assertThat(o).isEqualTo(new DispatchOptions(2, true, "0123456789abcdef".repeat(2)));
    assertThat(DispatchOptions.ofJson(o.toJson())).isEqualTo(o);
  }

  @Test
  void badOptionsAre400sNamingTheField() {
    for (String[] bad : new String[][] {{"{\"batch\": 0}", "batch"}, {"{\"batch\": 1.5}", "batch"}, {"{\"batch\": \"2\"}", "batch"},
        {"{\"canary\": 1}", "canary"}, {"{\"plan\": \"ABC\"}", "plan"}, {"{\"size\": 3}", "size"}}) {
      assertThatThrownBy(() -> parse(bad[0])).as(bad[0]).isInstanceOf(ApiException.class)
          .satisfies(e -> {
            assertThat(((ApiException) e).status()).isEqualTo(400);
            assertThat(((ApiException) e).field()).isEqualTo(bad[1]);
          });
    }
  }

  @Test
  void batchesAreAtMostKWithTheCanaryAloneFirst() {
    assertThat(sizes(SwarmFlow.batches(procs(5), DispatchOptions.NONE))).containsExactly(5);
    assertThat(sizes(SwarmFlow.batches(procs(5), new DispatchOptions(2, false, null)))).containsExactly(2, 2, 1);
    assertThat(sizes(SwarmFlow.batches(procs(5), new DispatchOptions(0, true, null)))).containsExactly(1, 4);
    assertThat(sizes(SwarmFlow.batches(procs(5), new DispatchOptions(3, true, null)))).containsExactly(1, 3, 1);
    assertThat(SwarmFlow.batches(procs(0), new DispatchOptions(3, true, null))).isEmpty();
    // in the order placed: nothing lost, nothing twice
    assertThat(SwarmFlow.batches(procs(5), new DispatchOptions(2, true, null)).stream().flatMap(List::stream).toList())
        .isEqualTo(procs(5));
  }

  @Test
  void aPlanNamesEachInputThatChanged() {
    String plan = "aaaaaaaa" + "bbbbbbbb" + "cccccccc" + "dddddddd";
    assertThat(SwarmPlan.changed(plan, List.of("aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd"))).isEmpty();
    assertThat(SwarmPlan.changed(plan, List.of("aaaaaaaa", "bbbbbbbc", "cccccccc", "00000000"))).containsExactly("hosts", "procs");
  }
}
