package vr.server.files;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import vr.server.store.Database;

/**
 * The blob store that several server processes share: chunked rows in the server's database (tables of
 * {@code V2__blobs.sql}), so it needs nothing the servers do not already share, and it works the same on H2 and
 * PostgreSQL. A shared filesystem would be a second piece of infrastructure to mount, back up and keep consistent
 * (rename atomicity over NFS is the mount's promise, not ours); an object store would be a new service.
 *
 * <p>A put writes its chunks under a fresh upload id, one short statement per chunk (a slow client never holds a
 * transaction or a pooled connection for long), then makes the blob present with one insert into {@code blobs}. Two
 * processes putting the same content race on that insert's primary key: the loser deletes its own chunks and returns
 * the winner's blob. A reader fetches one chunk at a time, so memory stays at one chunk per open stream.
 */
public final class DbBlobStore implements BlobStore {
  /** On PostgreSQL, 1 MiB: small enough for the driver to hold, large enough that a row's overhead is noise. */
  public static final int DEFAULT_CHUNK = 1 << 20;
  /**
   * On H2, 64 KiB: H2 splits its B-tree pages by row count, not bytes, so 1 MiB rows made pages of over 100 MB,
   * and a 200 MB put failed inside H2 (an I/O error reading such a page back).
   */
  public static final int H2_CHUNK = 64 << 10;

  private final Jdbi jdbi;
  private final int chunkSize;
  private final Clock clock;

  public DbBlobStore(Database db) {
    this(db.jdbi(), db.postgres() ? DEFAULT_CHUNK : H2_CHUNK, Clock.systemUTC());
  }

  DbBlobStore(Jdbi jdbi, int chunkSize, Clock clock) {
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunk size must be positive");
    }
    this.jdbi = jdbi;
    this.chunkSize = chunkSize;
    this.clock = clock;
  }

  @Override
  public Blob put(InputStream in, String expectedMd5OrNull, long maxBytes) {
    String expected = BlobStore.normalizeMd5(expectedMd5OrNull);
    String upload = UUID.randomUUID().toString();
    try {
      jdbi.useHandle(h -> h.createUpdate("INSERT INTO blob_uploads (upload_id, started_at) VALUES (:u, :t)")
          .bind("u", upload).bind("t", clock.millis()).execute());
      Digests d = new Digests(maxBytes);
      byte[] buf = new byte[chunkSize];
      int seq = 0;
      for (int n; (n = in.readNBytes(buf, 0, chunkSize)) > 0; seq++) {
        d.update(buf, 0, n);
        byte[] chunk = n == chunkSize ? buf : java.util.Arrays.copyOf(buf, n);
        int s = seq;
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO blob_chunks (upload_id, seq, data) VALUES (:u, :s, :d)")
            .bind("u", upload).bind("s", s).bind("d", chunk).execute());
      }
      Blob blob = d.finish(expected);
      if (!commit(blob, upload)) {
        discard(upload);
        return stat(blob.key()).orElseThrow(() -> new BlobStoreException("blob " + blob.key() + " vanished while being stored"));
      }
      return blob;
    } catch (IOException e) {
      discard(upload);
      throw new BlobStoreException("cannot read the content to store: " + e.getMessage(), e);
    } catch (JdbiException e) {
      discard(upload);
      throw new BlobStoreException("cannot store a blob: " + rootMessage(e), e);
    } catch (RuntimeException e) {
      discard(upload);
      throw e;
    }
  }

  /** Makes the blob present; false when another put of the same content got there first. */
  private boolean commit(Blob blob, String upload) {
    try {
      jdbi.useTransaction(h -> {
        h.createUpdate("INSERT INTO blobs (blob_key, md5, byte_size, chunk_size, upload_id, created_at) "
                + "VALUES (:k, :m, :s, :c, :u, :t)")
            .bind("k", blob.key()).bind("m", blob.md5()).bind("s", blob.size()).bind("c", chunkSize)
            .bind("u", upload).bind("t", clock.millis()).execute();
        h.createUpdate("DELETE FROM blob_uploads WHERE upload_id = :u").bind("u", upload).execute();
      });
      return true;
    } catch (JdbiException e) {
      if (isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  private record Row(String md5, long size, int chunkSize, String upload) {}

  private Optional<Row> row(String key) {
    if (!BlobStore.isKey(key)) {
      return Optional.empty();
    }
    try {
      return jdbi.withHandle(h -> h.createQuery("SELECT md5, byte_size, chunk_size, upload_id FROM blobs WHERE blob_key = :k")
          .bind("k", key)
          .map((rs, ctx) -> new Row(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getString(4)))
          .findOne());
    } catch (JdbiException e) {
      throw new BlobStoreException("cannot read blob " + key + ": " + rootMessage(e), e);
    }
  }

  @Override
  public Optional<Blob> stat(String key) {
    return row(key).map(r -> new Blob(key, r.md5(), key, r.size()));
  }

  @Override
  public InputStream open(String key, long offset) {
    Row r = row(key).orElseThrow(() -> new BlobStoreException.NotFound(String.valueOf(key)));
    if (offset < 0 || offset > r.size()) {
      throw new IllegalArgumentException("offset " + offset + " is outside blob " + key);
    }
    return new ChunkStream(key, r, offset);
  }

  /**
   * Removes the blob: its row goes at once (one transaction, so readers stop seeing it), and its chunks, marked as
   * an abandoned upload in the same transaction, go in batches afterwards. One transaction over hundreds of MB of
   * rows would not fit H2's undo log; a crash between the two leaves chunks that {@link #sweep} removes.
   */
  @Override
  public boolean delete(String key) {
    if (!BlobStore.isKey(key)) {
      return false;
    }
    Optional<String> upload;
    try {
      upload = jdbi.inTransaction(h -> {
        Optional<String> u = h.createQuery("SELECT upload_id FROM blobs WHERE blob_key = :k")
            .bind("k", key).mapTo(String.class).findOne();
        if (u.isPresent()) {
          h.createUpdate("DELETE FROM blobs WHERE blob_key = :k").bind("k", key).execute();
          h.createUpdate("INSERT INTO blob_uploads (upload_id, started_at) VALUES (:u, 0)").bind("u", u.get()).execute();
        }
        return u;
      });
    } catch (JdbiException e) {
      throw new BlobStoreException("cannot delete blob " + key + ": " + rootMessage(e), e);
    }
    upload.ifPresent(this::discard);
    return upload.isPresent();
  }

  /**
   * Removes the chunks of puts that started more than {@code age} ago and never completed (a server that crashed
   * mid-upload); returns how many puts. Any process may run it; a put still running is younger than any sane age.
   */
  public int sweep(Duration age) {
    long cutoff = clock.millis() - age.toMillis();
    List<String> stale = jdbi.withHandle(h -> h.createQuery("SELECT upload_id FROM blob_uploads WHERE started_at < :c "
            + "AND upload_id NOT IN (SELECT upload_id FROM blobs)")
        .bind("c", cutoff).mapTo(String.class).list());
    stale.forEach(this::discard);
    return stale.size();
  }

  /** Deletes an upload's chunks, a batch per statement, then its upload row; failures are left for the sweep. */
  private void discard(String upload) {
    try {
      int batch = Math.max(1, (4 << 20) / chunkSize);
      int deleted;
      do {
        deleted = jdbi.withHandle(h -> h.createUpdate("DELETE FROM blob_chunks WHERE upload_id = :u AND seq IN "
                + "(SELECT seq FROM blob_chunks WHERE upload_id = :u ORDER BY seq LIMIT :n)")
            .bind("u", upload).bind("n", batch).execute());
      } while (deleted > 0);
      jdbi.useHandle(h -> h.createUpdate("DELETE FROM blob_uploads WHERE upload_id = :u").bind("u", upload).execute());
    } catch (JdbiException e) {
      // the sweep removes them later
    }
  }

  private static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Reads a blob one chunk (one short query) at a time. */
  private final class ChunkStream extends InputStream {
    private final String key;
    private final Row row;
    private long pos;
    private byte[] chunk;
    private int chunkSeq = -1;

    ChunkStream(String key, Row row, long offset) {
      this.key = key;
      this.row = row;
      this.pos = offset;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= row.size()) {
        return -1;
      }
      int seq = (int) (pos / row.chunkSize());
      if (seq != chunkSeq) {
        chunk = load(seq);
        chunkSeq = seq;
      }
      int at = (int) (pos - (long) seq * row.chunkSize());
      int n = Math.min(len, chunk.length - at);
      if (n <= 0) {
        throw new IOException("blob " + key + " is shorter than its recorded size");
      }
      System.arraycopy(chunk, at, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, row.size() - pos));
      pos += k;
      return k;
    }

    @Override
    public int available() {
      return chunk == null || chunkSeq < 0 ? 0 : (int) Math.max(0, Math.min(Integer.MAX_VALUE,
          (long) chunkSeq * row.chunkSize() + chunk.length - pos));
    }

    private byte[] load(int seq) throws IOException {
      try {
        Optional<byte[]> data = jdbi.withHandle(h -> h.createQuery("SELECT data FROM blob_chunks WHERE upload_id = :u AND seq = :s")
            .bind("u", row.upload()).bind("s", seq).mapTo(byte[].class).findOne());
        return data.orElseThrow(() -> new IOException("blob " + key + " was deleted while being read"));
      } catch (JdbiException e) {
        throw new IOException("cannot read blob " + key + ": " + rootMessage(e), e);
      }
    }
  }
}
