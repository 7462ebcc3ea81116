package vr.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HashingTest {

  // Known-answer vectors of the original's make_hash (reference 7.3).
  @Test
  void makeHashMatchesOriginalVectors() {
    assertThat(Hashing.makeHash(1)).isEqualTo("c4ca4238a0b923820dcc509a6f75849b");
    assertThat(Hashing.makeHash("a")).isEqualTo("6067924ae1b1832abce3d12fe83755a9");
    assertThat(Hashing.makeHash(Map.of())).isEqualTo("99914b932bd37a50b983c5e7c90ae93b");
    assertThat(Hashing.makeHash(Set.of())).isEqualTo("d751713988987e9331980363e24189ce");
    assertThat(Hashing.makeHash(List.of())).isEqualTo("d751713988987e9331980363e24189ce");
    assertThat(Hashing.makeHash("\u00a3")).isEqualTo("dd335aa90459c69348d739b1628dcf86");
    assertThat(Hashing.makeHash((Object) new byte[] {(byte) 0xa3})).isEqualTo("dd335aa90459c69348d739b1628dcf86");
  }

  @Test
  void serializeSortsKeysAndUsesPythonSeparators() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 2);
    m.put("a", List.of(1, "x", true));
    m.put("c", null);
    assertThat(Hashing.serialize(m)).isEqualTo("{\"a\": [1, \"x\", true], \"b\": 2, \"c\": null}");
  }

  @Test
  void serializeEscapesNonAsciiLikePython() {
    assertThat(Hashing.serialize("é\n\"")).isEqualTo("\"\\u00e9\\n\\\"\"");
    assertThat(Hashing.serialize(1.0)).isEqualTo("1.0");
  }

  @Test
  void hashOfSeveralArgumentsIsMd5OfConcatenation() {
    String expected = Hashing.md5Hex("\"abc\"null");
    assertThat(Hashing.makeHash("abc", null)).isEqualTo(expected);
    assertThat(Hashing.buildHash("abc", null)).isEqualTo(expected);
  }

  @Test
  void releaseHashIsEightHexDigits() {
    String h = Hashing.releaseHash("0123", Map.of("a", 1), Map.of(), List.of(), "nobody", null, null);
    assertThat(h).hasSize(8).matches("[0-9a-f]{8}");
    String full = Hashing.md5Hex("\"0123\"{\"a\": 1}{}[]\"nobody\"nullnull");
    assertThat(h).isEqualTo(full.substring(0, 8));
    assertThat(new String(new byte[0], StandardCharsets.UTF_8)).isEmpty();
  }
}
