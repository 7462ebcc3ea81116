package vr.common.fs;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import vr.common.VrException;
import vr.common.cli.Progress;

/**
 * Tarballs: extraction of builds and OS images ({@code .tar.gz}, {@code .tar.bz2}, {@code .tar.xz}, plain
 * {@code .tar}) and creation of {@code .tar.gz}.
 *
 * <p>Extraction is all-or-nothing: the archive is unpacked into a temp directory beside the target and renamed
 * into place, so a truncated, corrupt or hostile archive leaves nothing behind (the original unpacked in place
 * with {@code tarfile.extractall}, which followed {@code ..} and absolute names of its time). Entries that
 * would land outside the target are refused: absolute names, {@code ..}, names below a symbolic link from the
 * archive, hard links to anything but an earlier entry (see {@link EntryRules}), and an archive that unpacks to
 * more than its limits (a tar bomb). Symlinks, hard links, modes, mtimes (directories last) and, as root, the
 * archive's numeric owners and setuid bits are kept, never applied through a link; device nodes and fifos are
 * created as root and skipped otherwise, and a build (extracted for an owner) may hold no device node.
 */
public final class Archives {
  /** Default deflate level of {@link #createTarGz}: see docs/performance.md for the measurements behind it. */
  static final int PACK_LEVEL = 4;
  static final int PACK_BLOCK = 1 << 20;

  private Archives() {}

  /**
   * Extracts {@code tarball} into {@code target}, which must not exist yet.
   *
   * @param owner when not null, every file, directory and link is chowned to it, directories get ug+rx and
   *     files ug+rw (the original's untar for builds); when null and running as root, the archive's numeric
   *     owners are kept
   * @throws VrException when the target exists, or the archive is unreadable, truncated, not a tarball or
   *     unsafe; nothing is left behind then
   */
  public static void extract(Path tarball, Path target, Owner owner, Progress progress) {
    extract(tarball, target, owner, progress, false);
  }

  /** As {@link #extract(Path, Path, Owner, Progress)}; with {@code replace} an existing target is swapped out. */
  public static void extract(Path tarball, Path target, Owner owner, Progress progress, boolean replace) {
    Progress pr = progress == null ? Progress.NONE : progress;
    Path dest = target.toAbsolutePath().normalize();
    if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && !replace) {
      throw new VrException("cannot extract " + tarball + ": " + dest + " already exists");
    }
    if (!Files.isRegularFile(tarball)) {
      throw new VrException("cannot extract " + tarball + ": " + (Files.exists(tarball) ? "not a regular file" : "no such file"));
    }
    Compression c = Compression.detect(tarball);
    Path tmp = AtomicFiles.tempBeside(dest);
    boolean ok = false;
    try {
      Files.createDirectories(dest.getParent());
      Files.createDirectory(tmp);
      long total = Files.size(tarball);
      Extractor x = new Extractor(tmp, owner, EntryRules.Limits.forArchive(total));
      pr.begin("extracting " + tarball.getFileName(), total);
      try (InputStream raw = new Counting(Files.newInputStream(tarball), pr); InputStream in = c.open(raw)) {
        x.run(in);
      }
      install(tmp, dest, replace);
      ok = true;
    } catch (VrException e) {
      throw new VrException("cannot extract " + tarball + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new VrException("cannot extract " + tarball + ": " + describe(e, c), e);
    } finally {
      pr.done();
      if (!ok) {
        Trees.deleteQuietly(tmp); // a leftover temp dir is named .<target>.tmp-* and harmless
      }
    }
  }

  private static String describe(IOException e, Compression c) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof java.io.EOFException || m.contains("Unexpected end") || m.contains("Truncated")) {
      return "the archive is truncated (" + AtomicFiles.reason(e) + ")";
    }
    if (m.contains("Not in GZIP format") || m.contains("Stream magic") || m.contains("Input is not in the .xz format")) {
      return "not a " + c.suffix + " file";
    }
    if (m.contains("parsing the header") || m.contains("header")) {
      return "not a valid tar archive (" + m.replace('\n', ' ') + ")";
    }
    return AtomicFiles.reason(e);
  }

  private static void install(Path tmp, Path dest, boolean replace) throws IOException {
    if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
      if (!replace) {
        throw new VrException(dest + " appeared while extracting; not replacing it");
      }
      Path old = AtomicFiles.tempBeside(dest);
      Files.move(dest, old, StandardCopyOption.ATOMIC_MOVE);
      try {
        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        Files.move(old, dest, StandardCopyOption.ATOMIC_MOVE); // put the previous one back
        throw e;
      }
      Trees.deleteQuietly(old);
    } else {
      Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
    }
    AtomicFiles.fsyncDirectory(dest.getParent());
  }

  /**
   * Packs the contents of {@code dir} (names relative to it) into a gzip-compressed tarball at {@code out},
   * written to a temp file and renamed into place. Symlinks, hard links, modes, numeric owners and mtimes are
   * kept. Compression runs on all cores (pigz-style blocks).
   */
  public static void createTarGz(Path dir, Path out, Progress progress) {
    createTarGz(dir, out, progress, PACK_LEVEL, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /** As {@link #createTarGz(Path, Path, Progress)} with an explicit deflate level (1..9) and thread count. */
  public static void createTarGz(Path dir, Path out, Progress progress, int level, int threads) {
    Progress pr = progress == null ? Progress.NONE : progress;
    if (!Files.isDirectory(dir)) {
      throw new VrException("cannot pack " + dir + ": not a directory");
    }
    Path dest = out.toAbsolutePath();
    Path tmp = AtomicFiles.tempBeside(dest);
    try {
      Files.createDirectories(dest.getParent());
      pr.begin("packing " + dir.getFileName(), -1);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        // the gzip stream's close must not close the channel: it is fsynced afterwards
        OutputStream file = new FilterOutputStream(Channels.newOutputStream(ch)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush();
          }
        };
        try (OutputStream gz = new ParallelGzipOutputStream(new BufferedOutputStream(file, 1 << 20), level, threads, PACK_BLOCK)) {
          new Packer(dir, gz, pr).pack();
        }
        ch.force(true);
      }
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      AtomicFiles.moveIntoPlace(tmp, dest);
    } catch (IOException e) {
      AtomicFiles.deleteQuietly(tmp);
      throw new VrException("cannot pack " + dir + " into " + out + ": " + AtomicFiles.reason(e), e);
    } catch (RuntimeException e) {
      AtomicFiles.deleteQuietly(tmp);
      throw e;
    } finally {
      pr.done();
    }
  }

  /** Reports compressed bytes read to the progress bar. */
  private static final class Counting extends FilterInputStream {
    private final Progress progress;

    Counting(InputStream in, Progress progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        progress.advance(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        progress.advance(n);
      }
      return n;
    }
  }
}
