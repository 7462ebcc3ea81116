package vr.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.server.api.Json;

/** The file routes over real HTTP, on the directory store. */
class FileRoutesIT {
  static final byte[] KEY = SignedUrls.newKey();
  static final byte[] DATA = BlobStoreContract.bytes(10_000, 42);
  static final String MD5 = BlobStoreContract.hex("MD5", DATA);

  @TempDir Path dir;
  DirBlobStore store;
  FilesRig rig;
  Blob blob;
  String url;

  @BeforeEach
  void start() {
    store = new DirBlobStore(dir.resolve("blobs"));
    rig = new FilesRig(store, KEY, 8192 * 2);
    blob = store.put(new ByteArrayInputStream(DATA), MD5);
    url = FileRoutes.signedUrl(rig.urls, blob.key(), "app-v1.tar.gz", Duration.ofMinutes(5));
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  private long storedFiles() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void aSignedUrlDownloadsTheBytesWithEtagLengthAndType() throws Exception {
    HttpResponse<byte[]> r = rig.send(rig.get(url).build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(DATA);
    assertThat(r.headers().firstValue("ETag")).contains("\"" + MD5 + "\"");
    assertThat(r.headers().firstValue("Content-Length")).contains("10000");
    assertThat(r.headers().firstValue("Content-Type")).contains("application/gzip");
    assertThat(r.headers().firstValue("Accept-Ranges")).contains("bytes");
  }

  @Test
  void aClientAcceptingGzipStillGetsTheStoredBytesAndLength() throws Exception {
    HttpResponse<byte[]> r = rig.send(rig.get(url.replace("app-v1.tar.gz", "notes.txt")).build());
    assertThat(r.statusCode()).isEqualTo(403); // the name is part of what was signed
    String txt = FileRoutes.signedUrl(rig.urls, blob.key(), "notes.txt", Duration.ofMinutes(5));
    r = rig.send(rig.get(txt).header("Accept-Encoding", "gzip").build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(r.headers().firstValue("Content-Length")).contains("10000");
    assertThat(r.body()).isEqualTo(DATA);
  }

  @Test
  void headGivesTheHeadersAndNoBody() throws Exception {
    HttpResponse<byte[]> r = rig.send(rig.get(url).method("HEAD", BodyPublishers.noBody()).build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue("Content-Length")).contains("10000");
    assertThat(r.headers().firstValue("ETag")).contains("\"" + MD5 + "\"");
  }

  @Test
  void ifNoneMatchWithTheMd5Gives304() throws Exception {
    HttpResponse<byte[]> r = rig.send(rig.get(url).header("If-None-Match", "\"x\", W/\"" + MD5 + "\"").build());
    assertThat(r.statusCode()).isEqualTo(304);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue("ETag")).contains("\"" + MD5 + "\"");
    assertThat(rig.send(rig.get(url).header("If-None-Match", "\"other\"").build()).statusCode()).isEqualTo(200);
  }

  @Test
  void closedRangeGives206WithContentRange() throws Exception {
    HttpResponse<byte[]> r = rig.send(rig.get(url).header("Range", "bytes=100-199").build());
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("Content-Range")).contains("bytes 100-199/10000");
    assertThat(r.headers().firstValue("Content-Length")).contains("100");
    assertThat(r.body()).isEqualTo(Arrays.copyOfRange(DATA, 100, 200));
  }

  @Test
  void openRangeGivesTheRest() throws Exception {
    HttpResponse<byte[]> r = rig.send(rig.get(url).header("Range", "bytes=9990-").build());
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("Content-Range")).contains("bytes 9990-9999/10000");
    assertThat(r.body()).isEqualTo(Arrays.copyOfRange(DATA, 9990, 10000));
  }

  @Test
  void suffixRangeGivesTheLastBytes() throws Exception {
    HttpResponse<byte[]> r = rig.send(rig.get(url).header("Range", "bytes=-7").build());
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("Content-Range")).contains("bytes 9993-9999/10000");
    assertThat(r.body()).isEqualTo(Arrays.copyOfRange(DATA, 9993, 10000));
  }

  @Test
  void rangePastTheEndGives416() throws Exception {
    HttpResponse<byte[]> r = rig.send(rig.get(url).header("Range", "bytes=10000-").build());
    assertThat(r.statusCode()).isEqualTo(416);
    assertThat(r.headers().firstValue("Content-Range")).contains("bytes */10000");
  }

  @Test
  void staleIfRangeGivesTheWholeFile() throws Exception {
    HttpResponse<byte[]> r = rig.send(rig.get(url).header("Range", "bytes=0-9").header("If-Range", "\"old\"").build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(DATA);
  }

  @Test
  void noSignatureAndNoUserIs401() throws Exception {
    HttpResponse<byte[]> r = rig.send(rig.get(FileRoutes.path(blob.key(), "app-v1.tar.gz")).build());
    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void aUserMayDownloadWithoutSignature() throws Exception {
    HttpResponse<byte[]> r = rig.send(rig.get(FileRoutes.path(blob.key(), null)).header(FilesRig.USER, "alice").build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(DATA);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/octet-stream");
  }

  @Test
  void anExpiredUrlIsRefusedWithOneLineOfJson() throws Exception {
    SignedUrls yesterday = new SignedUrls(KEY, Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC));
    String old = FileRoutes.signedUrl(yesterday, blob.key(), "app-v1.tar.gz", Duration.ofHours(1));
    HttpResponse<String> r = rig.send(rig.get(old).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).doesNotContain("\n");
    assertThat(Json.MAPPER.readTree(r.body()).path("error").asText()).isEqualTo("signed URL expired");
  }

  @Test
  void aTamperedSignatureIsRefused() throws Exception {
    String bad = url.substring(0, url.length() - 2) + (url.endsWith("AA") ? "BB" : "AA");
    HttpResponse<String> r = rig.send(rig.get(bad).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(Json.MAPPER.readTree(r.body()).path("error").asText()).isEqualTo("signature does not match this URL");
  }

  @Test
  void aSignatureForAnotherBlobIsRefused() throws Exception {
    Blob other = store.put(new ByteArrayInputStream("other".getBytes()), null);
    String forOther = FileRoutes.signedUrl(rig.urls, other.key(), "app-v1.tar.gz", Duration.ofMinutes(5));
    String query = forOther.substring(forOther.indexOf('?'));
    HttpResponse<byte[]> r = rig.send(rig.get(FileRoutes.path(blob.key(), "app-v1.tar.gz") + query).build());
    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void anUnknownKeyIs404() throws Exception {
    String missing = FileRoutes.signedUrl(rig.urls, "0".repeat(64), "x.tar.gz", Duration.ofMinutes(5));
    assertThat(rig.send(rig.get(missing).build()).statusCode()).isEqualTo(404);
  }

  @Test
  void uploadStoresTheBodyAndReturnsTheBlob() throws Exception {
    byte[] body = BlobStoreContract.bytes(12_345, 9);
    HttpResponse<String> r = rig.send(rig.get(FileRoutes.UPLOAD + "?md5=" + BlobStoreContract.hex("MD5", body))
        .header(FilesRig.USER, "alice").POST(BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(201);
    JsonNode j = Json.MAPPER.readTree(r.body());
    String key = BlobStoreContract.hex("SHA-256", body);
    assertThat(j.path("key").asText()).isEqualTo(key);
    assertThat(j.path("md5").asText()).isEqualTo(BlobStoreContract.hex("MD5", body));
    assertThat(j.path("size").asLong()).isEqualTo(12_345);
    assertThat(r.headers().firstValue("Location")).contains("/files/" + key);
    assertThat(BlobStoreContract.readAll(store.open(key, 0))).isEqualTo(body);
  }

  @Test
  void uploadWithTheWrongMd5Is400AndStoresNothing() throws Exception {
    long before = storedFiles();
    byte[] body = BlobStoreContract.bytes(5_000, 10);
    HttpResponse<String> r = rig.send(rig.get(FileRoutes.UPLOAD).header(FilesRig.USER, "alice")
        .header(FileRoutes.MD5_HEADER, "f".repeat(32)).POST(BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode j = Json.MAPPER.readTree(r.body());
    assertThat(j.path("field").asText()).isEqualTo("md5");
    assertThat(j.path("error").asText()).contains("expected " + "f".repeat(32)).contains("got " + BlobStoreContract.hex("MD5", body));
    assertThat(store.exists(BlobStoreContract.hex("SHA-256", body))).isFalse();
    assertThat(storedFiles()).isEqualTo(before);
  }

  @Test
  void uploadAboveTheLimitIs413AndStoresNothing() throws Exception {
    long before = storedFiles();
    byte[] body = BlobStoreContract.bytes(16_385, 11);
    HttpResponse<String> declared = rig.send(rig.get(FileRoutes.UPLOAD).header(FilesRig.USER, "alice")
        .POST(BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(declared.statusCode()).isEqualTo(413);
    // chunked: no Content-Length, so the limit is found while streaming
    HttpResponse<String> chunked = rig.send(rig.get(FileRoutes.UPLOAD).header(FilesRig.USER, "alice")
        .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(storedFiles()).isEqualTo(before);
  }

  @Test
  void uploadNeedsAUserNotASignature() throws Exception {
    String signed = rig.urls.sign(FileRoutes.UPLOAD.substring(0, FileRoutes.UPLOAD.length() - 1), Duration.ofMinutes(5));
    HttpResponse<byte[]> r = rig.send(rig.get(signed.replace("?", "/?")).POST(BodyPublishers.ofString("x")).build());
    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void aMalformedMd5Is400() throws Exception {
    HttpResponse<String> r = rig.send(rig.get(FileRoutes.UPLOAD + "?md5=xyz").header(FilesRig.USER, "alice")
        .POST(BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(r.body()).path("field").asText()).isEqualTo("md5");
  }
}
