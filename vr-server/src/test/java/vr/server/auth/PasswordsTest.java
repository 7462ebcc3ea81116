package vr.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordsTest {
  private final Passwords fast = new Passwords(4);

  @Test
  void defaultHashIsBcrypt2yCost12() {
    String h = new Passwords().hash("s3cret");
    assertThat(h).startsWith("$2y$12$").hasSize(60);
    assertThat(new Passwords().verify("s3cret", h)).isTrue();
  }

  @Test
  void verifyAcceptsTheRightPasswordOnly() {
    String h = fast.hash("correct horse");
    assertThat(fast.verify("correct horse", h)).isTrue();
    assertThat(fast.verify("correct hors", h)).isFalse();
    assertThat(fast.verify("Correct horse", h)).isFalse();
  }

  @Test
  void sameSecretHashesDifferentlyEachTime() {
    assertThat(fast.hash("x")).isNotEqualTo(fast.hash("x"));
  }

  @Test
  void nonAsciiPasswordsAreUtf8() {
    String h = fast.hash("pässwörd €");
    assertThat(fast.verify("pässwörd €", h)).isTrue();
    assertThat(fast.verify("passwort €", h)).isFalse();
  }

  @Test
  void malformedHashOrNullIsFalseNotAnError() {
    assertThat(fast.verify("x", "not a hash")).isFalse();
    assertThat(fast.verify("x", null)).isFalse();
    assertThat(fast.verify(null, fast.hash("x"))).isFalse();
  }

  @Test
  void emptyAndOverlongPasswordsAreRefused() {
    assertThatThrownBy(() -> fast.hash("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    String seventyThree = "a".repeat(73);
    assertThatThrownBy(() -> fast.hash(seventyThree)).hasMessageContaining("72 bytes");
    assertThat(Passwords.problem("a".repeat(72))).isNull();
    // bcrypt would read only 72 bytes: a longer guess must not match a 72-byte password.
    String h = fast.hash("a".repeat(72));
    assertThat(fast.verify(seventyThree, h)).isFalse();
  }

  /** bcrypt's work is set by its cost alone, so a dummy check costs what a real one does when the costs match. */
  @Test
  void dummyVerifyRunsBcryptAtTheSameCostAsARealHash() {
    Passwords p = new Passwords(10);
    String real = p.hash("right");
    assertThat(p.dummyHash()).startsWith(real.substring(0, 7)).startsWith("$2y$10$").hasSameSizeAs(real);
    assertThat(p.verify("right", p.dummyHash())).isFalse();
  }

  @Test
  void costOutsideBcryptsRangeIsRefused() {
    assertThatThrownBy(() -> new Passwords(3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Passwords(31)).isInstanceOf(IllegalArgumentException.class);
  }
}
