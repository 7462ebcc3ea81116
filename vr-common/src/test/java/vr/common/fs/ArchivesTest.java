package vr.common.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.VrException;
import vr.common.cli.Progress;
import vr.common.exec.Exec;

class ArchivesTest {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  @TempDir Path tmp;
  private Path outside;
  private Path target;

  @BeforeEach
  void setUp() throws Exception {
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createDirectories(tmp.resolve("work"));
    target = tmp.resolve("work/contents");
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, NOFOLLOW));
  }

  private static int unixMode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
  }

  /** Nothing but what the test put there: no target, no temp dir beside it. */
  private void assertNothingLeft() throws Exception {
    try (var s = Files.list(tmp.resolve("work"))) {
      assertThat(s).isEmpty();
    }
    try (var s = Files.list(outside)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void keepsFilesDirectoriesSymlinksHardLinksModesAndMtimes() throws Exception {
    Path tgz = new TarBuilder()
        .dir("./", 0750, TarBuilder.T1)
        .dir("./bin", 0755, TarBuilder.T2)
        .file("./bin/run", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), 0755, TarBuilder.T2)
        .file("./secret", "s".getBytes(StandardCharsets.UTF_8), 0600, TarBuilder.T1)
        .file("./empty", new byte[0], 0644, TarBuilder.T1)
        .symlink("./run", "bin/run")
        .symlink("./abs", "/etc/hostname")
        .hardlink("./bin/run2", "./bin/run")
        .dir("./ro", 0555, TarBuilder.T2)
        .file("./ro/inside", "x".getBytes(StandardCharsets.UTF_8), 0444, TarBuilder.T1)
        .file("./deep/er/file.txt", "implicit parents") // no directory entries for deep/ and deep/er/
        .gz(tmp.resolve("app.tar.gz"));
    Archives.extract(tgz, target, null, Progress.NONE);

    assertThat(Files.readString(target.resolve("bin/run"))).isEqualTo("#!/bin/sh\necho hi\n");
    assertThat(mode(target.resolve("bin/run"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(target.resolve("secret"))).isEqualTo("rw-------");
    assertThat(Files.size(target.resolve("empty"))).isZero();
    assertThat(Files.readSymbolicLink(target.resolve("run"))).isEqualTo(Path.of("bin/run"));
    assertThat(Files.readSymbolicLink(target.resolve("abs"))).isEqualTo(Path.of("/etc/hostname"));
    assertThat(Files.isSameFile(target.resolve("bin/run"), target.resolve("bin/run2"))).isTrue();
    assertThat(Files.readString(target.resolve("deep/er/file.txt"))).isEqualTo("implicit parents");
    // directories get their own mode and mtime after their contents were written
    assertThat(mode(target)).isEqualTo("rwxr-x---");
    assertThat(mode(target.resolve("ro"))).isEqualTo("r-xr-xr-x");
    assertThat(mode(target.resolve("ro/inside"))).isEqualTo("r--r--r--");
    assertThat(Files.getLastModifiedTime(target)).isEqualTo(TarBuilder.T1);
    assertThat(Files.getLastModifiedTime(target.resolve("bin"))).isEqualTo(TarBuilder.T2);
    assertThat(Files.getLastModifiedTime(target.resolve("ro"))).isEqualTo(TarBuilder.T2);
    assertThat(Files.getLastModifiedTime(target.resolve("bin/run"))).isEqualTo(TarBuilder.T2);
    assertThat(Files.getLastModifiedTime(target.resolve("secret"))).isEqualTo(TarBuilder.T1);
    assertThat(Files.getLastModifiedTime(target.resolve("run"), NOFOLLOW)).isEqualTo(TarBuilder.T2);
    try (var s = Files.list(tmp.resolve("work"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("contents");
    }
  }

  @Test
  void refusesParentDirectoryEntries() throws Exception {
    Path tgz = new TarBuilder().file("ok", "fine").file("../x", "escaped").gz(tmp.resolve("a.tar.gz"));
    assertThatThrownBy(() -> Archives.extract(tgz, target, null, Progress.NONE))
        .isInstanceOf(VrException.class)
        .hasMessage("cannot extract " + tgz + ": unsafe archive entry '../x': '..' leaves the target directory");
    assertThat(tmp.resolve("work/x")).doesNotExist();
    assertNothingLeft();
  }

  @Test
  void refusesDotDotInTheMiddle() throws Exception {
    Path tgz = new TarBuilder().file("a/b/../../../outside/x", "escaped").gz(tmp.resolve("a.tar.gz"));
    assertThatThrownBy(() -> Archives.extract(tgz, target, null, Progress.NONE)).hasMessageContaining("'..' leaves the target");
    assertNothingLeft();
  }

  @Test
  void refusesAbsoluteEntries() throws Exception {
    Path evil = outside.resolve("passwd");
    Path tgz = new TarBuilder().file(evil.toString(), "root::0:0::/:/bin/sh").gz(tmp.resolve("a.tar.gz"));
    assertThatThrownBy(() -> Archives.extract(tgz, target, null, Progress.NONE))
        .hasMessage("cannot extract " + tgz + ": unsafe archive entry '" + evil + "': absolute path");
    assertNothingLeft();
  }

  @Test
  void refusesWritingThroughASymlink() throws Exception {
    Path tgz = new TarBuilder().symlink("link", outside.toString()).file("link/evil", "through the link")
        .gz(tmp.resolve("a.tar.gz"));
    assertThatThrownBy(() -> Archives.extract(tgz, target, null, Progress.NONE))
        .hasMessage("cannot extract " + tgz + ": unsafe archive entry 'link/evil': it would be written through the symbolic link 'link'");
    assertNothingLeft();
  }

  @Test
  void refusesWritingThroughARelativeSymlinkDeeper() throws Exception {
    Path tgz = new TarBuilder().dir("d", 0755, TarBuilder.T1).symlink("d/up", "../../../outside")
        .dir("d/up/sub", 0755, TarBuilder.T1).gz(tmp.resolve("a.tar.gz"));
    assertThatThrownBy(() -> Archives.extract(tgz, target, null, Progress.NONE)).hasMessageContaining("through the symbolic link 'd/up'");
    assertNothingLeft();
  }

  @Test
  void refusesWritingThroughAHardLinkToASymlink() throws Exception {
    Path tgz = new TarBuilder().symlink("s", outside.toString()).hardlink("h", "s").file("h/evil", "x")
        .gz(tmp.resolve("a.tar.gz"));
    assertThatThrownBy(() -> Archives.extract(tgz, target, null, Progress.NONE)).hasMessageContaining("through the symbolic link 'h'");
    assertNothingLeft();
  }

  @Test
  void refusesHardLinksPointingOutside() throws Exception {
    Files.writeString(outside.resolve("victim"), "v");
    Path a = new TarBuilder().hardlink("h", "../../outside/victim").gz(tmp.resolve("a.tar.gz"));
    assertThatThrownBy(() -> Archives.extract(a, target, null, Progress.NONE)).hasMessageContaining("'..' leaves the target");
    Path b = new TarBuilder().hardlink("h", outside.resolve("victim").toString()).gz(tmp.resolve("b.tar.gz"));
    assertThatThrownBy(() -> Archives.extract(b, target, null, Progress.NONE)).hasMessageContaining("absolute path");
    Path c = new TarBuilder().symlink("s", outside.toString()).hardlink("h", "s/victim").gz(tmp.resolve("c.tar.gz"));
    assertThatThrownBy(() -> Archives.extract(c, target, null, Progress.NONE)).hasMessageContaining("through the symbolic link 's'");
    Files.delete(outside.resolve("victim"));
    assertNothingLeft();
  }

  @Test
  void laterRegularFileReplacesASymlinkInsteadOfWritingThroughIt() throws Exception {
    Path victim = Files.writeString(outside.resolve("victim"), "untouched");
    Path tgz = new TarBuilder().symlink("f", victim.toString()).file("f", "replaced").gz(tmp.resolve("a.tar.gz"));
    Archives.extract(tgz, target, null, Progress.NONE);
    assertThat(Files.isSymbolicLink(target.resolve("f"))).isFalse();
    assertThat(Files.readString(target.resolve("f"))).isEqualTo("replaced");
    assertThat(Files.readString(victim)).isEqualTo("untouched");
  }

  @Test
  void aDirectorysAttributesAreNeverAppliedThroughTheSymlinkThatReplacedIt() throws Exception {
    Path victim = Files.writeString(outside.resolve("victim"), "v");
    Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
    FileTime before = Files.getLastModifiedTime(victim);
    Path tgz = new TarBuilder().dir("vd", 0777, TarBuilder.T1).symlink("vd", victim.toString())
        .gz(tmp.resolve("a.tar.gz"));
    Archives.extract(tgz, target, null, Progress.NONE);
    assertThat(Files.readSymbolicLink(target.resolve("vd"))).isEqualTo(victim);
    assertThat(mode(victim)).isEqualTo("rw-r--r--");
    assertThat(Files.getLastModifiedTime(victim)).isEqualTo(before);
  }

  @Test
  void aDirectoryEntryAfterTheSymlinkThatReplacedItIsADirectoryAgain() throws Exception {
    Path victim = Files.writeString(outside.resolve("victim"), "v");
    Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
    Path tgz = new TarBuilder().dir("vd", 0777, TarBuilder.T1).symlink("vd", victim.toString())
        .dir("vd", 0700, TarBuilder.T2).gz(tmp.resolve("a.tar.gz"));
    Archives.extract(tgz, target, null, Progress.NONE);
    assertThat(mode(target.resolve("vd"))).isEqualTo("rwx------");
    assertThat(Files.getLastModifiedTime(target.resolve("vd"))).isEqualTo(TarBuilder.T2);
    assertThat(mode(victim)).isEqualTo("rw-r--r--");
  }

  @Test
  void aTarBombIsRefusedAtItsHeaderBeforeAByteIsWritten() throws Exception {
    // A header that announces 2 GiB: the default limit of a tiny archive is 1 GiB unpacked. The data need not
    // even be there, which proves nothing was written first.
    byte[] header = new byte[512];
    org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
        new org.apache.commons.compress.archivers.tar.TarArchiveEntry("zeros");
    e.setSize(2L << 30);
    e.writeEntryHeader(header);
    Path tgz = tmp.resolve("bomb.tar.gz");
    try (var o = new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(Files.newOutputStream(tgz))) {
      o.write(header);
      o.write(new byte[1 << 20]);
    }
    assertThatThrownBy(() -> Archives.extract(tgz, target, null, Progress.NONE))
        .hasMessage("cannot extract " + tgz + ": the archive unpacks to more than 1 GiB (at 'zeros'); a larger one"
            + " needs VR_UNPACK_MAX_BYTES (docs/security.md)");
    assertNothingLeft();
  }

  @Test
  void overItsLimitsAnExtractionStopsAndLeavesNothing() throws Exception {
    Path tgz = new TarBuilder().file("a", new byte[600_000], 0644, TarBuilder.T1)
        .file("b", new byte[600_000], 0644, TarBuilder.T1).gz(tmp.resolve("a.tar.gz"));
    Path stage = Files.createDirectory(tmp.resolve("work/stage"));
    try (var in = Compression.GZIP.open(Files.newInputStream(tgz))) {
      Extractor x = new Extractor(stage, null, new EntryRules.Limits(1_000_000, 100));
      assertThatThrownBy(() -> x.run(in)).hasMessageContaining("unpacks to more than 1000000 bytes (at 'b')");
    }
    Path many = new TarBuilder().file("1", "x").file("2", "x").file("3", "x").gz(tmp.resolve("b.tar.gz"));
    Path stage2 = Files.createDirectory(tmp.resolve("work/stage2"));
    try (var in = Compression.GZIP.open(Files.newInputStream(many))) {
      Extractor x = new Extractor(stage2, null, new EntryRules.Limits(1_000_000, 2));
      assertThatThrownBy(() -> x.run(in)).hasMessageContaining("more than 2 entries");
    }
  }

  @Test
  void aBuildMayHoldNoDeviceNode() throws Exception {
    int uid = (Integer) Files.getAttribute(tmp, "unix:uid");
    int gid = (Integer) Files.getAttribute(tmp, "unix:gid");
    Path tgz = new TarBuilder().device("disk", org.apache.commons.compress.archivers.tar.TarConstants.LF_BLK, 8, 0, 0666)
        .gz(tmp.resolve("a.tar.gz"));
    assertThatThrownBy(() -> Archives.extract(tgz, target, new Owner(uid, gid), Progress.NONE))
        .hasMessageContaining("'disk' is a device node, which a build may not hold");
    assertNothingLeft();
  }

  @Test
  void laterEntryOfTheSameNameWins() throws Exception {
    Path tgz = new TarBuilder().file("a", "first").file("a", "second").gz(tmp.resolve("a.tar.gz"));
    Archives.extract(tgz, target, null, Progress.NONE);
    assertThat(Files.readString(target.resolve("a"))).isEqualTo("second");
  }

  @Test
  void truncatedGzipLeavesNothing() throws Exception {
    byte[] big = new byte[3 << 20];
    new Random(1).nextBytes(big);
    Path full = new TarBuilder().file("a", "x").file("big", big, 0644, TarBuilder.T1).file("z", "end").gz(tmp.resolve("full.tar.gz"));
    byte[] all = Files.readAllBytes(full);
    Path cut = Files.write(tmp.resolve("cut.tar.gz"), Arrays.copyOf(all, all.length / 2));
    assertThatThrownBy(() -> Archives.extract(cut, target, null, Progress.NONE))
        .isInstanceOf(VrException.class)
        .hasMessageStartingWith("cannot extract " + cut + ": the archive is truncated")
        .hasMessageNotContaining("\n");
    assertNothingLeft();
  }

  @Test
  void gzipTruncatedInItsTrailerIsStillCaught() throws Exception {
    Path full = new TarBuilder().file("a", "x").gz(tmp.resolve("full.tar.gz"));
    byte[] all = Files.readAllBytes(full);
    Path cut = Files.write(tmp.resolve("cut.tar.gz"), Arrays.copyOf(all, all.length - 4));
    assertThatThrownBy(() -> Archives.extract(cut, target, null, Progress.NONE)).hasMessageContaining("truncated");
    assertNothingLeft();
  }

  @Test
  void nonArchiveIsOneLineError() throws Exception {
    Path notGz = Files.writeString(tmp.resolve("build.tar.gz"), "<html>404 Not Found</html>\n");
    assertThatThrownBy(() -> Archives.extract(notGz, target, null, Progress.NONE))
        .hasMessage("cannot extract " + notGz + ": not a .tar.gz file");
    Path junk = Files.writeString(tmp.resolve("build.zip"), "PK junk");
    assertThatThrownBy(() -> Archives.extract(junk, target, null, Progress.NONE))
        .hasMessage(junk + " is not a tar archive (expected .tar.gz, .tar.bz2 or .tar.xz)");
    Path empty = Files.createFile(tmp.resolve("empty.tar.gz"));
    assertThatThrownBy(() -> Archives.extract(empty, target, null, Progress.NONE)).hasMessage(empty + " is empty, not a tar archive");
    assertNothingLeft();
  }

  @Test
  void gzipOfSomethingElseIsNotATarArchive() throws Exception {
    Path gz = tmp.resolve("notes.tar.gz");
    try (var o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write("just some text that is certainly not a tar header, repeated. ".repeat(40).getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> Archives.extract(gz, target, null, Progress.NONE))
        .isInstanceOf(VrException.class)
        .hasMessageStartingWith("cannot extract " + gz + ": ");
    assertNothingLeft();
  }

  @Test
  void detectsCompressionByContentNotName() throws Exception {
    TarBuilder b = new TarBuilder().file("hello", "world");
    for (Path p : new Path[] {b.bz2(tmp.resolve("x.tar.bz2")), b.xz(tmp.resolve("x.tar.xz")), b.plain(tmp.resolve("x.tar")),
        b.xz(tmp.resolve("misnamed.tar.gz"))}) {
      Path t = tmp.resolve("work/" + p.getFileName() + ".d");
      Archives.extract(p, t, null, Progress.NONE);
      assertThat(Files.readString(t.resolve("hello"))).as(p.toString()).isEqualTo("world");
    }
  }

  @Test
  void existingTargetIsRefusedUnlessReplacing() throws Exception {
    Path tgz = new TarBuilder().file("new", "n").gz(tmp.resolve("a.tar.gz"));
    Files.createDirectories(target);
    Files.writeString(target.resolve("old"), "o");
    assertThatThrownBy(() -> Archives.extract(tgz, target, null, Progress.NONE))
        .hasMessage("cannot extract " + tgz + ": " + target + " already exists");
    assertThat(target.resolve("old")).exists();
    Archives.extract(tgz, target, null, Progress.NONE, true);
    assertThat(target.resolve("old")).doesNotExist();
    assertThat(Files.readString(target.resolve("new"))).isEqualTo("n");
    try (var s = Files.list(tmp.resolve("work"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("contents");
    }
  }

  @Test
  void failedReplacementKeepsTheOldTarget() throws Exception {
    Path bad = new TarBuilder().file("../x", "x").gz(tmp.resolve("bad.tar.gz"));
    Files.createDirectories(target);
    Files.writeString(target.resolve("old"), "o");
    assertThatThrownBy(() -> Archives.extract(bad, target, null, Progress.NONE, true)).isInstanceOf(VrException.class);
    assertThat(Files.readString(target.resolve("old"))).isEqualTo("o");
  }

  @Test
  void filesLargerThanABatchArriveIntact() throws Exception {
    byte[] big = new byte[9 << 20];
    new Random(7).nextBytes(big);
    byte[] small = "small after big".getBytes(StandardCharsets.UTF_8);
    Path tgz = new TarBuilder().file("big.bin", big, 0640, TarBuilder.T2).file("after", small, 0644, TarBuilder.T1)
        .gz(tmp.resolve("big.tar.gz"));
    AtomicLong progressed = new AtomicLong();
    Archives.extract(tgz, target, null, new Progress() {
      @Override
      public void begin(String label, long total) {}

      @Override
      public void advance(long bytes) {
        progressed.addAndGet(bytes);
      }

      @Override
      public void done() {}
    });
    assertThat(Files.readAllBytes(target.resolve("big.bin"))).isEqualTo(big);
    assertThat(Files.readAllBytes(target.resolve("after"))).isEqualTo(small);
    assertThat(mode(target.resolve("big.bin"))).isEqualTo("rw-r-----");
    assertThat(Files.getLastModifiedTime(target.resolve("big.bin"))).isEqualTo(TarBuilder.T2);
    assertThat(progressed.get()).isEqualTo(Files.size(tgz));
  }

  @Test
  void extractsOnTmpfsWhereDirectIoIsRefused() throws Exception {
    // large files go through O_DIRECT on disk filesystems (the temp dir here); tmpfs refuses it
    Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "vr-archives-test");
    try {
      byte[] big = new byte[2 << 20];
      new Random(5).nextBytes(big);
      Path tgz = new TarBuilder().file("big", big, 0644, TarBuilder.T1).gz(tmp.resolve("big.tar.gz"));
      Archives.extract(tgz, shm.resolve("t"), null, Progress.NONE);
      assertThat(Files.readAllBytes(shm.resolve("t/big"))).isEqualTo(big);
    } finally {
      Trees.deleteQuietly(shm);
    }
  }

  @Test
  void manySmallFilesAcrossBatches() throws Exception {
    TarBuilder b = new TarBuilder();
    for (int i = 0; i < 20_000; i++) {
      b.file("d" + (i % 50) + "/f" + i, "content " + i);
    }
    Path tgz = b.gz(tmp.resolve("many.tar.gz"));
    Archives.extract(tgz, target, null, Progress.NONE);
    assertThat(Files.readString(target.resolve("d7/f19957"))).isEqualTo("content 19957");
    try (var s = Files.walk(target)) {
      assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(20_000);
    }
  }

  // ---------------------------------------------------------------------------------------- packing

  private Path sampleTree() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.createDirectories(src.resolve("bin"));
    Files.writeString(src.resolve("bin/start"), "#!/bin/sh\nexec app\n");
    Files.setPosixFilePermissions(src.resolve("bin/start"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.writeString(src.resolve("Procfile"), "web: bin/start\n");
    Files.createSymbolicLink(src.resolve("start"), Path.of("bin/start"));
    Files.createSymbolicLink(src.resolve("dangling"), Path.of("/nonexistent/target"));
    Files.createLink(src.resolve("bin/start-again"), src.resolve("bin/start"));
    Files.createFile(src.resolve("empty"));
    byte[] big = new byte[5 << 20]; // several compression blocks
    Random r = new Random(3);
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (r.nextInt(16) + 'a'); // compressible, but not trivially
    }
    Files.write(src.resolve("bin/big.dat"), big);
    Files.createDirectories(src.resolve("ro"));
    Files.writeString(src.resolve("ro/f"), "f");
    Files.setPosixFilePermissions(src.resolve("ro"), PosixFilePermissions.fromString("r-xr-xr-x"));
    Files.setLastModifiedTime(src.resolve("Procfile"), TarBuilder.T1);
    Files.setLastModifiedTime(src.resolve("ro"), TarBuilder.T2);
    return src;
  }

  @Test
  void packThenExtractGivesTheSameTree() throws Exception {
    Path src = sampleTree();
    Path out = tmp.resolve("out/build.tar.gz");
    Files.createDirectories(out.getParent());
    Archives.createTarGz(src, out, Progress.NONE);
    Archives.extract(out, target, null, Progress.NONE);

    assertThat(Files.readString(target.resolve("bin/start"))).isEqualTo("#!/bin/sh\nexec app\n");
    assertThat(mode(target.resolve("bin/start"))).isEqualTo("rwxr-x---");
    assertThat(Files.readSymbolicLink(target.resolve("start"))).isEqualTo(Path.of("bin/start"));
    assertThat(Files.readSymbolicLink(target.resolve("dangling"))).isEqualTo(Path.of("/nonexistent/target"));
    assertThat(Files.isSameFile(target.resolve("bin/start"), target.resolve("bin/start-again"))).isTrue();
    assertThat(Files.size(target.resolve("empty"))).isZero();
    assertThat(Files.readAllBytes(target.resolve("bin/big.dat"))).isEqualTo(Files.readAllBytes(src.resolve("bin/big.dat")));
    assertThat(mode(target.resolve("ro"))).isEqualTo("r-xr-xr-x");
    assertThat(Files.getLastModifiedTime(target.resolve("Procfile"))).isEqualTo(TarBuilder.T1);
    assertThat(Files.getLastModifiedTime(target.resolve("ro"))).isEqualTo(TarBuilder.T2);
    try (var s = Files.list(out.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("build.tar.gz");
    }
  }

  @Test
  void packedArchiveIsReadByGnuTarAndGzipWithRelativeNames() throws Exception {
    Path src = sampleTree();
    Path out = tmp.resolve("build.tar.gz");
    Archives.createTarGz(src, out, Progress.NONE, 6, 3);
    assertThat(Exec.of("gzip", "--test", out.toString()).capture().exitCode()).isZero();
    String list = Exec.of("tar", "-tzf", out.toString()).check().stdout();
    assertThat(list.lines()).contains("./", "Procfile", "bin/", "bin/big.dat", "bin/start", "start", "ro/f");
    assertThat(list.lines()).noneMatch(l -> l.startsWith("/") || l.contains(".."));
    Path gnu = Files.createDirectories(tmp.resolve("gnu"));
    Exec.of("tar", "-C", gnu.toString(), "-xzf", out.toString()).check();
    assertThat(Files.readAllBytes(gnu.resolve("bin/big.dat"))).isEqualTo(Files.readAllBytes(src.resolve("bin/big.dat")));
  }

  @Test
  void everyLevelAndThreadCountDecodes() throws Exception {
    Path src = sampleTree();
    for (int level : new int[] {1, 6, 9}) {
      for (int threads : new int[] {1, 2}) {
        Path out = tmp.resolve("o" + level + threads + ".tar.gz");
        Archives.createTarGz(src, out, Progress.NONE, level, threads);
        Path t = tmp.resolve("work/x" + level + threads);
        Archives.extract(out, t, null, Progress.NONE);
        assertThat(Files.readAllBytes(t.resolve("bin/big.dat"))).isEqualTo(Files.readAllBytes(src.resolve("bin/big.dat")));
      }
    }
  }

  @Test
  void packingAMissingDirectoryFails() {
    assertThatThrownBy(() -> Archives.createTarGz(tmp.resolve("nope"), tmp.resolve("o.tar.gz"), Progress.NONE))
        .hasMessage("cannot pack " + tmp.resolve("nope") + ": not a directory");
    assertThat(tmp.resolve("o.tar.gz")).doesNotExist();
  }

  @Test
  void unixModeHelperAgrees() throws Exception {
    Path f = Files.createFile(tmp.resolve("m"));
    Files.setAttribute(f, "unix:mode", 0640);
    assertThat(unixMode(f)).isEqualTo(0640);
    assertThat(FileTime.fromMillis(0)).isNotNull();
  }
}
