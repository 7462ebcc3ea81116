package vr.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.testing.PostgresDaemon;
import vr.server.api.Json;
import vr.server.store.Database;

/**
 * A 200 MB build uploaded and downloaded over HTTP through each store, in a JVM whose heap (-Xmx64m, the failsafe
 * execution {@code small-heap}) could not hold it: every byte is checked through streamed digests, never an array.
 * Prints each download's throughput against reading the same bytes from a local file in the same run.
 */
class LargeBlobSmallHeapIT {
  static final long SIZE = 200L << 20;
  static final long MAX_HEAP = 96L << 20;

  @TempDir Path dir;
  static Path pgDir;
  static PostgresDaemon pg;
  static String md5;
  static String sha256;

  @BeforeAll
  static void prepare() throws Exception {
    assumeTrue(Runtime.getRuntime().maxMemory() <= MAX_HEAP,
        "runs in the failsafe execution small-heap (-Xmx64m), where the heap cannot hold the blob");
    MessageDigest m = MessageDigest.getInstance("MD5");
    MessageDigest s = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new Generated(SIZE)) {
      byte[] buf = new byte[1 << 20];
      for (int n; (n = in.read(buf)) > 0; ) {
        m.update(buf, 0, n);
        s.update(buf, 0, n);
      }
    }
    md5 = HexFormat.of().formatHex(m.digest());
    sha256 = HexFormat.of().formatHex(s.digest());
    pgDir = Files.createTempDirectory("vr-files-pg-");
    pg = PostgresDaemon.start(pgDir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
    if (pgDir != null) {
      try (Stream<Path> s = Files.walk(pgDir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void directoryStore() throws Exception {
    DirBlobStore store = new DirBlobStore(dir.resolve("blobs"));
    roundTrip("dir", store, store.data(sha256));
  }

  @Test
  void databaseStoreOnPostgres() throws Exception {
    try (Database db = Database.open(pg.newDatabase("large"), "vr", null)) {
      roundTrip("postgres", new DbBlobStore(db), null);
    }
  }

  @Test
  void databaseStoreOnH2() throws Exception {
    try (Database db = Database.open(Database.h2Url(dir), null, null)) {
      roundTrip("h2", new DbBlobStore(db), null);
    }
  }

  private void roundTrip(String label, BlobStore store, Path storedFile) throws Exception {
    try (FilesRig rig = new FilesRig(store, SignedUrls.newKey(), SIZE)) {
      long t0 = System.nanoTime();
      HttpResponse<String> up = rig.send(rig.get(FileRoutes.UPLOAD + "?md5=" + md5).header(FilesRig.USER, "alice")
          .POST(BodyPublishers.ofInputStream(() -> new Generated(SIZE))).build(), HttpResponse.BodyHandlers.ofString());
      double upSeconds = (System.nanoTime() - t0) / 1e9;
      assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
      JsonNode j = Json.MAPPER.readTree(up.body());
      assertThat(j.path("key").asText()).isEqualTo(sha256);
      assertThat(j.path("size").asLong()).isEqualTo(SIZE);

      String url = FileRoutes.signedUrl(rig.urls, sha256, "big-v1.tar.gz", Duration.ofMinutes(10));
      t0 = System.nanoTime();
      HttpResponse<InputStream> down = rig.send(rig.get(url).build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(down.statusCode()).isEqualTo(200);
      assertThat(down.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
      Digest got = Digest.of(down.body());
      double downSeconds = (System.nanoTime() - t0) / 1e9;
      assertThat(got.size).isEqualTo(SIZE);
      assertThat(got.md5).isEqualTo(md5);

      // the last MiB by range, through the chunk arithmetic at full scale
      HttpResponse<InputStream> tail = rig.send(rig.get(url).header("Range", "bytes=-1048577").build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(tail.statusCode()).isEqualTo(206);
      assertThat(tail.headers().firstValue("Content-Range")).contains("bytes " + (SIZE - 1048577) + "-" + (SIZE - 1) + "/" + SIZE);
      Digest tailGot = Digest.of(tail.body());
      Digest tailWant;
      try (InputStream all = new Generated(SIZE)) {
        all.skipNBytes(SIZE - 1048577);
        tailWant = Digest.of(all);
      }
      assertThat(tailGot.md5).isEqualTo(tailWant.md5);

      // the same bytes from a local file, with the same digest loop, as the yardstick
      Path local = storedFile;
      if (local == null) {
        local = dir.resolve("local-copy");
        try (InputStream in = new Generated(SIZE)) {
          Files.copy(in, local);
        }
      }
      t0 = System.nanoTime();
      Digest file;
      try (InputStream in = Files.newInputStream(local)) {
        file = Digest.of(in);
      }
      double fileSeconds = (System.nanoTime() - t0) / 1e9;
      assertThat(file.md5).isEqualTo(md5);
      if (storedFile == null) {
        Files.delete(local);
      }
      System.out.println(String.format(Locale.ROOT,
          "FIGURE %s: upload %.0f MB/s, download %.0f MB/s, local file %.0f MB/s, download/local %.2f, heap max %d MB",
          label, SIZE / 1e6 / upSeconds, SIZE / 1e6 / downSeconds, SIZE / 1e6 / fileSeconds, fileSeconds / downSeconds,
          Runtime.getRuntime().maxMemory() >> 20));
      assertThat(store.delete(sha256)).isTrue();
    }
  }

  /** The md5 and length of a stream, read in 256 KiB pieces. */
  record Digest(String md5, long size) {
    static Digest of(InputStream in) throws IOException {
      MessageDigest m = Digests.digest("MD5");
      long n = 0;
      try (in) {
        byte[] buf = new byte[256 * 1024];
        for (int k; (k = in.read(buf)) > 0; ) {
          m.update(buf, 0, k);
          n += k;
        }
      }
      return new Digest(HexFormat.of().formatHex(m.digest()), n);
    }
  }

  /** {@code size} deterministic, incompressible-looking bytes (xorshift), generated as they are read. */
  static final class Generated extends InputStream {
    private final long size;
    private long pos;
    private long x = 0x9E3779B97F4A7C15L;

    Generated(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      byte[] b = new byte[1];
      return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - pos);
      for (int i = 0; i < n; i++) {
        if (((pos + i) & 7) == 0) {
          x ^= x << 13;
          x ^= x >>> 7;
          x ^= x << 17;
        }
        b[off + i] = (byte) (x >>> (((pos + i) & 7) * 8));
      }
      pos += n;
      return n;
    }
  }
}
