package vr.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignedUrlsTest {
  private static final byte[] KEY = new byte[32];
  private static final String PATH = "/files/" + "ab".repeat(32) + "/app-v1.tar.gz";

  static {
    Arrays.fill(KEY, (byte) 7);
  }

  private static SignedUrls at(long epochSecond) {
    return new SignedUrls(KEY, Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
  }

  private static Map<String, String> query(String url) {
    Map<String, String> q = new HashMap<>();
    for (String kv : URI.create(url).getRawQuery().split("&")) {
      String[] p = kv.split("=", 2);
      q.put(p[0], p[1]);
    }
    return q;
  }

  private static SignedUrls.Verdict check(SignedUrls u, String path, String url) {
    Map<String, String> q = query(url);
    return u.verify(path, q.get("expires"), q.get("sig"));
  }

  @Test
  void signedUrlIsThePathWithExpiryAndSignature() {
    String url = at(1_000).sign(PATH, Duration.ofMinutes(10));
    assertThat(url).startsWith(PATH + "?expires=1600&sig=");
    assertThat(check(at(1_000), PATH, url)).isEqualTo(SignedUrls.Verdict.VALID);
  }

  @Test
  void validUntilItsExpiryAndNotAfter() {
    String url = at(1_000).sign(PATH, Duration.ofSeconds(60));
    assertThat(check(at(1_060), PATH, url)).isEqualTo(SignedUrls.Verdict.VALID);
    assertThat(check(at(1_061), PATH, url)).isEqualTo(SignedUrls.Verdict.EXPIRED);
  }

  @Test
  void anotherPathIsRefused() {
    String url = at(1_000).sign(PATH, Duration.ofMinutes(10));
    assertThat(check(at(1_000), PATH.replace("app-v1", "app-v2"), url)).isEqualTo(SignedUrls.Verdict.BAD_SIGNATURE);
  }

  @Test
  void aLaterExpiryIsRefused() {
    String url = at(1_000).sign(PATH, Duration.ofMinutes(10));
    Map<String, String> q = query(url);
    assertThat(at(1_000).verify(PATH, "999999", q.get("sig"))).isEqualTo(SignedUrls.Verdict.BAD_SIGNATURE);
  }

  @Test
  void aTamperedSignatureIsRefused() {
    String url = at(1_000).sign(PATH, Duration.ofMinutes(10));
    Map<String, String> q = query(url);
    char[] sig = q.get("sig").toCharArray();
    sig[3] = sig[3] == 'A' ? 'B' : 'A';
    assertThat(at(1_000).verify(PATH, q.get("expires"), new String(sig))).isEqualTo(SignedUrls.Verdict.BAD_SIGNATURE);
  }

  @Test
  void anotherKeyDoesNotVerify() {
    String url = at(1_000).sign(PATH, Duration.ofMinutes(10));
    SignedUrls other = new SignedUrls(SignedUrls.newKey(), Clock.fixed(Instant.ofEpochSecond(1_000), ZoneOffset.UTC));
    assertThat(check(other, PATH, url)).isEqualTo(SignedUrls.Verdict.BAD_SIGNATURE);
  }

  @Test
  void missingAndMalformedParametersAreNamed() {
    SignedUrls u = at(1_000);
    assertThat(u.verify(PATH, null, null)).isEqualTo(SignedUrls.Verdict.MISSING);
    assertThat(u.verify(PATH, "1600", null)).isEqualTo(SignedUrls.Verdict.MALFORMED);
    assertThat(u.verify(PATH, "soon", "abc")).isEqualTo(SignedUrls.Verdict.MALFORMED);
    assertThat(u.verify(PATH, "1600", "not*base64")).isEqualTo(SignedUrls.Verdict.MALFORMED);
  }

  @Test
  void onlyPlainPathsAreSigned() {
    assertThatThrownBy(() -> at(0).sign("/files/a b", Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> at(0).sign("/files/x?y=1", Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> at(0).sign("files/x", Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> at(0).sign(PATH, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aShortKeyIsRefused() {
    assertThatThrownBy(() -> new SignedUrls(new byte[16])).isInstanceOf(IllegalArgumentException.class);
  }
}
