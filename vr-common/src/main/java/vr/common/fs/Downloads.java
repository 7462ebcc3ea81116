package vr.common.fs;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.cli.Progress;

/**
 * Puts a build or image tarball into its cache path: from {@code http(s)://}, {@code file://} or a plain path.
 * A cached file is kept when its md5 matches (or when no md5 is given) and fetched again when it does not. A
 * fresh download lands in a temp file beside the destination, is md5-checked, fsynced and renamed into place,
 * so a failed or refused download installs nothing. (The original never checked the md5 of a fresh download.)
 *
 * <p>A cached copy is readable by its owner only (mode 0600; owned by root when the tool runs as root, as it
 * does): a {@code file://} build URL copied a root-only host file into a world-readable {@code builds/} file.
 * Whoever uses a copy (extraction, the image script's install) runs as root, so nothing else needs to read it.
 */
public final class Downloads {
  private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");
  private static final int BUFFER = 1 << 20;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(2);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private Downloads() {}

  /** What {@link #ensure} did. */
  public enum Outcome {
    /** The cached file was kept. */
    CACHED,
    /** The file was fetched. */
    DOWNLOADED
  }

  /**
   * Makes sure {@code dest} holds the file at {@code urlOrPath} (with md5 {@code md5OrNull} when given).
   *
   * @throws InputException when the md5 is not 32 hex digits or the URL is malformed
   * @throws VrException on any failure to fetch, or an md5 mismatch of the fresh download
   */
  public static Outcome ensure(String urlOrPath, Path dest, String md5OrNull, Progress progress) {
    String md5 = null;
    if (md5OrNull != null && !md5OrNull.isBlank()) {
      if (!MD5.matcher(md5OrNull.strip()).matches()) {
        throw new InputException("md5 " + InputException.quote(md5OrNull) + " is not 32 hexadecimal digits");
      }
      md5 = md5OrNull.strip().toLowerCase(Locale.ROOT);
    }
    Source source = Source.parse(urlOrPath);
    if (Files.isRegularFile(dest) && (md5 == null || md5.equals(md5(dest)))) {
      restrict(dest); // a copy an older version left readable to all
      return Outcome.CACHED;
    }
    download(source, dest, md5, progress == null ? Progress.NONE : progress);
    return Outcome.DOWNLOADED;
  }

  /** The md5 of a file as 32 lowercase hex digits. */
  public static String md5(Path file) {
    MessageDigest d = md5Digest();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
      while (ch.read(buf) >= 0) {
        buf.flip();
        d.update(buf);
        buf.clear();
      }
    } catch (IOException e) {
      throw new VrException("cannot read " + file + ": " + AtomicFiles.reason(e), e);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static MessageDigest md5Digest() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where to fetch from: an http(s) URI, or a local file. */
  private record Source(String text, URI http, Path file) {
    static Source parse(String urlOrPath) {
      String s = urlOrPath.strip();
      String lower = s.toLowerCase(Locale.ROOT);
      try {
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
          return new Source(s, new URI(s), null);
        }
        if (lower.startsWith("file:")) {
          return new Source(s, null, Path.of(new URI(s)));
        }
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new InputException("malformed URL " + InputException.quote(s) + ": " + e.getMessage());
      }
      if (s.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
        throw new InputException("unsupported URL scheme in " + InputException.quote(s) + " (use http://, https://, file:// or a path)");
      }
      return new Source(s, null, Path.of(s));
    }
  }

  private static void download(Source source, Path dest, String md5, Progress progress) {
    Path parent = dest.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new VrException("cannot create " + parent + ": " + AtomicFiles.reason(e), e);
    }
    Path tmp = AtomicFiles.tempBeside(dest);
    MessageDigest digest = md5Digest();
    try {
      try (InputStream in = open(source, progress)) {
        // Created 0600, never readable by others, not even for the time of the download.
        try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
          byte[] buf = new byte[BUFFER];
          ByteBuffer bb = ByteBuffer.wrap(buf);
          int n;
          while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
            digest.update(buf, 0, n);
            bb.clear().limit(n);
            while (bb.hasRemaining()) {
              out.write(bb);
            }
            progress.advance(n);
          }
          out.force(true);
        }
      }
      String got = HexFormat.of().formatHex(digest.digest());
      if (md5 != null && !md5.equals(got)) {
        throw new VrException("md5 mismatch for " + source.text() + ": expected " + md5 + ", got " + got);
      }
      restrict(tmp);
      AtomicFiles.moveIntoPlace(tmp, dest);
    } catch (IOException e) {
      AtomicFiles.deleteQuietly(tmp);
      throw new VrException("cannot download " + source.text() + ": " + describe(e), e);
    } catch (RuntimeException e) {
      AtomicFiles.deleteQuietly(tmp);
      throw e;
    } finally {
      progress.done();
    }
  }

  /** Mode 0600 and, when running as root, owner root. */
  private static void restrict(Path file) {
    try {
      if (!Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY)) {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      }
      if ("root".equals(System.getProperty("user.name"))) {
        UserPrincipal root = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
        if (!Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).equals(root)) {
          Files.setOwner(file, root);
        }
      }
    } catch (IOException e) {
      throw new VrException("cannot make " + file + " readable by its owner only: " + AtomicFiles.reason(e), e);
    }
  }

  private static String describe(IOException e) {
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof HttpTimeoutException) {
      return "timed out";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    return AtomicFiles.reason(e);
  }

  private static InputStream open(Source source, Progress progress) throws IOException {
    String label = "downloading " + VrPaths.basename(source.text());
    if (source.file() != null) {
      if (!Files.isRegularFile(source.file())) {
        throw new VrException("cannot download " + source.text() + ": " + (Files.exists(source.file()) ? "not a regular file" : "no such file"));
      }
      progress.begin(label, Files.size(source.file()));
      return Files.newInputStream(source.file());
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
    HttpRequest req = HttpRequest.newBuilder(source.http()).timeout(RESPONSE_TIMEOUT).GET().build();
    HttpResponse<InputStream> resp;
    try {
      resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while downloading " + source.text(), e);
    } catch (IllegalArgumentException e) {
      throw new InputException("malformed URL " + InputException.quote(source.text()) + ": " + e.getMessage());
    }
    if (resp.statusCode() != 200) {
      resp.body().close();
      throw new VrException("cannot download " + source.text() + ": HTTP " + resp.statusCode());
    }
    progress.begin(label, resp.headers().firstValueAsLong("Content-Length").orElse(-1));
    return resp.body();
  }
}
