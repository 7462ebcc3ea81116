package vr.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Opaque random secrets (API tokens, session ids) and the SHA-256 under which the database keeps them. */
public final class Secrets {
  /** What an API token starts with, so that secret scanners and people recognise one. */
  public static final String TOKEN_PREFIX = "vrt_";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** 256 random bits, base64url without padding (43 characters). */
  public static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static String newToken() {
    return TOKEN_PREFIX + random();
  }

  /**
   * The lowercase hex SHA-256 of {@code secret}. A fast hash suffices: the secrets are 256 random bits, not
   * something a person chose, so there is nothing to guess from a stolen hash.
   */
  public static String sha256(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** True when {@code s} looks like something {@link #random} or {@link #newToken} made (cheap pre-check). */
  static boolean plausible(String s, String prefix) {
    if (s == null || !s.startsWith(prefix) || s.length() != prefix.length() + 43) {
      return false;
    }
    for (int i = prefix.length(); i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }
}
