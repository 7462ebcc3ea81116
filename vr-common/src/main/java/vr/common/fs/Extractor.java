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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Safety: every entry passes {@link EntryRules} before it reaches the writer, so its name stays below the
 * directory and the archive within its limits. The writer creates files with {@code O_EXCL} (never through an
 * existing link) after removing what an earlier entry of the same name left, and sets owners, modes and times
 * without following links, only on what it created itself: a directory that a later entry replaced (by a
 * symlink to a host path, say) gets nothing of the directory entry's metadata.
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
  private final EntryRules rules;
  private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES + 1);
  private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);

  // writer side
  private final Set<String> dirs = new HashSet<>();
  /** Directory entries by name, in archive order, whose metadata is set at the end. */
  private final Map<String, Op> dirMeta = new LinkedHashMap<>();
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
   * @param limits what the archive may unpack to
   */
  Extractor(Path root, Owner owner, EntryRules.Limits limits) throws IOException {
    this.rules = new EntryRules(limits);
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
      int mode = e.getMode() & 07777;
      FileTime mtime = e.getLastModifiedTime();
      int uid = (int) e.getLongUserId();
      int gid = (int) e.getLongGroupId();
      Op op;
      if (e.isDirectory()) {
        op = new Op(Kind.DIR, rules.directory(raw), mode, mtime, uid, gid, null, 0, 0, 0, 0, true, true, 0);
      } else if (e.isSymbolicLink()) {
        op = new Op(Kind.SYMLINK, rules.symlink(raw), mode, mtime, uid, gid, e.getLinkName(), 0, 0, 0, 0, true, true, 0);
      } else if (e.isLink()) {
        String target = rules.hardLinkTarget(raw, e.getLinkName());
        op = new Op(Kind.HARDLINK, rules.hardLink(raw, target), mode, mtime, uid, gid, target, 0, 0, 0, 0, true, true, 0);
      } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
        Kind k = e.isCharacterDevice() ? Kind.CHAR : e.isBlockDevice() ? Kind.BLOCK : Kind.FIFO;
        op = new Op(k, rules.special(raw), mode, mtime, uid, gid, null, e.getDevMajor(), e.getDevMinor(), 0, 0, true, true, 0);
      } else if (e.isFile()) {
        long size = e.isSparse() ? e.getRealSize() : e.getSize();
        String name = rules.file(raw, size);
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
    // Modes and times of directories are set last, after their contents exist; a repeated entry's metadata
    // wins, in the place of the first.
    dirMeta.put(op.name, op);
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
      throw new VrException("archive entry '" + EntryRules.shorten(name) + "' would replace a non-empty directory");
    }
    dirs.remove(name);
    dirMeta.remove(name); // what replaces a directory must never receive its owner, mode or time
  }

  private void special(Op op) throws IOException {
    if (owner != null && op.kind != Kind.FIFO) {
      // A build's files belong to the proc's user: a device node there would hand that user the device on the
      // host (the container's device cgroup only guards the inside).
      throw new VrException("archive entry '" + EntryRules.shorten(op.name) + "' is a device node, which a build may not hold");
    }
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

  /**
   * Sets owner, mode and mtime of a finished entry, each only when it differs from what creation gave, and
   * never through a link: {@code p} is what this extraction just created by that name.
   */
  private void meta(Path p, Op op, boolean symlink) throws IOException {
    boolean isDir = op.kind == Kind.DIR;
    boolean special = op.kind == Kind.CHAR || op.kind == Kind.BLOCK || op.kind == Kind.FIFO;
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
      chown(p, uid, gid);
      chowned = true;
    }
    // mknod -m gave a special file its mode, and the JDK would open a fifo to change it (and block).
    if (!symlink && !special) {
      int mode = op.mode & 07777;
      if (!isRoot) {
        mode &= ~06000; // no setuid/setgid files for an unprivileged extraction
      }
      if (owner != null) {
        // the original's untar: directories ug+rx, files ug+rw, so the proc's user can use its build
        mode |= isDir ? 0550 : 0660;
      }
      int created = isDir ? 0777 & ~umask : op.mode & 0777 & ~umask;
      if (mode != created || (chowned && (mode & 06000) != 0)) {
        Files.setAttribute(p, "unix:mode", mode, NOFOLLOW); // fchmod on an O_NOFOLLOW descriptor
      }
    }
    if (op.mtime != null && special) {
      // The JDK sets times through open(2), which blocks on a fifo and may touch a device: use utimensat(2)
      // by path, through touch -h.
      Instant t = op.mtime.toInstant();
      Exec.of("touch", "-h", "-d", "@" + t.getEpochSecond() + "." + String.format("%09d", t.getNano()), p.toString()).check();
    } else if (op.mtime != null) {
      Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW).setTimes(op.mtime, op.mtime, null);
    }
  }

  /** lchown(2): a link's own owner, never its target's. */
  private void chown(Path p, int uid, int gid) throws IOException {
    try {
      Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
      Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
    } catch (java.nio.file.FileSystemException e) {
      throw new VrException("cannot chown " + root.relativize(p) + " to " + uid + ":" + gid + ": " + AtomicFiles.reason(e)
          + (isRoot ? "" : " (only root can give files away)"), e);
    }
  }

  private void finish() throws IOException {
    // Directories deepest first: setting a child's time never touches its parent's, but creating does.
    List<Op> ds = new ArrayList<>(dirMeta.values());
    for (int i = ds.size() - 1; i >= 0; i--) {
      Op d = ds.get(i);
      Path p = path(d.name);
      if (!Files.isDirectory(p, NOFOLLOW)) {
        throw new VrException("archive entry '" + EntryRules.shorten(d.name) + "' is no longer a directory at the end");
      }
      meta(p, d, false);
    }
    if (owner != null) {
      boolean rootDone = dirMeta.containsKey("");
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
      chown(p, owner.uid(), owner.gid());
    }
    int mode = (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
    if ((mode | 0550) != mode) {
      Files.setAttribute(p, "unix:mode", mode | 0550, NOFOLLOW);
    }
  }
}
