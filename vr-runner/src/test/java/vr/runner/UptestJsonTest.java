package vr.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import vr.common.model.UptestResult;

class UptestJsonTest {
  @Test
  void anyOutputRoundTripsThroughAJsonParser() throws Exception {
    String nasty = "quote \" backslash \\ newline \n tab \t bell \u0007 del \u007f unicode é \u2028 \ufffd "
        + "clef \ud834\udd1e end";
    String json = UptestResult.json(List.of(new UptestResult("01_a", nasty, true), new UptestResult("02_b", "", false)));
    assertThat(json).doesNotContain("\n");
    // Printable ASCII only: what the JVM prints does not depend on the caller's locale.
    assertThat(json.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    assertThat(json).contains("unicode \\u00e9 \\u2028 \\ufffd clef \\ud834\\udd1e end");
    JsonNode n = new ObjectMapper().readTree(json);
    assertThat(n.get(0).get("Output").asText()).isEqualTo(nasty);
    assertThat(n.get(0).get("Passed").asBoolean()).isTrue();
    assertThat(n.get(1).get("Name").asText()).isEqualTo("02_b");
    assertThat(n.get(1).get("Passed").asBoolean()).isFalse();
  }

  @Test
  void noResultsIsAnEmptyArray() {
    assertThat(UptestResult.json(List.of())).isEqualTo("[]");
  }
}
