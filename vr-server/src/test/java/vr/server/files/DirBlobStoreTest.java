package vr.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirBlobStoreTest extends BlobStoreContract {
  @TempDir Path dir;
  DirBlobStore store;

  @BeforeEach
  void open() {
    store = new DirBlobStore(dir.resolve("blobs"));
  }

  @Override
  BlobStore store() {
    return store;
  }

  @Override
  long storedBytes() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".md5"))
          .mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void aBlobLivesUnderItsKeysFirstTwoDigits() {
    Blob b = store.put(new ByteArrayInputStream(HELLO), null);
    assertThat(dir.resolve("blobs").resolve(b.key().substring(0, 2)).resolve(b.key())).hasBinaryContent(HELLO);
  }

  @Test
  void statRecomputesALostMd5File() throws Exception {
    Blob b = store.put(new ByteArrayInputStream(HELLO), null);
    Files.delete(store.data(b.key()).resolveSibling(b.key() + ".md5"));
    assertThat(store.stat(b.key())).contains(b);
  }

  @Test
  void sweepRemovesOldPartialFilesOnly() throws Exception {
    Path old = dir.resolve("blobs/tmp/crashed.part");
    Path fresh = dir.resolve("blobs/tmp/running.part");
    Files.write(old, new byte[10]);
    Files.write(fresh, new byte[10]);
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    assertThat(store.sweep(Duration.ofHours(1))).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
  }
}
