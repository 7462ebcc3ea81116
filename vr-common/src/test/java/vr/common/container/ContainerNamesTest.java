package vr.common.container;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContainerNamesTest {
  @Test
  void aLongProcNameGetsAShortStableName() {
    String proc = "a".repeat(300) + "-v1-prod-f96054b7-web-5003";
    String n = ContainerNames.of(proc);
    assertThat(n).matches("vr-[0-9a-f]{12}").isEqualTo(ContainerNames.of(proc));
    assertThat(ContainerNames.of(proc + "x")).isNotEqualTo(n);
  }

  @Test
  void theNameIsTheFirstTwelveHexDigitsOfTheSha256() {
    // printf %s node_example-v2-local-f96054b7-web-5003 | sha256sum | cut -c1-12
    assertThat(ContainerNames.of("node_example-v2-local-f96054b7-web-5003")).isEqualTo("vr-"
        + sha("node_example-v2-local-f96054b7-web-5003").substring(0, 12));
  }

  @Test
  void temporaryNamesAreDistinctAndValid() {
    String a = ContainerNames.temporary("vr-0123456789ab", "u");
    assertThat(a).matches("vr-0123456789ab-u[0-9a-f]{8}");
    assertThat(ContainerNames.valid(a)).isTrue();
    assertThat(ContainerNames.temporary("vr-0123456789ab", "u")).isNotEqualTo(a);
  }

  @Test
  void namesWithOddCharactersAreInvalid() {
    assertThat(ContainerNames.valid("Vr/x")).isFalse();
    assertThat(ContainerNames.valid("")).isFalse();
  }

  private static String sha(String s) {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
