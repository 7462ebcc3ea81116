package vr.common.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.cli.Progress;

class DownloadsTest {
  private static final byte[] BODY = "build tarball bytes\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;
  private HttpServer server;
  private String base;
  private final AtomicInteger hits = new AtomicInteger();
  private String md5;

  @BeforeEach
  void setUp() throws Exception {
    Path probe = tmp.resolve("probe");
    Files.write(probe, BODY);
    md5 = Downloads.md5(probe);
    Files.delete(probe);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/build.tar.gz", ex -> {
      hits.incrementAndGet();
      ex.sendResponseHeaders(200, BODY.length);
      ex.getResponseBody().write(BODY);
      ex.close();
    });
    server.createContext("/moved", ex -> {
      ex.getResponseHeaders().add("Location", base + "/build.tar.gz");
      ex.sendResponseHeaders(302, -1);
      ex.close();
    });
    server.createContext("/", ex -> {
      ex.sendResponseHeaders(404, -1);
      ex.close();
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private void assertOnlyFiles(Path dir, String... names) throws Exception {
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(names);
    }
  }

  @Test
  void md5OfKnownContent() throws Exception {
    Path f = tmp.resolve("abc");
    Files.writeString(f, "abc");
    assertThat(Downloads.md5(f)).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
  }

  @Test
  void downloadsOverHttpAndVerifiesMd5() throws Exception {
    Path dest = tmp.resolve("builds/app.tar.gz");
    assertThat(Downloads.ensure(base + "/build.tar.gz", dest, md5, Progress.NONE)).isEqualTo(Downloads.Outcome.DOWNLOADED);
    assertThat(Files.readAllBytes(dest)).isEqualTo(BODY);
    assertOnlyFiles(dest.getParent(), "app.tar.gz");
  }

  @Test
  void followsRedirects() throws Exception {
    Path dest = tmp.resolve("app.tar.gz");
    Downloads.ensure(base + "/moved", dest, md5.toUpperCase(), Progress.NONE);
    assertThat(Files.readAllBytes(dest)).isEqualTo(BODY);
  }

  @Test
  void cachedFileWithMatchingMd5IsKept() throws Exception {
    Path dest = tmp.resolve("app.tar.gz");
    Downloads.ensure(base + "/build.tar.gz", dest, md5, Progress.NONE);
    assertThat(Downloads.ensure(base + "/build.tar.gz", dest, md5, Progress.NONE)).isEqualTo(Downloads.Outcome.CACHED);
    assertThat(hits).hasValue(1);
  }

  @Test
  void cachedFileWithoutMd5IsKept() throws Exception {
    Path dest = tmp.resolve("app.tar.gz");
    Files.writeString(dest, "whatever was there");
    assertThat(Downloads.ensure(base + "/build.tar.gz", dest, null, Progress.NONE)).isEqualTo(Downloads.Outcome.CACHED);
    assertThat(Files.readString(dest)).isEqualTo("whatever was there");
    assertThat(hits).hasValue(0);
  }

  @Test
  void cachedFileWithWrongMd5IsDownloadedAgain() throws Exception {
    Path dest = tmp.resolve("app.tar.gz");
    Files.writeString(dest, "stale or corrupt");
    assertThat(Downloads.ensure(base + "/build.tar.gz", dest, md5, Progress.NONE)).isEqualTo(Downloads.Outcome.DOWNLOADED);
    assertThat(Files.readAllBytes(dest)).isEqualTo(BODY);
    assertThat(hits).hasValue(1);
  }

  @Test
  void freshDownloadWithWrongMd5InstallsNothing() throws Exception {
    Path dest = tmp.resolve("app.tar.gz");
    String wrong = "0123456789abcdef0123456789abcdef";
    assertThatThrownBy(() -> Downloads.ensure(base + "/build.tar.gz", dest, wrong, Progress.NONE))
        .isInstanceOf(VrException.class)
        .isNotInstanceOf(InputException.class)
        .hasMessage("md5 mismatch for " + base + "/build.tar.gz: expected " + wrong + ", got " + md5);
    assertOnlyFiles(tmp);
  }

  @Test
  void wrongMd5OfCachedAndFreshFileKeepsNeitherNewFile() throws Exception {
    Path dest = tmp.resolve("app.tar.gz");
    Files.writeString(dest, "stale");
    String wrong = "0123456789abcdef0123456789abcdef";
    assertThatThrownBy(() -> Downloads.ensure(base + "/build.tar.gz", dest, wrong, Progress.NONE))
        .hasMessageStartingWith("md5 mismatch for ");
    assertThat(Files.readString(dest)).as("the old file is untouched, nothing half-installed").isEqualTo("stale");
    assertOnlyFiles(tmp, "app.tar.gz");
  }

  @Test
  void http404IsOneLineNamingUrlAndStatus() throws Exception {
    Path dest = tmp.resolve("app.tar.gz");
    assertThatThrownBy(() -> Downloads.ensure(base + "/missing.tar.gz", dest, null, Progress.NONE))
        .isInstanceOf(VrException.class)
        .hasMessage("cannot download " + base + "/missing.tar.gz: HTTP 404");
    assertOnlyFiles(tmp);
  }

  @Test
  void refusedConnectionIsOneLine() {
    int port = vr.common.testing.Daemons.freePort();
    assertThatThrownBy(() -> Downloads.ensure("http://127.0.0.1:" + port + "/x.tar.gz", tmp.resolve("x"), null, Progress.NONE))
        .isInstanceOf(VrException.class)
        .hasMessage("cannot download http://127.0.0.1:" + port + "/x.tar.gz: connection refused");
  }

  @Test
  void copiesFromPlainPathAndFileUrl() throws Exception {
    Path src = tmp.resolve("src.tar.gz");
    Files.write(src, BODY);
    Path a = tmp.resolve("a/a.tar.gz");
    Path b = tmp.resolve("b/b.tar.gz");
    Downloads.ensure(src.toString(), a, md5, Progress.NONE);
    Downloads.ensure(src.toUri().toString(), b, md5, Progress.NONE);
    assertThat(Files.readAllBytes(a)).isEqualTo(BODY);
    assertThat(Files.readAllBytes(b)).isEqualTo(BODY);
  }

  @Test
  void missingLocalSourceIsOneLine() {
    Path src = tmp.resolve("nope.tar.gz");
    assertThatThrownBy(() -> Downloads.ensure(src.toString(), tmp.resolve("x"), null, Progress.NONE))
        .hasMessage("cannot download " + src + ": no such file");
  }

  @Test
  void nonHexMd5IsBadInput() {
    assertThatThrownBy(() -> Downloads.ensure(base + "/build.tar.gz", tmp.resolve("x"), "not-an-md5", Progress.NONE))
        .isInstanceOf(InputException.class)
        .hasMessage("md5 'not-an-md5' is not 32 hexadecimal digits");
    assertThat(hits).hasValue(0);
  }

  @Test
  void progressSeesTheBytes() throws Exception {
    long[] seen = new long[2];
    Progress p = new Progress() {
      @Override
      public void begin(String label, long total) {
        seen[0] = total;
      }

      @Override
      public void advance(long bytes) {
        seen[1] += bytes;
      }

      @Override
      public void done() {}
    };
    Downloads.ensure(base + "/build.tar.gz", tmp.resolve("x"), null, p);
    assertThat(seen).containsExactly(BODY.length, BODY.length);
  }

  @Test
  void aCopyOfARootOnlyFileFromAFileUrlIsReadableByItsOwnerOnly() throws Exception {
    Path src = tmp.resolve("secret.tar.gz");
    Files.write(src, BODY);
    Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rw-------"));
    Path cached = tmp.resolve("builds/app.tar.gz");
    Downloads.ensure(src.toUri().toString(), cached, md5, Progress.NONE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cached))).isEqualTo("rw-------");
    assertThat(Files.getOwner(cached).getName()).isEqualTo(System.getProperty("user.name"));
    assertThat(Files.readAllBytes(cached)).isEqualTo(BODY);
  }

  @Test
  void aDownloadOverHttpIsReadableByItsOwnerOnly() throws Exception {
    Path cached = tmp.resolve("images/base.tar.gz");
    Downloads.ensure(base + "/build.tar.gz", cached, md5, Progress.NONE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cached))).isEqualTo("rw-------");
  }

  @Test
  void aWorldReadableCachedCopyIsRestrictedWhenKept() throws Exception {
    Path cached = tmp.resolve("builds/app.tar.gz");
    Files.createDirectories(cached.getParent());
    Files.write(cached, BODY);
    Files.setPosixFilePermissions(cached, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(Downloads.ensure(base + "/build.tar.gz", cached, md5, Progress.NONE)).isEqualTo(Downloads.Outcome.CACHED);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cached))).isEqualTo("rw-------");
  }
}
