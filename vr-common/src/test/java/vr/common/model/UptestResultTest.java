package vr.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UptestResultTest {
  private static final List<UptestResult> TWO = List.of(
      new UptestResult("01_alive", "ok \"quoted\" \\ caf\u00e9 \ud83d\ude00\n\t\u0001", true),
      new UptestResult("02_db", "", false));

  @Test
  void whatTheRunnerWritesTheServerReadsBack() {
    String json = UptestResult.json(TWO);
    assertThat(json).matches("\\p{ASCII}*").doesNotContain("\n");
    assertThat(UptestResult.parse(json + "\n")).isEqualTo(TWO);
    assertThat(UptestResult.parse("[]")).isEmpty();
  }

  @Test
  void textBeforeTheArrayBecomesAFirstFailingUptesterEntry() {
    List<UptestResult> r = UptestResult.parse("warning: something odd\n" + UptestResult.json(TWO));
    assertThat(r).hasSize(3);
    assertThat(r.get(0)).isEqualTo(new UptestResult("uptester", "warning: something odd\n", false));
    assertThat(r.subList(1, 3)).isEqualTo(TWO);
  }

  @Test
  void whiteSpaceBeforeTheArrayIsNoEntry() {
    assertThat(UptestResult.parse("\n  " + UptestResult.json(TWO))).isEqualTo(TWO);
  }

  @Test
  void outputThatIsNoArrayOfUptestsIsOneFailingEntryHoldingAllOfIt() {
    for (String out : List.of("", "vrun: error: proc x is not set up", "[{\"Name\": \"a\"", "[1, 2]",
        "[{\"Name\": \"a\", \"Output\": \"\", \"Passed\": true}] trailing", "[{\"Name\": {\"x\": 1}}]")) {
      assertThat(UptestResult.parse(out)).as(out).containsExactly(new UptestResult("uptester", out, false));
    }
  }

  @Test
  void onlyPassedTrueIsAPass() {
    List<UptestResult> r = UptestResult.parse(
        "[{\"Name\":\"a\",\"Output\":null,\"Passed\":\"true\"},{\"Name\":\"b\",\"Passed\":1},"
            + "{\"Name\":\"c\",\"Output\":\"x\",\"Passed\":true,\"Extra\":[]}]".replace(",\"Extra\":[]", ",\"Extra\":null"));
    assertThat(r).containsExactly(new UptestResult("a", "", false), new UptestResult("b", "", false),
        new UptestResult("c", "x", true));
  }

  @Test
  void aRemoteFailureIsOneFailingEntryWithoutAName() {
    assertThat(UptestResult.failure("ssh: connect to host h port 22: Connection refused"))
        .containsExactly(new UptestResult(null, "ssh: connect to host h port 22: Connection refused", false));
    assertThat(UptestResult.json(UptestResult.failure("x"))).isEqualTo("[{\"Name\":null,\"Output\":\"x\",\"Passed\":false}]");
  }
}
