package vr.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretsTest {
  @Test
  void tokensArePrefixedBase64urlOf256Bits() {
    String t = Secrets.newToken();
    assertThat(t).startsWith("vrt_").hasSize(4 + 43).matches("vrt_[A-Za-z0-9_-]{43}");
    assertThat(Secrets.plausible(t, Secrets.TOKEN_PREFIX)).isTrue();
  }

  @Test
  void secretsDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertThat(seen.add(Secrets.random())).isTrue();
    }
  }

  @Test
  void sha256IsLowercaseHex() {
    assertThat(Secrets.sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void implausibleSecretsAreRejectedBeforeAnyLookup() {
    assertThat(Secrets.plausible(null, "")).isFalse();
    assertThat(Secrets.plausible("vrt_short", Secrets.TOKEN_PREFIX)).isFalse();
    assertThat(Secrets.plausible(Secrets.random(), Secrets.TOKEN_PREFIX)).isFalse();
    assertThat(Secrets.plausible("vrt_" + "a".repeat(42) + "=", Secrets.TOKEN_PREFIX)).isFalse();
    assertThat(Secrets.plausible(Secrets.random(), "")).isTrue();
  }
}
