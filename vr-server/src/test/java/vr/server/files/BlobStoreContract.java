package vr.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** What every {@link BlobStore} promises; each implementation's test extends it. */
abstract class BlobStoreContract {
  static final byte[] HELLO = "hello, runner: this is a build tarball\n".getBytes(StandardCharsets.UTF_8);
  static final String HELLO_MD5 = hex("MD5", HELLO);
  static final String HELLO_SHA256 = hex("SHA-256", HELLO);

  abstract BlobStore store();

  /** How many bytes of content the store holds in any form (committed or not), to prove a refusal left nothing. */
  abstract long storedBytes() throws Exception;

  static String hex(String alg, byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(b));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Test
  void putReturnsTheContentsDigestsAndSize() {
    Blob b = store().put(new ByteArrayInputStream(HELLO), null);
    assertThat(b).isEqualTo(new Blob(HELLO_SHA256, HELLO_MD5, HELLO_SHA256, HELLO.length));
    assertThat(store().stat(b.key())).contains(b);
    assertThat(store().exists(b.key())).isTrue();
  }

  @Test
  void openReadsTheBytesFromAnOffset() throws Exception {
    byte[] data = bytes(100_003, 1);
    Blob b = store().put(new ByteArrayInputStream(data), hex("MD5", data));
    assertThat(readAll(store().open(b.key(), 0))).isEqualTo(data);
    assertThat(readAll(store().open(b.key(), 65_537))).isEqualTo(java.util.Arrays.copyOfRange(data, 65_537, data.length));
    assertThat(readAll(store().open(b.key(), data.length))).isEmpty();
  }

  @Test
  void anEmptyBlobIsABlob() throws Exception {
    Blob b = store().put(new ByteArrayInputStream(new byte[0]), "D41D8CD98F00B204E9800998ECF8427E");
    assertThat(b.size()).isZero();
    assertThat(readAll(store().open(b.key(), 0))).isEmpty();
  }

  @Test
  void md5MismatchStoresNothingAndNamesBoth() throws Exception {
    String wrong = "0".repeat(32);
    assertThatThrownBy(() -> store().put(new ByteArrayInputStream(HELLO), wrong))
        .isInstanceOf(BlobStoreException.Md5Mismatch.class)
        .hasMessageContaining("expected " + wrong).hasMessageContaining("got " + HELLO_MD5);
    assertThat(store().exists(HELLO_SHA256)).isFalse();
    assertThat(storedBytes()).isZero();
  }

  @Test
  void tooLargeStoresNothing() throws Exception {
    assertThatThrownBy(() -> store().put(new ByteArrayInputStream(bytes(10_000, 2)), null, 9_999))
        .isInstanceOf(BlobStoreException.TooLarge.class);
    assertThat(storedBytes()).isZero();
  }

  @Test
  void aMalformedExpectedMd5IsRefusedBeforeReading() {
    assertThatThrownBy(() -> store().put(new ByteArrayInputStream(HELLO), "abc"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailingSourceStoresNothing() throws Exception {
    InputStream broken = new InputStream() {
      int n;

      @Override
      public int read() throws IOException {
        if (n++ > 5000) {
          throw new IOException("client went away");
        }
        return 'x';
      }
    };
    assertThatThrownBy(() -> store().put(broken, null)).isInstanceOf(BlobStoreException.class);
    assertThat(storedBytes()).isZero();
  }

  @Test
  void sameContentTwiceIsOneBlob() throws Exception {
    Blob a = store().put(new ByteArrayInputStream(HELLO), null);
    Blob b = store().put(new ByteArrayInputStream(HELLO), HELLO_MD5);
    assertThat(b).isEqualTo(a);
    assertThat(storedBytes()).isEqualTo(HELLO.length);
  }

  @Test
  void deleteRemovesIt() throws Exception {
    Blob b = store().put(new ByteArrayInputStream(HELLO), null);
    assertThat(store().delete(b.key())).isTrue();
    assertThat(store().exists(b.key())).isFalse();
    assertThat(store().delete(b.key())).isFalse();
    assertThat(storedBytes()).isZero();
    assertThatThrownBy(() -> store().open(b.key(), 0)).isInstanceOf(BlobStoreException.NotFound.class);
  }

  @Test
  void keysThatAreNotSha256HexNameNothing() {
    assertThat(store().stat("../../etc/passwd")).isEmpty();
    assertThat(store().stat(HELLO_MD5)).isEmpty();
    assertThat(store().delete("..")).isFalse();
    assertThatThrownBy(() -> store().open("../x", 0)).isInstanceOf(BlobStoreException.NotFound.class);
  }
}
