package vr.server.files;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring URLs for the files runners download (proc.yaml's {@code build_url}, {@code image_url}). The
 * original served {@code /files/<path>} to anyone who could reach the server; here a URL is good only for its path
 * and until its expiry: {@code <path>?expires=<epoch seconds>&sig=<HMAC-SHA256 over path and expiry, base64url>}.
 * The signature does not cover the method, so one URL serves GET and HEAD. Every server process must hold the same
 * key, so that any of them verifies what another signed.
 */
public final class SignedUrls {
  public static final String EXPIRES = "expires";
  public static final String SIG = "sig";
  /** Paths that are signed are made of these, so the path signed is byte for byte the path a server receives. */
  private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+/?");
  private static final String ALGORITHM = "HmacSHA256";

  /** The result of a check. */
  public enum Verdict {
    VALID, MISSING, MALFORMED, EXPIRED, BAD_SIGNATURE;

    /** A one-line reason for a client. */
    public String reason() {
      return switch (this) {
        case VALID -> "valid";
        case MISSING -> "no signature";
        case MALFORMED -> "malformed signed URL";
        case EXPIRED -> "signed URL expired";
        case BAD_SIGNATURE -> "signature does not match this URL";
      };
    }
  }

  private final SecretKeySpec key;
  private final Clock clock;

  /** {@code key}: at least 32 random bytes, the same in every server process. */
  public SignedUrls(byte[] key, Clock clock) {
    if (key == null || key.length < 32) {
      throw new IllegalArgumentException("a URL signing key needs at least 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    this.clock = clock;
  }

  public SignedUrls(byte[] key) {
    this(key, Clock.systemUTC());
  }

  /** 32 fresh random bytes for a new key. */
  public static byte[] newKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  /**
   * The relative URL ({@code path?expires=..&sig=..}) that grants {@code path} for {@code ttl}.
   *
   * @throws IllegalArgumentException when the path has characters outside {@code [A-Za-z0-9._~-]} and '/'
   */
  public String sign(String path, Duration ttl) {
    if (path == null || !SAFE_PATH.matcher(path).matches()) {
      throw new IllegalArgumentException("cannot sign path '" + path + "': use only letters, digits, '.', '_', '~', '-' and '/'");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a signed URL's lifetime must be positive");
    }
    long expires = Math.addExact(clock.instant().getEpochSecond(), Math.max(1, ttl.toSeconds()));
    return path + "?" + EXPIRES + "=" + expires + "&" + SIG + "=" + mac(path, expires);
  }

  /** Checks a request's raw path (not decoded) against its {@code expires} and {@code sig} parameters (either may be null). */
  public Verdict verify(String path, String expires, String sig) {
    if (sig == null && expires == null) {
      return Verdict.MISSING;
    }
    if (sig == null || expires == null || path == null || !expires.matches("[0-9]{1,12}")) {
      return Verdict.MALFORMED;
    }
    long exp = Long.parseLong(expires);
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(sig);
    } catch (IllegalArgumentException e) {
      return Verdict.MALFORMED;
    }
    byte[] wanted = Base64.getUrlDecoder().decode(mac(path, exp));
    // Compare first, in constant time, so a forged URL learns nothing from timing, expired or not.
    boolean match = MessageDigest.isEqual(given, wanted);
    if (!match) {
      return Verdict.BAD_SIGNATURE;
    }
    return clock.instant().getEpochSecond() > exp ? Verdict.EXPIRED : Verdict.VALID;
  }

  private String mac(String path, long expires) {
    try {
      Mac m = Mac.getInstance(ALGORITHM);
      m.init(key);
      byte[] d = m.doFinal(("vr-signed-url-v1\n" + path + "\n" + expires).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
