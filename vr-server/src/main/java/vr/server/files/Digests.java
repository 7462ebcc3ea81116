package vr.server.files;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The md5, sha256 and length of bytes as they stream through, with the caller's size limit. */
final class Digests {
  private final MessageDigest md5 = digest("MD5");
  private final MessageDigest sha256 = digest("SHA-256");
  private final long maxBytes;
  private long size;

  Digests(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Adds bytes; throws {@link BlobStoreException.TooLarge} once the total passes the limit. */
  void update(byte[] b, int off, int len) {
    size += len;
    if (size > maxBytes) {
      throw new BlobStoreException.TooLarge(maxBytes);
    }
    md5.update(b, off, len);
    sha256.update(b, off, len);
  }

  long size() {
    return size;
  }

  /** Finishes both digests; checks the md5 when one was expected. */
  Blob finish(String expectedMd5OrNull) {
    String m = HexFormat.of().formatHex(md5.digest());
    String s = HexFormat.of().formatHex(sha256.digest());
    if (expectedMd5OrNull != null && !expectedMd5OrNull.equals(m)) {
      throw new BlobStoreException.Md5Mismatch(expectedMd5OrNull, m);
    }
    return new Blob(s, m, s, size);
  }

  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
