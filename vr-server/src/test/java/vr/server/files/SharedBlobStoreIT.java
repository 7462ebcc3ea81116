package vr.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vr.common.testing.PostgresDaemon;
import vr.server.store.Database;

/**
 * The database store on a real PostgreSQL, shared by two independent server-side stores (two pools, as two server
 * processes have): the store contract, one writes while the other serves, and concurrent puts of the same content.
 */
class SharedBlobStoreIT extends BlobStoreContract {
  static Path pgDir;
  static PostgresDaemon pg;
  static int n;

  Database dbA;
  Database dbB;
  DbBlobStore a;
  DbBlobStore b;

  @BeforeAll
  static void startPostgres() throws Exception {
    // Not a @TempDir: PostgreSQL runs as its own user, which cannot enter JUnit's owner-only folder.
    pgDir = Files.createTempDirectory("vr-files-pg-");
    pg = PostgresDaemon.start(pgDir);
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
    if (pgDir != null) {
      try (Stream<Path> s = Files.walk(pgDir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @BeforeEach
  void open() {
    String url = pg.newDatabase("blobs" + (n++));
    dbA = Database.open(url, "vr", null);
    dbB = Database.open(url, "vr", null);
    a = new DbBlobStore(dbA.jdbi(), 4099, Clock.systemUTC());
    b = new DbBlobStore(dbB.jdbi(), 4099, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    dbA.close();
    dbB.close();
  }

  @Override
  BlobStore store() {
    return a;
  }

  @Override
  long storedBytes() {
    return DbBlobStoreTables.storedBytes(dbA);
  }

  @Test
  void oneServerStoresAndTheOtherServesIt() throws Exception {
    byte[] data = bytes(50_000, 3);
    Blob blob = a.put(new ByteArrayInputStream(data), hex("MD5", data));
    try (FilesRig rig = new FilesRig(b, SignedUrls.newKey(), 1 << 20)) {
      String url = FileRoutes.signedUrl(rig.urls, blob.key(), "app-v3.tar.gz", Duration.ofMinutes(5));
      HttpResponse<byte[]> r = rig.send(rig.get(url).build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(data);
      assertThat(r.headers().firstValue("ETag")).contains("\"" + hex("MD5", data) + "\"");
      HttpResponse<byte[]> part = rig.send(rig.get(url).header("Range", "bytes=4000-4199").build());
      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 4000, 4200));
    }
  }

  @Test
  void concurrentPutsOfTheSameContentStoreItOnce() throws Exception {
    byte[] data = bytes(200_000, 4);
    int writers = 6;
    CyclicBarrier start = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Blob>> puts = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        DbBlobStore s = i % 2 == 0 ? a : b;
        puts.add(pool.submit(() -> {
          start.await();
          return s.put(new ByteArrayInputStream(data), hex("MD5", data));
        }));
      }
      Blob expected = new Blob(hex("SHA-256", data), hex("MD5", data), hex("SHA-256", data), data.length);
      for (Future<Blob> f : puts) {
        assertThat(f.get(2, TimeUnit.MINUTES)).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(DbBlobStoreTables.storedBytes(dbA)).isEqualTo(data.length);
    assertThat(DbBlobStoreTables.uploads(dbA)).isZero();
    assertThat(readAll(b.open(hex("SHA-256", data), 0))).isEqualTo(data);
  }

  @Test
  void aDeleteOnOneServerIsSeenByTheOther() {
    Blob blob = a.put(new ByteArrayInputStream(HELLO), null);
    assertThat(b.exists(blob.key())).isTrue();
    assertThat(b.delete(blob.key())).isTrue();
    assertThat(a.exists(blob.key())).isFalse();
  }
}
