package vr.server.files;

import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the server keeps builds and images (the original's GridFS storage, section 7.11), content-addressed.
 *
 * <p>The key is the sha256 of the content, not its md5. An md5 key would let anyone who may upload a build plant a
 * file whose md5 collides with another app's build (md5 collisions, even chosen-prefix ones, are cheap): the
 * victim's later upload would deduplicate onto the attacker's bytes, and the runner's md5 check would pass. With a
 * sha256 key two different contents never share a blob, and a URL names exactly the bytes it was signed for. The
 * md5 is still computed and kept, because proc.yaml and the runners speak md5.
 *
 * <p>Every write is atomic: a blob is present only once all its bytes are stored and checked; a failed, refused
 * or interrupted put leaves nothing a reader can see. Putting content that is already present stores it once.
 */
public interface BlobStore {
  /** A key: 64 lowercase hex digits. */
  Pattern KEY = Pattern.compile("[0-9a-f]{64}");
  /** An md5 as accepted from a caller: 32 hex digits, either case. */
  Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");

  /**
   * Streams {@code in} into the store (never holding it whole in memory), computing its md5 and sha256.
   *
   * @param expectedMd5OrNull when given, the content must have this md5
   * @param maxBytes the content may be at most this long
   * @throws BlobStoreException.Md5Mismatch when the md5 differs (nothing is stored)
   * @throws BlobStoreException.TooLarge when the content is longer than {@code maxBytes} (nothing is stored)
   * @throws IllegalArgumentException when {@code expectedMd5OrNull} is not 32 hex digits
   */
  Blob put(InputStream in, String expectedMd5OrNull, long maxBytes);

  /** As {@link #put(InputStream, String, long)} without a size limit. */
  default Blob put(InputStream in, String expectedMd5OrNull) {
    return put(in, expectedMd5OrNull, Long.MAX_VALUE);
  }

  /** The blob's bytes from {@code offset} (0 ≤ offset ≤ size) to the end; the caller closes it. */
  InputStream open(String key, long offset);

  Optional<Blob> stat(String key);

  default boolean exists(String key) {
    return stat(key).isPresent();
  }

  /** Removes the blob; false when there was none. */
  boolean delete(String key);

  /** True when {@code key} could name a blob (a caller's text is checked before it reaches a path or a query). */
  static boolean isKey(String key) {
    return key != null && KEY.matcher(key).matches();
  }

  /** The expected md5 in lowercase, or null; throws IllegalArgumentException when it is not 32 hex digits. */
  static String normalizeMd5(String md5OrNull) {
    if (md5OrNull == null || md5OrNull.isBlank()) {
      return null;
    }
    String m = md5OrNull.strip();
    if (!MD5.matcher(m).matches()) {
      throw new IllegalArgumentException("md5 must be 32 hexadecimal digits, got '" + m + "'");
    }
    return m.toLowerCase(java.util.Locale.ROOT);
  }
}
