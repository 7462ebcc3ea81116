package vr.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.builder.cli.VbuildCommand;
import vr.common.container.Lxc;
import vr.common.fs.VrPaths;
import vr.common.testing.FileServer;
import vr.common.testing.Prereqs;
import vr.common.testing.Stacks;
import vr.common.yaml.Yaml;

/** vbuild with real LXC containers on the busybox stack. */
class VbuildLxcIT {
  @TempDir Path tmp;
  Path home;
  Path vrRoot;
  Path repos;
  Path out;
  Path busybox;

  @BeforeEach
  void setUp() throws IOException {
    Prereqs.root();
    Prereqs.command("lxc-execute", "lxc");
    Prereqs.command("git", "git");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    home = Files.createDirectory(tmp.resolve("home"));
    vrRoot = Files.createDirectory(tmp.resolve("vr"));
    repos = Files.createDirectory(tmp.resolve("repos"));
    out = Files.createDirectory(tmp.resolve("out"));
    busybox = Stacks.busyboxImage(tmp.resolve("busybox_1.tar.gz"));
  }

  record Run(int code, String out, String err) {}

  Run vbuild(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    VbuildCommand cmd = new VbuildCommand(() -> new LxcBuildContainer(Lxc.host(), new VrPaths(vrRoot)), () -> 0,
        () -> new BuilderHome(home), Map.of());
    int code = VbuildCommand.run(cmd, new PrintWriter(o, true), new PrintWriter(e, true), args);
    return new Run(code, o.toString(), e.toString());
  }

  Path appYaml(String appYaml, Path image) {
    Path p = tmp.resolve("app.yaml");
    Fixtures.write(p, appYaml + "image_url: " + image + "\nimage_name: " + image.getFileName().toString()
        .replace(".tar.gz", "") + "\n");
    return p;
  }

  @Test
  void buildsInAContainerAsNobodyWithOnlyAppBuildpacksAndCacheMounted() throws IOException {
    Path app = Fixtures.gitRepo(Fixtures.resource("apps/shellapp"), repos.resolve("shellapp"));
    Path probe = Fixtures.buildpack("probepack", repos);
    Run r = vbuild("build", "-o", out.toString(),
        appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(probe.toString()), true), busybox).toString());

    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("probe: compiled in /app");
    Map<String, String> files = BuilderHostIT.tarball(out.resolve("build.tar.gz"));
    assertThat(files).containsEntry("uid.txt", "65534\n")
        .containsEntry("args.txt", "/app /cache/buildpack_cache /cache/meta/env\n")
        .containsEntry("env.txt", "HOME=/app PORT=0\n");
    List<String> mounts = new ArrayList<>(files.get("mounts.txt").lines().toList());
    mounts.removeIf(m -> m.equals("/") || m.startsWith("/proc") || m.startsWith("/sys") || m.startsWith("/dev"));
    // The host's /etc/hosts and /etc/resolv.conf come with every container, as with procs, and the build script
    // itself (read-only); nothing else of the host.
    assertThat(mounts).containsExactlyInAnyOrder("/app", "/cache", "/buildpacks/1", "/vbuild-builder.sh", "/etc/hosts",
        "/etc/resolv.conf");
    assertThat(Fixtures.read(out.resolve("compile.log"))).contains("probe: compiled in /app");
    assertThat(Yaml.load(out.resolve("build_result.yaml")).string("image_name")).isEqualTo("busybox_1");
    assertThat(vrRoot.resolve("procs").toFile().list()).as("the build container's scratch folder is removed").isEmpty();
  }

  /** What scripts/quickstart does: the stack comes over http, downloaded, md5-checked and unpacked once. */
  @Test
  void buildsOnAStackImageServedOverHttpDownloadedOnceAndSharedWithProcs() throws Exception {
    Path app = Fixtures.gitRepo(Fixtures.resource("apps/shellapp"), repos.resolve("shellapp"));
    Path probe = Fixtures.buildpack("probepack", repos);
    String md5 = vr.common.fs.Downloads.md5(busybox);
    try (FileServer server = new FileServer(busybox.getParent())) {
      Path yaml = tmp.resolve("http.yaml");
      Fixtures.write(yaml, Fixtures.appYaml("shellapp", "git", app, "main", List.of(probe.toString()), true)
          + "image_url: " + server.url(busybox.getFileName().toString()) + "\nimage_name: busybox_http\n"
          + "image_md5: '" + md5 + "'\n");

      Run first = vbuild("build", "-o", out.toString(), yaml.toString());
      assertThat(first.code()).as(first.out() + first.err()).isZero();
      Run second = vbuild("build", "-o", out.toString(), yaml.toString());
      assertThat(second.code()).as(second.out() + second.err()).isZero();

      assertThat(server.hits(busybox.getFileName().toString())).as("downloaded once").isEqualTo(1);
      assertThat(vrRoot.resolve("images/busybox_http/contents/bin/busybox")).exists();
      assertThat(BuilderHostIT.tarball(out.resolve("build.tar.gz"))).containsEntry("uid.txt", "65534\n");
      assertThat(Yaml.load(out.resolve("build_result.yaml")).string("image_url"))
          .isEqualTo(server.url(busybox.getFileName().toString()));
    }
  }

  @Test
  void aStackImageWithTheWrongMd5FailsTheBuildWithOneLine() throws Exception {
    Path app = Fixtures.gitRepo(Fixtures.resource("apps/shellapp"), repos.resolve("shellapp"));
    Path probe = Fixtures.buildpack("probepack", repos);
    try (FileServer server = new FileServer(busybox.getParent())) {
      Path yaml = tmp.resolve("bad.yaml");
      Fixtures.write(yaml, Fixtures.appYaml("shellapp", "git", app, "main", List.of(probe.toString()), true)
          + "image_url: " + server.url(busybox.getFileName().toString()) + "\nimage_name: busybox_bad\n"
          + "image_md5: ffffffffffffffffffffffffffffffff\n");

      Run r = vbuild("build", "-o", out.toString(), yaml.toString());
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
      assertThat(r.err()).contains("md5").hasLineCount(1);
      assertThat(vrRoot.resolve("images/busybox_bad/contents")).doesNotExist();
      assertThat(out.resolve("build.tar.gz")).doesNotExist();
    }
  }

  @Test
  void buildsTheExampleAppWithTheExampleBuildpackOnBusybox() throws IOException {
    Path examples = BuilderHostIT.examples();
    Path app = Fixtures.gitRepo(examples.resolve("app"), repos.resolve("example-app"));
    Fixtures.tagGit(app, "v1");
    Path bp = Fixtures.gitRepo(examples.resolve("buildpack"), repos.resolve("example-buildpack"));
    Path yaml = appYaml(Fixtures.appYaml("example", "git", app, "v1", List.of(bp.toString()), false), busybox);

    Run first = vbuild("build", "-o", out.toString(), yaml.toString());
    assertThat(first.code()).as(first.out() + first.err()).isZero();
    assertThat(first.out()).contains("static-message app detected").contains("Rendering public/index.html");
    Run second = vbuild("build", "-o", out.toString(), yaml.toString());
    assertThat(second.code()).as(second.out() + second.err()).isZero();

    String page = BuilderHostIT.tarball(out.resolve("build.tar.gz")).get("public/index.html");
    assertThat(page).contains("Hello from version 1 of the example app.").contains("build number 2");
  }

  @Test
  void aCompileFailureInTheContainerKeepsTheLogAndTheCache() throws IOException {
    Path app = Fixtures.gitRepo(Fixtures.resource("apps/shellapp"), repos.resolve("shellapp"));
    Path failing = Fixtures.buildpack("failing", repos);
    Run r = vbuild("build", "-o", out.toString(),
        appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(failing.toString()), true), busybox).toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("compile of shellapp failed with exit status 3");
    assertThat(Fixtures.read(out.resolve("compile.log"))).contains("failing: about to fail");
    assertThat(out.resolve("build.tar.gz")).doesNotExist();
    assertThat(home.resolve("cache").toFile().list()).isNullOrEmpty();
  }

  @Test
  void shellOpensAnInteractiveShellInTheBuildEnvironmentOnATerminal() throws Exception {
    Prereqs.command("script", "bsdutils");
    Path app = Fixtures.gitRepo(Fixtures.resource("apps/shellapp"), repos.resolve("shellapp"));
    Path shell = Fixtures.buildpack("shellpack", repos);
    Path yaml = tmp.resolve("noimage.yaml");
    Fixtures.write(yaml, Fixtures.appYaml("shellapp", "git", app, "main", List.of(shell.toString()), true));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cmd = java + " -cp " + System.getProperty("java.class.path") + " vr.builder.cli.VbuildCommand shell "
        + yaml;
    ProcessBuilder pb = new ProcessBuilder("script", "-qec", cmd, "/dev/null").redirectErrorStream(true);
    pb.environment().put("RAPTOR_HOME", home.toString());
    pb.environment().put("VR_ROOT", vrRoot.toString());
    // No image in the app.yaml: the host's default stack from the environment.
    pb.environment().put("VBUILD_DEFAULT_IMAGE_URL", busybox.toString());
    Process p = pb.start();
    p.getOutputStream().write(("test -t 0 && echo \"stdin is a\" terminal; echo uid=$(id -u) dir=$(pwd) build=$BUILD_DIR cache=$CACHE_DIR; "
        + "ls $BUILDPACK_DIRS/bin; exit 7\n").getBytes());
    p.getOutputStream().flush();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = new String(p.getInputStream().readAllBytes());

    assertThat(text).contains("vbuild shell: the build environment").contains("stdin is a terminal")
        .contains("uid=65534 dir=/app build=/app cache=/cache/buildpack_cache").contains("compile");
    assertThat(p.exitValue()).as(text).isEqualTo(7);
    assertThat(home.resolve("cache").toFile().list()).as("a shell keeps no cache").isNullOrEmpty();
  }
}
