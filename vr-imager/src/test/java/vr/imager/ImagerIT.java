package vr.imager;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.cli.Tool;
import vr.common.fs.Archives;
import vr.common.fs.Downloads;
import vr.common.fs.VrPaths;
import vr.common.testing.Prereqs;
import vr.common.testing.Stacks;
import vr.imager.cli.VimageCommand;

/** vimage on real LXC containers with the busybox base image that scripts/make-base-image makes. */
class ImagerIT {
  @TempDir static Path shared;
  static Path base;
  @TempDir Path tmp;
  VrPaths paths;
  Path stack;
  Path out;

  @BeforeAll
  static void baseImage() throws Exception {
    Prereqs.root();
    Prereqs.command("lxc-execute", "lxc");
    Prereqs.command("busybox", "busybox-static");
    run(List.of(Stacks.scripts().resolve("make-base-image").toString(), "--busybox", "--out", shared.toString()), 120);
    base = shared.resolve("busybox.tar.gz");
    assertThat(base).isRegularFile();
  }

  @BeforeEach
  void setUp() throws IOException {
    paths = new VrPaths(tmp.resolve("apps"));
    stack = Files.createDirectories(tmp.resolve("stack"));
    out = Files.createDirectories(tmp.resolve("out"));
  }

  static String run(List<String> cmd, int seconds) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as(cmd + " finished").isTrue();
    assertThat(p.exitValue()).as(cmd + ":\n" + text).isZero();
    return text;
  }

  Path imageYaml(String script, String extra) throws IOException {
    Files.writeString(stack.resolve("provision.sh"), script);
    Path y = stack.resolve("image.yaml");
    Files.writeString(y, "base_image_url: " + base + "\nbase_image_name: busybox\nnew_image_name: bb_stack\n"
        + "script_url: provision.sh\n" + extra);
    return y;
  }

  Tool.Result vimage(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    return Tool.capture(new VimageCommand(paths, LxcImageContainer::host), a.toArray(String[]::new));
  }

  Path unpack(Path tarball) {
    Path dir = tmp.resolve("unpacked-" + tarball.getFileName());
    Archives.extract(tarball, dir, null, null);
    return dir;
  }

  @Test
  void aScriptChangesTheImageSeesTheEnvAndIsGoneAfterwards() throws Exception {
    Path y = imageYaml("""
        #!/bin/sh
        set -e
        echo "greeting=$GREETING home=$HOME"
        echo "path=$PATH"
        echo "$GREETING" > /etc/greeting
        grep -q nameserver /etc/resolv.conf && echo resolver-available || echo no-resolver
        echo "running as $(id -u) from $0"
        """, "env:\n  GREETING: hello from image.yaml\n");
    Tool.Result r = vimage("build", "--out-dir", out.toString(), y.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();

    String expected = "greeting=hello from image.yaml home=/root\npath=" + Imager.DEFAULT_PATH + "\n";
    assertThat(r.out()).startsWith(expected).contains("running as 0 from /.vimage-");
    String log = Files.readString(out.resolve("bb_stack.log"));
    assertThat(log).isEqualTo(r.out());
    if (Files.readString(Path.of("/etc/resolv.conf")).contains("nameserver")) {
      assertThat(log).contains("resolver-available");
    }

    Path image = out.resolve("bb_stack.tar.gz");
    Path root = unpack(image);
    assertThat(root.resolve("etc/greeting")).hasContent("hello from image.yaml");
    assertThat(Files.isRegularFile(root.resolve("etc/resolv.conf"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.readString(root.resolve("etc/resolv.conf"))).as("the host's resolver is not left in").isEmpty();
    try (Stream<Path> s = Files.walk(root)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".vimage") || n.equals("provision.sh"));
    }
    try (Stream<Path> s = Files.list(paths.images())) {
      assertThat(s.map(p -> p.getFileName().toString())).as("the work dir is removed").containsExactly("busybox");
    }
  }

  @Test
  void aBaseWithDeviceNodesAndFifosBuilds() throws Exception {
    // A debootstrapped tree packed with tar has /dev/ptmx, /dev/null, ... and maybe fifos.
    Path tree = tmp.resolve("tree");
    Files.createDirectories(tree);
    run(List.of("tar", "-C", tree.toString(), "-xzf", base.toString()), 60);
    Files.createDirectories(tree.resolve("dev"));
    Files.createDirectories(tree.resolve("run"));
    run(List.of("mknod", "-m", "666", tree.resolve("dev/ptmx").toString(), "c", "5", "2"), 10);
    run(List.of("mknod", "-m", "666", tree.resolve("dev/null").toString(), "c", "1", "3"), 10);
    run(List.of("mkfifo", tree.resolve("run/initctl").toString()), 10);
    Path devBase = tmp.resolve("with-devices.tar.gz");
    run(List.of("tar", "--numeric-owner", "-C", tree.toString(), "-czf", devBase.toString(), "."), 60);
    Path y = imageYaml("#!/bin/sh\necho ok > /etc/ok\n", "");
    Files.writeString(y, Files.readString(y).replace(base.toString(), devBase.toString()));
    Tool.Result r = vimage("build", "--out-dir", out.toString(), y.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path root = unpack(out.resolve("bb_stack.tar.gz"));
    assertThat(root.resolve("etc/ok")).hasContent("ok");
    assertThat(root.resolve("dev/ptmx")).exists();
  }

  @Test
  void aFailingScriptExitsOneKeepsTheLogAndWritesNoImage() throws Exception {
    Path y = imageYaml("#!/bin/sh\necho about to fail\necho on stderr >&2\nexit 7\n", "");
    Tool.Result r = vimage("build", "--out-dir", out.toString(), y.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("provision.sh failed with exit status 7");
    assertThat(out.resolve("bb_stack.log")).hasContent("about to fail\non stderr");
    assertThat(out.resolve("bb_stack.tar.gz")).doesNotExist();
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("bb_stack.log");
    }
  }

  @Test
  void aBadImageYamlExitsTwoAndTouchesNothing() throws Exception {
    Path y = imageYaml("#!/bin/sh\ntrue\n", "env:\n  1BAD: x\n");
    Tool.Result r = vimage("build", "--out-dir", out.toString(), y.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("vimage: error: image.yaml line 5: env has a bad variable name '1BAD'");
    assertThat(Files.exists(paths.root())).isFalse();
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void aBaseWhoseMd5DiffersExitsOne() throws Exception {
    String md5 = Downloads.md5(base);
    String wrong = (md5.charAt(0) == '0' ? "1" : "0") + md5.substring(1);
    Path y = imageYaml("#!/bin/sh\ntrue\n", "base_image_md5: " + wrong + "\n");
    Tool.Result r = vimage("build", "--out-dir", out.toString(), y.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("md5 mismatch").contains(wrong);
    assertThat(out.resolve("bb_stack.tar.gz")).doesNotExist();

    Files.writeString(y, Files.readString(y).replace(wrong, md5));
    r = vimage("build", "--out-dir", out.toString(), y.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  @Test
  void shellOpensARootShellInTheBaseImageOnARealTerminal() throws Exception {
    Prereqs.command("tmux", "tmux");
    Path y = imageYaml("#!/bin/sh\necho provisioning\n", "");
    Path done = tmp.resolve("shell-exit");
    String socket = "vimage-it-" + ProcessHandle.current().pid();
    String cmd = "VR_ROOT=" + paths.root() + " " + Path.of(System.getProperty("java.home"), "bin", "java")
        + " -cp '" + System.getProperty("java.class.path") + "' " + VimageCommand.class.getName() + " shell " + y
        + "; echo $? > " + done;
    try {
      run(List.of("tmux", "-L", socket, "new-session", "-d", "-x", "200", "-y", "50", cmd), 30);
      awaitScreen(socket, "/ #", 60);
      keys(socket, "echo id=$(id -u) host=$(cat /etc/hostname) script=$(ls /.vimage-*/); echo x > /made-in-shell");
      String screen = awaitScreen(socket, "script=provision.sh", 30);
      assertThat(screen).contains("id=0 host=busybox");
      keys(socket, "exit 3");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(done) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(done).as("vimage shell ended").exists();
      assertThat(Files.readString(done).strip()).as("the shell's exit status").isEqualTo("3");
    } finally {
      new ProcessBuilder("tmux", "-L", socket, "kill-server").start().waitFor(10, TimeUnit.SECONDS);
    }
    try (Stream<Path> s = Files.list(paths.images())) {
      assertThat(s.map(p -> p.getFileName().toString())).as("the shell's copy is discarded").containsExactly("busybox");
    }
  }

  static void keys(String socket, String line) throws Exception {
    run(List.of("tmux", "-L", socket, "send-keys", "-l", line), 10);
    run(List.of("tmux", "-L", socket, "send-keys", "Enter"), 10);
  }

  static String awaitScreen(String socket, String text, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String screen = "";
    while (System.nanoTime() < deadline) {
      screen = run(List.of("tmux", "-L", socket, "capture-pane", "-p"), 10);
      if (screen.contains(text)) {
        return screen;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("'" + text + "' did not appear on the terminal; it shows:\n" + screen);
  }
}
