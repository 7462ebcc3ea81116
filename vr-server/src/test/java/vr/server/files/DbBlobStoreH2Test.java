package vr.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.server.store.Database;

/** The shared store on H2 (the embedded default), with chunks small enough that every test crosses boundaries. */
class DbBlobStoreH2Test extends BlobStoreContract {
  @TempDir Path dir;
  Database db;
  DbBlobStore store;

  @BeforeEach
  void open() {
    db = Database.open(Database.h2Url(dir), null, null);
    store = new DbBlobStore(db.jdbi(), 4099, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Override
  BlobStore store() {
    return store;
  }

  @Override
  long storedBytes() {
    return DbBlobStoreTables.storedBytes(db);
  }

  @Test
  void theDefaultChunkSizeRoundTrips() throws Exception {
    DbBlobStore big = new DbBlobStore(db.jdbi(), DbBlobStore.DEFAULT_CHUNK, Clock.systemUTC());
    byte[] data = bytes(3 * DbBlobStore.DEFAULT_CHUNK + 17, 5);
    Blob b = big.put(new ByteArrayInputStream(data), null);
    assertThat(readAll(big.open(b.key(), DbBlobStore.DEFAULT_CHUNK - 1))).isEqualTo(
        java.util.Arrays.copyOfRange(data, DbBlobStore.DEFAULT_CHUNK - 1, data.length));
  }

  @Test
  void sweepRemovesTheChunksOfAnAbandonedPut() {
    Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
    db.jdbi().useHandle(h -> {
      h.execute("INSERT INTO blob_uploads (upload_id, started_at) VALUES ('crashed', ?)", t0.toEpochMilli());
      h.execute("INSERT INTO blob_chunks (upload_id, seq, data) VALUES ('crashed', 0, ?)", (Object) new byte[100]);
    });
    DbBlobStore later = new DbBlobStore(db.jdbi(), 4099, Clock.fixed(t0.plus(Duration.ofMinutes(30)), ZoneOffset.UTC));
    assertThat(later.sweep(Duration.ofHours(1))).isZero();
    DbBlobStore muchLater = new DbBlobStore(db.jdbi(), 4099, Clock.fixed(t0.plus(Duration.ofHours(2)), ZoneOffset.UTC));
    assertThat(muchLater.sweep(Duration.ofHours(1))).isEqualTo(1);
    assertThat(storedBytes()).isZero();
  }
}
