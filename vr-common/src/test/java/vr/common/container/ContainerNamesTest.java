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
    assertThat(ContainerNames.of("node_example-v2-local-f96054b7-web-5003")).isEqualTo("vr-ab890cc2f82b")
        .isEqualTo("vr-" + sha("node_example-v2-local-f96054b7-web-5003").substring(0, 12));
  }

  @Test
  void temporaryNamesAreDistinctAndValid() {
    String a = ContainerNames.temporary("vr-0123456789ab", "u");
    assertThat(a).startsWith("vr-0123456789ab-u" + Long.toHexString(ProcessHandle.current().pid()) + ".");
    assertThat(ContainerNames.valid(a)).isTrue();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertThat(seen.add(ContainerNames.temporary("vr-0123456789ab", "u"))).isTrue();
    }
    assertThat(seen).doesNotContain(a).allMatch(ContainerNames::valid);
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
