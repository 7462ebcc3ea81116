package vr.imager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.VrException;
import vr.common.cli.Tool;
import vr.common.fs.Archives;
import vr.common.fs.VrPaths;
import vr.common.testing.HostileTars;
import vr.imager.cli.VimageCommand;

/** The build flow around the container, with a stand-in container that acts like a provisioning script. */
class ImagerTest {
  @TempDir Path dir;
  VrPaths paths;
  Path work;
  Path out;
  Path hostResolv;

  /** A container whose "script" is Java code run against the unpacked root filesystem. */
  interface Script {
    int run(ImageContainer.Run run, Path scriptInside, OutputStream out) throws IOException;
  }

  static ImageContainer fake(Script script) {
    return new ImageContainer() {
      @Override
      public int run(Run run, OutputStream out) {
        try {
          Path inside = run.rootfs().resolve(run.command().get(0).substring(1));
          return script.run(run, inside, out);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }

      @Override
      public int interactive(Run run) {
        throw new UnsupportedOperationException();
      }
    };
  }

  @BeforeEach
  void setUp() throws IOException, InterruptedException {
    paths = new VrPaths(dir.resolve("apps"));
    work = Files.createDirectories(dir.resolve("stack"));
    out = Files.createDirectories(dir.resolve("out"));
    Path base = Files.createDirectories(dir.resolve("base"));
    Files.createDirectories(base.resolve("etc"));
    Files.writeString(base.resolve("etc/hostname"), "base\n");
    Files.createSymbolicLink(base.resolve("etc/resolv.conf"), Path.of("/run/resolvconf/resolv.conf"));
    Process p = new ProcessBuilder("tar", "-C", base.toString(), "-czf", work.resolve("base.tar.gz").toString(), ".")
        .inheritIO().start();
    assertThat(p.waitFor()).isZero();
    Files.writeString(work.resolve("provision.sh"), "#!/bin/sh\necho provisioning\n");
    Files.writeString(work.resolve("image.yaml"), """
        base_image_url: base.tar.gz
        base_image_name: tiny
        new_image_name: tiny_stack
        script_url: provision.sh
        env:
          GREETING: hello world
          HOME: /srv
        """);
    hostResolv = dir.resolve("host-resolv.conf");
    Files.writeString(hostResolv, "nameserver 192.0.2.1\n");
  }

  Imager imager(ImageContainer c, List<String> notes) {
    return new Imager(paths, c, null, notes::add, hostResolv);
  }

  static List<String> list(Path tarball) throws IOException {
    Path x = Files.createTempDirectory(tarball.getParent(), "x");
    Path into = x.resolve("t");
    Archives.extract(tarball, into, null, null);
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.walk(into)) {
      s.forEach(p -> names.add("/" + into.relativize(p)));
    }
    return names;
  }

  @Test
  void aBuildRunsTheScriptWithTheEnvAndPacksItsChangesWithoutTheScript() throws IOException {
    AtomicReference<Map<String, String>> env = new AtomicReference<>();
    ImageContainer c = fake((run, script, o) -> {
      env.set(run.env());
      assertThat(script).isRegularFile().isExecutable().hasContent("#!/bin/sh\necho provisioning");
      assertThat(run.rootfs().resolve("etc/resolv.conf")).hasContent("nameserver 192.0.2.1");
      Files.writeString(run.rootfs().resolve("etc/provisioned"), "yes\n");
      o.write("provisioning done\n".getBytes(StandardCharsets.UTF_8));
      return 0;
    });
    ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    Imager.Result r = imager(c, new ArrayList<>()).build(ImageJob.load(work.resolve("image.yaml")), out, terminal);

    assertThat(r.image()).isEqualTo(out.resolve("tiny_stack.tar.gz")).isRegularFile();
    assertThat(terminal.toString(StandardCharsets.UTF_8)).isEqualTo("provisioning done\n");
    assertThat(r.log()).hasContent("provisioning done");
    assertThat(env.get()).containsEntry("GREETING", "hello world").containsEntry("HOME", "/srv")
        .containsEntry("PATH", Imager.DEFAULT_PATH);

    List<String> names = list(r.image());
    assertThat(names).contains("/etc/provisioned", "/etc/hostname");
    assertThat(names).noneMatch(n -> n.contains(".vimage") || n.endsWith("provision.sh"));
    Path unpacked = r.image().getParent().resolve(
        Files.list(r.image().getParent()).filter(Files::isDirectory).findFirst().orElseThrow().getFileName() + "/t");
    Path resolv = unpacked.resolve("etc/resolv.conf");
    assertThat(Files.isRegularFile(resolv, LinkOption.NOFOLLOW_LINKS)).as("resolv.conf is a plain file").isTrue();
    assertThat(Files.readString(resolv)).isEmpty();
    assertThat(Files.list(paths.images()).map(p -> p.getFileName().toString())).containsExactly("tiny");
    assertThat(paths.image("tiny").resolve("base.tar.gz")).isRegularFile();
  }

  @Test
  void aFailingScriptKeepsTheLogAndWritesNoImage() throws IOException {
    ImageContainer c = fake((run, script, o) -> {
      o.write("E: Unable to locate package nosuch\n".getBytes(StandardCharsets.UTF_8));
      return 100;
    });
    ImageJob job = ImageJob.load(work.resolve("image.yaml"));
    assertThatThrownBy(() -> imager(c, new ArrayList<>()).build(job, out, OutputStream.nullOutputStream()))
        .isInstanceOf(VrException.class)
        .hasMessageContaining("provision.sh failed with exit status 100")
        .hasMessageContaining("tiny_stack.log");
    assertThat(out.resolve("tiny_stack.log")).hasContent("E: Unable to locate package nosuch");
    assertThat(out.resolve("tiny_stack.tar.gz")).doesNotExist();
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("tiny_stack.log");
    }
    try (Stream<Path> s = Files.list(paths.images())) {
      assertThat(s.map(p -> p.getFileName().toString())).as("work dir removed").containsExactly("tiny");
    }
  }

  @Test
  void eachBuildStartsFromAFreshCopyOfTheBase() throws IOException {
    List<Boolean> sawMarker = new ArrayList<>();
    ImageContainer c = fake((run, script, o) -> {
      Path marker = run.rootfs().resolve("marker");
      sawMarker.add(Files.exists(marker));
      Files.writeString(marker, "x");
      return 0;
    });
    ImageJob job = ImageJob.load(work.resolve("image.yaml"));
    imager(c, new ArrayList<>()).build(job, out, OutputStream.nullOutputStream());
    imager(c, new ArrayList<>()).build(job, out, OutputStream.nullOutputStream());
    assertThat(sawMarker).containsExactly(false, false);
  }

  @Test
  void theCliExitsOneForAFailingScriptAndTwoForABadImageYaml() throws IOException {
    ImageContainer failing = fake((run, script, o) -> 3);
    Tool.Result r = Tool.capture(new VimageCommand(paths, () -> failing), "build", "--out-dir", out.toString(),
        work.resolve("image.yaml").toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("vimage: error: provisioning script provision.sh failed with exit status 3");

    Files.writeString(work.resolve("bad.yaml"), "base_image_url: base.tar.gz\nbase_image_name: tiny\n"
        + "new_image_name: x\nscript_url: provision.sh\nenv: [a, b]\n");
    r = Tool.capture(new VimageCommand(paths, () -> failing), "build", "--out-dir", out.toString(),
        work.resolve("bad.yaml").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("vimage: error: bad.yaml line 5: env must be a mapping");
    assertThat(out.resolve("x.log")).doesNotExist();
  }

  @Test
  void aBaseNameOfDotsOrAnEnvValueWithALineBreakExitsTwoBeforeAnythingIsFetchedOrWritten() throws IOException {
    // The base is served from a port where nothing listens: fetching it would fail with exit 1, not 2.
    String[] cases = {
        "base_image_url: http://127.0.0.1:1/base.tar.gz\nbase_image_name: '..'\nnew_image_name: x\nscript_url: provision.sh\n",
        "base_image_url: http://127.0.0.1:1/base.tar.gz\nbase_image_name: tiny\nnew_image_name: x\nscript_url: provision.sh\n"
            + "env:\n  A: \"one\\ntwo\"\n",
    };
    String[] errors = {
        "vimage: error: bad.yaml line 2: base_image_name must not be only dots, not '..'",
        "vimage: error: bad.yaml line 5: env value of A must not contain a line break or other control character: 'one\\ntwo'",
    };
    List<String> ran = new ArrayList<>();
    ImageContainer c = fake((run, script, o) -> {
      ran.add("ran");
      return 0;
    });
    for (int i = 0; i < cases.length; i++) {
      Files.writeString(work.resolve("bad.yaml"), cases[i]);
      Tool.Result r = Tool.capture(new VimageCommand(paths, () -> c), "build", "--out-dir", out.toString(),
          work.resolve("bad.yaml").toString());
      assertThat(r.exitCode()).as(cases[i]).isEqualTo(2);
      assertThat(r.err()).isEqualTo(errors[i] + "\n");
      assertThat(paths.root()).doesNotExist();
      assertThat(out).isEmptyDirectory();
      try (Stream<Path> s = Files.list(dir)) {
        assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("base", "stack", "out", "host-resolv.conf");
      }
    }
    assertThat(ran).isEmpty();
  }

  @Test
  void aBaseWhoseDirectoryEntryALaterLinkReplacesGivesTheHostFileNothing() throws IOException {
    // Owner 0 and mode 04755 on a directory entry `vd/`, then a symlink `vd` to a host binary: the directory's
    // attributes once landed on the binary, which became setuid root (run as root, as vimage is).
    Path victim = Files.writeString(dir.resolve("host-binary"), "elf");
    Files.setAttribute(victim, "unix:mode", 0755);
    Map<String, Object> before = Files.readAttributes(victim, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(
        Files.newOutputStream(work.resolve("base.tar.gz"))))) {
      TarArchiveEntry etc = new TarArchiveEntry("etc/", TarConstants.LF_DIR);
      etc.setMode(0755);
      tar.putArchiveEntry(etc);
      tar.closeArchiveEntry();
      HostileTars.directoryThenLink(tar, "vd", 04755, victim);
    }
    ImageContainer c = fake((run, script, o) -> {
      assertThat(Files.isSymbolicLink(run.rootfs().resolve("vd"))).isTrue();
      return 0;
    });
    Tool.Result r = Tool.capture(new VimageCommand(paths, () -> c), "build", "--out-dir", out.toString(),
        work.resolve("image.yaml").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Files.readAttributes(victim, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(before);
  }

  @Test
  void aBaseWithTheWrongMd5FailsBeforeAnythingRuns() throws IOException {
    Files.writeString(work.resolve("image.yaml"), """
        base_image_url: base.tar.gz
        base_image_name: tiny
        base_image_md5: 0123456789abcdef0123456789abcdef
        new_image_name: tiny_stack
        script_url: provision.sh
        """);
    List<String> ran = new ArrayList<>();
    ImageContainer c = fake((run, script, o) -> {
      ran.add("ran");
      return 0;
    });
    Tool.Result r = Tool.capture(new VimageCommand(paths, () -> c), "build", "--out-dir", out.toString(),
        work.resolve("image.yaml").toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("md5 mismatch");
    assertThat(ran).isEmpty();
    assertThat(out.resolve("tiny_stack.tar.gz")).doesNotExist();
    assertThat(paths.image("tiny").resolve("base.tar.gz")).doesNotExist();
  }

  @Test
  void theScriptsOutputReachesTheCommandsStdout() throws IOException {
    ImageContainer c = fake((run, script, o) -> {
      byte[] utf8 = "grüße from the script\n".getBytes(StandardCharsets.UTF_8);
      o.write(utf8, 0, 3); // split inside the two-byte ü
      o.write(utf8, 3, utf8.length - 3);
      return 0;
    });
    Tool.Result r = Tool.capture(new VimageCommand(paths, () -> c), "build", "--out-dir", out.toString(),
        work.resolve("image.yaml").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("grüße from the script\n");
    assertThat(r.err()).contains("vimage: wrote " + out.resolve("tiny_stack.tar.gz"));
  }
}
