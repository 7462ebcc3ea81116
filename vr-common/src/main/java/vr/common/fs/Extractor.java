package vr.common.fs;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import vr.common.VrException;
import vr.common.exec.Exec;

/**
 * Unpacks one tar stream into an empty directory, in two threads: the caller's thread decompresses and parses
 * (the inflater is the bottleneck) while a writer thread creates files. Entry data travels in a few large,
 * recycled batches, so nothing is copied more than once between the inflater and the kernel.
 *
 * <p>Safety: every name is checked before it reaches the writer. Absolute names, {@code ..} components and
 * names below a symbolic link that the archive created are refused, so nothing can be written outside the
 * directory; hard links must point to an earlier entry by a safe name. Files are created with {@code O_EXCL}
 * (never through an existing link) after removing what an earlier entry of the same name left.
 */
final class Extractor {
  private static final int BATCH_BYTES = 4 << 20;
  private static final int BATCHES = 4;
  private static final int MAX_OPS_PER_BATCH = 8192;
  /**
   * Threads that write file contents and set their metadata. The kernel's side of creating files (page cache,
   * block allocation) is most of an extraction's time; spreading it over the cores is what makes us faster than
   * {@code tar}, whose single process does all of it while gzip inflates.
   */
  private static final int HELPERS = 2;
  /** Files at least this large are written with O_DIRECT (see {@link FileSink}); -1 disables it. */
  static final long DIRECT_MIN = Long.getLong("vr.untar.directMin", 256 * 1024);
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private enum Kind { DIR, FILE, SYMLINK, HARDLINK, CHAR, BLOCK, FIFO }

  /** One step for the writer; a file larger than a batch is split into several FILE ops (first..last). */
  private record Op(Kind kind, String name, int mode, FileTime mtime, int uid, int gid, String link,
      int major, int minor, int off, int len, boolean first, boolean last, long size) {}

  private static final class Batch {
    final byte[] data = new byte[BATCH_BYTES];
    int used;
    final List<Op> ops = new ArrayList<>();
    boolean end;
    boolean abort;
    /** The writer's own pass plus every file write still running on a helper. */
    final AtomicInteger users = new AtomicInteger();
  }

  private final Path root;
  private final String rootPrefix;
  private final Owner owner;
  private final boolean isRoot;
  private final int umask;
  private final int myUid;
  private final int myGid;

  // reader side
  private final Set<String> symlinks = new HashSet<>();
  private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES + 1);
  private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);

  // writer side
  private final Set<String> dirs = new HashSet<>();
  private final List<Op> dirMeta = new ArrayList<>();
  private final List<String> implicitDirs = new ArrayList<>();
  private final FileAttribute<?>[] createAttrs = new FileAttribute<?>[512];
  private FileSink open;
  /** Whether the target's filesystem takes O_DIRECT (probed once). */
  private final boolean directOk;
  private final AtomicReference<Throwable> error = new AtomicReference<>();
  private volatile Throwable writerError;
  private final ExecutorService helpers;
  private final List<Future<?>> running = new ArrayList<>();
  private int skippedSpecial;

  /**
   * @param root an existing empty directory
   * @param owner chown everything to this owner, or null to keep the archive's owners when root
   */
  Extractor(Path root, Owner owner) throws IOException {
    this.root = root.toAbsolutePath();
    this.rootPrefix = this.root.toString() + "/";
    this.owner = owner;
    // Learn the umask and our ids from a probe file, so that files can be created with their final mode
    // and chmod/chown are only called when they change something.
    Path probe = this.root.resolve(".vr-probe");
    Files.createFile(probe, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
    int mode = (Integer) Files.getAttribute(probe, "unix:mode", NOFOLLOW);
    this.umask = ~mode & 0777;
    this.myUid = (Integer) Files.getAttribute(probe, "unix:uid", NOFOLLOW);
    this.myGid = (Integer) Files.getAttribute(probe, "unix:gid", NOFOLLOW);
    Files.delete(probe);
    this.isRoot = myUid == 0;
    this.directOk = DIRECT_MIN >= 0 && probeDirect(this.root.resolve(".vr-probe-direct"));
    for (int i = 0; i < BATCHES; i++) {
      free.add(new Batch());
    }
    int n = Math.max(1, Math.min(HELPERS, Runtime.getRuntime().availableProcessors()));
    this.helpers = Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "vr-untar-helper");
      t.setDaemon(true);
      return t;
    });
  }

  private static boolean probeDirect(Path probe) {
    try {
      FileSink s = FileSink.direct(probe, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      byte[] b = new byte[10];
      s.write(b, 0, b.length);
      s.close();
      return Files.size(probe) == b.length;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException ignored) {
        // a leftover probe is removed with the temp dir on failure, or stays harmlessly
      }
    }
  }

  /** Device nodes and fifos skipped because we are not root. */
  int skippedSpecial() {
    return skippedSpecial;
  }

  /** Reads the tar stream to its end and writes everything; throws on the first problem. */
  void run(InputStream tarStream) throws IOException {
    Thread writer = new Thread(this::writeLoop, "vr-untar-writer");
    writer.setDaemon(true);
    writer.start();
    boolean ended = false;
    try {
      read(tarStream);
      ended = true;
    } finally {
      if (!ended) {
        Batch abort = new Batch();
        abort.end = true;
        abort.abort = true;
        putQuietly(abort);
      }
      try {
        writer.join();
      } catch (InterruptedException e) {
        writer.interrupt();
        Thread.currentThread().interrupt();
      }
    }
    if (writerError != null) {
      if (writerError instanceof IOException io) {
        throw io;
      }
      if (writerError instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(writerError);
    }
  }

  private void read(InputStream tarStream) throws IOException {
    TarArchiveInputStream tin = new TarArchiveInputStream(tarStream);
    Batch batch = take(free);
    TarArchiveEntry e;
    while ((e = tin.getNextEntry()) != null) {
      if (error.get() != null) {
        break;
      }
      String raw = e.getName();
      String name = safeName(raw);
      if (name.isEmpty() && !e.isDirectory()) {
        throw new VrException("unsafe archive entry '" + raw + "': not a directory but names the target itself");
      }
      checkNoSymlinkAbove(name, raw);
      int mode = e.getMode() & 07777;
      FileTime mtime = e.getLastModifiedTime();
      int uid = (int) e.getLongUserId();
      int gid = (int) e.getLongGroupId();
      Op op;
      if (e.isDirectory()) {
        op = new Op(Kind.DIR, name, mode, mtime, uid, gid, null, 0, 0, 0, 0, true, true, 0);
        symlinks.remove(name);
      } else if (e.isSymbolicLink()) {
        op = new Op(Kind.SYMLINK, name, mode, mtime, uid, gid, e.getLinkName(), 0, 0, 0, 0, true, true, 0);
        symlinks.add(name);
      } else if (e.isLink()) {
        String target = safeName(e.getLinkName());
        if (target.isEmpty()) {
          throw new VrException("unsafe archive entry '" + raw + "': hard link to the target directory itself");
        }
        checkNoSymlinkAbove(target, e.getLinkName());
        op = new Op(Kind.HARDLINK, name, mode, mtime, uid, gid, target, 0, 0, 0, 0, true, true, 0);
        if (symlinks.contains(target)) {
          symlinks.add(name); // a hard link to a symlink is a symlink
        } else {
          symlinks.remove(name);
        }
      } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
        Kind k = e.isCharacterDevice() ? Kind.CHAR : e.isBlockDevice() ? Kind.BLOCK : Kind.FIFO;
        op = new Op(k, name, mode, mtime, uid, gid, null, e.getDevMajor(), e.getDevMinor(), 0, 0, true, true, 0);
        symlinks.remove(name);
      } else if (e.isFile()) {
        symlinks.remove(name);
        long size = e.isSparse() ? e.getRealSize() : e.getSize();
        long remaining = size;
        boolean first = true;
        if (remaining == 0) {
          batch = add(batch, new Op(Kind.FILE, name, mode, mtime, uid, gid, null, 0, 0, batch.used, 0, true, true, 0));
        }
        while (remaining > 0) {
          if (batch.used == BATCH_BYTES) {
            batch = flush(batch);
          }
          int n = (int) Math.min(remaining, BATCH_BYTES - batch.used);
          int got = tin.readNBytes(batch.data, batch.used, n);
          if (got < n) {
            throw new EOFException("archive ends in the middle of '" + raw + "'");
          }
          remaining -= n;
          Op chunk = new Op(Kind.FILE, name, mode, mtime, uid, gid, null, 0, 0, batch.used, n, first, remaining == 0, size);
          batch.used += n;
          batch = add(batch, chunk);
          first = false;
        }
        continue;
      } else {
        continue; // volume labels, multi-volume continuations: nothing to create
      }
      batch = add(batch, op);
    }
    if (error.get() != null) {
      batch.end = true;
      put(batch);
      return; // the writer failed; run() reports why
    }
    // Read to the very end so that the compressor verifies its checksum and length trailer.
    byte[] sink = new byte[64 * 1024];
    while (tarStream.read(sink) >= 0) {
      // drain
    }
    batch.end = true;
    put(batch);
  }

  private Batch add(Batch b, Op op) {
    b.ops.add(op);
    return b.ops.size() >= MAX_OPS_PER_BATCH && !(op.kind == Kind.FILE && !op.last) ? flush(b) : b;
  }

  private Batch flush(Batch b) {
    put(b);
    return take(free);
  }

  private void put(Batch b) {
    try {
      full.put(b);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted");
    }
  }

  private void putQuietly(Batch b) {
    try {
      full.put(b);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Batch take(BlockingQueue<Batch> q) {
    try {
      return q.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted");
    }
  }

  /**
   * The entry name relative to the target: {@code ./} and empty segments dropped; absolute names and
   * {@code ..} refused.
   */
  static String safeName(String raw) {
    if (raw.startsWith("/")) {
      throw new VrException("unsafe archive entry '" + raw + "': absolute path");
    }
    StringBuilder sb = new StringBuilder(raw.length());
    int i = 0;
    int n = raw.length();
    while (i < n) {
      int j = raw.indexOf('/', i);
      if (j < 0) {
        j = n;
      }
      int len = j - i;
      if (len == 2 && raw.charAt(i) == '.' && raw.charAt(i + 1) == '.') {
        throw new VrException("unsafe archive entry '" + raw + "': '..' leaves the target directory");
      }
      if (len > 0 && !(len == 1 && raw.charAt(i) == '.')) {
        if (sb.length() > 0) {
          sb.append('/');
        }
        sb.append(raw, i, j);
      }
      i = j + 1;
    }
    if (sb.indexOf("\0") >= 0) {
      throw new VrException("unsafe archive entry '" + raw + "': NUL in name");
    }
    return sb.toString();
  }

  private void checkNoSymlinkAbove(String name, String raw) {
    if (symlinks.isEmpty()) {
      return;
    }
    for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
      String prefix = name.substring(0, i);
      if (symlinks.contains(prefix)) {
        throw new VrException("unsafe archive entry '" + raw + "': it would be written through the symbolic link '" + prefix + "'");
      }
    }
  }

  // ---------------------------------------------------------------- writer thread

  private void writeLoop() {
    boolean failed = false;
    try {
      while (true) {
        Batch b = full.take();
        b.users.set(1);
        if (!failed) {
          try {
            for (Op op : b.ops) {
              apply(op, b);
              if (error.get() != null) {
                break;
              }
            }
            if (b.end && !b.abort) {
              awaitHelpers();
              finish();
            }
          } catch (Throwable t) {
            error.compareAndSet(null, t);
          }
          if (error.get() != null) {
            failed = true;
            closeOpen();
            writerError = error.get();
          }
        }
        if (b.end) {
          if (failed || b.abort) {
            awaitHelpersQuietly();
          }
          return;
        }
        release(b);
      }
    } catch (InterruptedException e) {
      writerError = new VrException("interrupted");
      closeOpen();
    } finally {
      helpers.shutdownNow();
    }
  }

  /** Drops one user of a batch; the last one hands it back to the reader. */
  private void release(Batch b) {
    if (b.users.decrementAndGet() == 0) {
      b.used = 0;
      b.ops.clear();
      b.end = false;
      free.add(b);
    }
  }

  /** Waits until every file handed to the helpers is written (before replacing names, and at the end). */
  private void awaitHelpers() throws IOException {
    try {
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted");
    } catch (ExecutionException e) {
      error.compareAndSet(null, e.getCause());
    } finally {
      running.clear();
    }
    Throwable t = error.get();
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t != null) {
      throw new IOException(t);
    }
  }

  private void awaitHelpersQuietly() {
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (Exception e) {
        // already failing
      }
    }
    running.clear();
  }

  private void closeOpen() {
    if (open != null) {
      open.abandon();
      open = null;
    }
  }

  private Path path(String name) {
    return name.isEmpty() ? root : Path.of(rootPrefix + name);
  }

  private void apply(Op op, Batch batch) throws IOException {
    switch (op.kind) {
      case FILE -> writeFile(op, batch);
      case DIR -> makeDir(op);
      case SYMLINK -> {
        Path p = path(op.name);
        parent(op.name);
        try {
          Files.createSymbolicLink(p, Path.of(op.link));
        } catch (FileAlreadyExistsException x) {
          removeExisting(p, op.name);
          Files.createSymbolicLink(p, Path.of(op.link));
        }
        meta(p, op, true);
      }
      case HARDLINK -> {
        Path p = path(op.name);
        parent(op.name);
        Path existing = path(op.link);
        try {
          Files.createLink(p, existing);
        } catch (FileAlreadyExistsException x) {
          removeExisting(p, op.name);
          Files.createLink(p, existing);
        } catch (java.nio.file.NoSuchFileException x) {
          throw new VrException("archive entry '" + op.name + "' is a hard link to '" + op.link + "', which is not in the archive before it");
        }
      }
      case CHAR, BLOCK, FIFO -> special(op);
      default -> throw new IllegalStateException(op.kind.toString());
    }
  }

  private void writeFile(Op op, Batch batch) throws IOException {
    Path p = path(op.name);
    if (op.first) {
      parent(op.name);
      try {
        open = sink(p, op);
      } catch (FileAlreadyExistsException x) {
        removeExisting(p, op.name);
        open = sink(p, op);
      }
    }
    if (op.first && op.last) {
      // A whole file in this batch: a helper writes it, closes it and sets its metadata. Its name is already
      // taken (O_EXCL above), so later entries see it exactly as if it had been written here.
      FileSink sink = open;
      open = null;
      batch.users.incrementAndGet();
      running.add(helpers.submit(() -> {
        try {
          sink.write(batch.data, op.off, op.len);
          sink.close();
          meta(p, op, false);
        } catch (Throwable t) {
          error.compareAndSet(null, t);
          sink.abandon();
        } finally {
          release(batch);
        }
        return null;
      }));
      return;
    }
    // A file spanning batches is written here, in order.
    open.write(batch.data, op.off, op.len);
    if (op.last) {
      FileSink s = open;
      open = null;
      s.close();
      meta(p, op, false);
    }
  }

  private FileSink sink(Path p, Op op) throws IOException {
    FileAttribute<?> attr = createAttr(op.mode & 0777);
    return directOk && op.size >= DIRECT_MIN ? FileSink.direct(p, attr) : FileSink.buffered(p, attr);
  }

  private FileAttribute<?> createAttr(int perms) {
    FileAttribute<?> a = createAttrs[perms];
    if (a == null) {
      a = PosixFilePermissions.asFileAttribute(permissions(perms));
      createAttrs[perms] = a;
    }
    return a;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> s = new HashSet<>();
    PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE = bits 8..0
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        s.add(all[i]);
      }
    }
    return s;
  }

  private void makeDir(Op op) throws IOException {
    if (!op.name.isEmpty()) {
      Path p = path(op.name);
      if (!dirs.contains(op.name)) {
        parent(op.name);
        try {
          Files.createDirectory(p);
        } catch (FileAlreadyExistsException x) {
          if (!Files.isDirectory(p, NOFOLLOW)) {
            removeExisting(p, op.name);
            Files.createDirectory(p);
          }
        }
        dirs.add(op.name);
      }
    }
    dirMeta.add(op); // modes and times of directories are set last, after their contents exist
  }

  /** Creates the parent directories of {@code name} that no entry has created yet. */
  private void parent(String name) throws IOException {
    int cut = name.lastIndexOf('/');
    if (cut < 0) {
      return;
    }
    String parent = name.substring(0, cut);
    if (dirs.contains(parent)) {
      return;
    }
    Path p = path(parent);
    if (!Files.isDirectory(p, NOFOLLOW)) {
      // create each missing level ourselves (Files.createDirectories would follow links)
      parent(parent);
      try {
        Files.createDirectory(p);
        implicitDirs.add(parent);
      } catch (FileAlreadyExistsException x) {
        removeExisting(p, parent);
        Files.createDirectory(p);
        implicitDirs.add(parent);
      }
    }
    dirs.add(parent);
  }

  /** Removes what an earlier entry put at {@code p} (tar semantics: a later entry replaces an earlier one). */
  private void removeExisting(Path p, String name) throws IOException {
    awaitHelpers(); // a helper may still set metadata by this name
    try {
      Files.delete(p);
    } catch (DirectoryNotEmptyException x) {
      throw new VrException("archive entry '" + name + "' would replace a non-empty directory");
    }
    dirs.remove(name);
  }

  private void special(Op op) throws IOException {
    if (!isRoot) {
      skippedSpecial++; // only root may create device nodes; an image unpacked by a user simply lacks them
      return;
    }
    Path p = path(op.name);
    parent(op.name);
    if (Files.exists(p, NOFOLLOW)) {
      removeExisting(p, op.name);
    }
    String mode = Integer.toOctalString(op.mode & 07777);
    Exec cmd = switch (op.kind) {
      case CHAR -> Exec.of("mknod", "-m", mode, p.toString(), "c", String.valueOf(op.major), String.valueOf(op.minor));
      case BLOCK -> Exec.of("mknod", "-m", mode, p.toString(), "b", String.valueOf(op.major), String.valueOf(op.minor));
      default -> Exec.of("mknod", "-m", mode, p.toString(), "p");
    };
    cmd.check();
    meta(p, op, false);
  }

  /** Sets owner, mode and mtime of a finished entry, each only when it differs from what creation gave. */
  private void meta(Path p, Op op, boolean symlink) throws IOException {
    boolean isDir = op.kind == Kind.DIR;
    int uid;
    int gid;
    if (owner != null) {
      uid = owner.uid();
      gid = owner.gid();
    } else if (isRoot) {
      uid = op.uid;
      gid = op.gid;
    } else {
      uid = myUid;
      gid = myGid;
    }
    boolean chowned = false;
    if (uid != myUid || gid != myGid) {
      chown(p, uid, gid, symlink);
      chowned = true;
    }
    if (!symlink) {
      int mode = op.mode & 07777;
      if (!isRoot) {
        mode &= ~06000; // no setuid/setgid files for an unprivileged extraction
      }
      if (owner != null) {
        // the original's untar: directories ug+rx, files ug+rw, so the proc's user can use its build
        mode |= isDir ? 0550 : 0660;
      }
      int created = isDir ? 0777 & ~umask : op.mode & 0777 & ~umask;
      if (mode != created || (chowned && (mode & 06000) != 0) || op.kind == Kind.CHAR || op.kind == Kind.BLOCK || op.kind == Kind.FIFO) {
        Files.setAttribute(p, "unix:mode", mode);
      }
    }
    if (op.mtime != null && (op.kind == Kind.CHAR || op.kind == Kind.BLOCK || op.kind == Kind.FIFO)) {
      // The JDK sets times through open(2), which blocks on a fifo and may touch a device: use utimensat(2)
      // by path, through touch -h.
      Instant t = op.mtime.toInstant();
      Exec.of("touch", "-h", "-d", "@" + t.getEpochSecond() + "." + String.format("%09d", t.getNano()), p.toString()).check();
    } else if (op.mtime != null) {
      BasicFileAttributeView v = symlink
          ? Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW)
          : Files.getFileAttributeView(p, BasicFileAttributeView.class);
      v.setTimes(op.mtime, op.mtime, null);
    }
  }

  private void chown(Path p, int uid, int gid, boolean symlink) throws IOException {
    try {
      if (symlink) {
        Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
        Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
      } else {
        Files.setAttribute(p, "unix:uid", uid);
        Files.setAttribute(p, "unix:gid", gid);
      }
    } catch (java.nio.file.FileSystemException e) {
      throw new VrException("cannot chown " + root.relativize(p) + " to " + uid + ":" + gid + ": " + AtomicFiles.reason(e)
          + (isRoot ? "" : " (only root can give files away)"), e);
    }
  }

  private void finish() throws IOException {
    // Directories deepest first: setting a child's time never touches its parent's, but creating does.
    for (int i = dirMeta.size() - 1; i >= 0; i--) {
      Op d = dirMeta.get(i);
      meta(path(d.name), d, false);
    }
    if (owner != null) {
      boolean rootDone = dirMeta.stream().anyMatch(d -> d.name.isEmpty());
      for (String d : implicitDirs) {
        fixImplicit(path(d));
      }
      if (!rootDone) {
        fixImplicit(root);
      }
    }
  }

  /** A directory no entry described, when everything belongs to {@link #owner}: chown it and make it ug+rx. */
  private void fixImplicit(Path p) throws IOException {
    if (owner.uid() != myUid || owner.gid() != myGid) {
      chown(p, owner.uid(), owner.gid(), false);
    }
    int mode = (Integer) Files.getAttribute(p, "unix:mode") & 07777;
    if ((mode | 0550) != mode) {
      Files.setAttribute(p, "unix:mode", mode | 0550);
    }
  }
}
