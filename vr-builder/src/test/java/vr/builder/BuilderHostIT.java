package vr.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.builder.cli.VbuildCommand;
import vr.common.VrException;
import vr.common.fs.FileLock;
import vr.common.model.Hashing;
import vr.common.testing.Prereqs;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/**
 * The builder's behaviour end to end through the CLI, with the build script run on the host as nobody
 * ({@link HostBuildContainer}) instead of in LXC: stores, detect order, cache, outputs and failures.
 */
class BuilderHostIT {
  @TempDir Path tmp;
  Path home;
  Path repos;
  Path out;

  @BeforeEach
  void setUp() throws IOException {
    Prereqs.root();
    Prereqs.command("git", "git");
    Prereqs.command("hg", "mercurial");
    Prereqs.command("setpriv", "util-linux");
    // JUnit's temp dirs are private to root; the build user must reach the scratch dir, as under /apps/builder.
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    home = Files.createDirectory(tmp.resolve("home"));
    repos = Files.createDirectory(tmp.resolve("repos"));
    out = Files.createDirectory(tmp.resolve("out"));
  }

  record Run(int code, String out, String err) {}

  Run vbuild(Supplier<BuildContainer> container, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    VbuildCommand cmd = new VbuildCommand(container, () -> 0, () -> new BuilderHome(home), Map.of());
    int code = VbuildCommand.run(cmd, new PrintWriter(o, true), new PrintWriter(e, true), args);
    return new Run(code, o.toString(), e.toString());
  }

  Run build(Path appYaml) {
    return build(appYaml, out);
  }

  Run build(Path appYaml, Path outDir) {
    return vbuild(HostBuildContainer::new, "build", "-o", outDir.toString(), appYaml.toString());
  }

  Path appYaml(String text) {
    Path p = tmp.resolve("app-" + Integer.toHexString(text.hashCode()) + ".yaml");
    Fixtures.write(p, text + "image_url: http://127.0.0.1:1/unused.tar.gz\n");
    return p;
  }

  Path shellApp() {
    return Fixtures.gitRepo(Fixtures.resource("apps/shellapp"), repos.resolve("shellapp"));
  }

  static Map<String, String> tarball(Path tgz) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(tgz);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        entries.put(e.getName(), e.isDirectory() ? "<dir>" : new String(tar.readAllBytes()));
      }
    }
    return entries;
  }

  @Test
  void buildsAGitAppAsNobodyAndWritesAllOutputs() throws IOException {
    Path app = shellApp();
    Fixtures.tagGit(app, "v1");
    Path bp = Fixtures.buildpack("shellpack", repos);
    Run r = build(appYaml(Fixtures.appYaml("shellapp", "git", app, "v1", List.of(bp.toString()), false)));

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("shellpack: compiling v1").contains("shell app detected");
    Map<String, String> files = tarball(out.resolve("build.tar.gz"));
    assertThat(files).containsEntry("run.sh", Fixtures.read(app.resolve("run.sh")))
        .containsEntry("built-by.txt", "65534\n").containsEntry("compiled.txt", "compiled by shellpack 1\n")
        .doesNotContainKey(".git/").doesNotContainKey("./run.sh");
    assertThat(files.keySet()).noneMatch(k -> k.startsWith(".git"));

    YamlMap result = Yaml.load(out.resolve("build_result.yaml"));
    String bpRev = Fixtures.run(bp, "git", "rev-parse", "HEAD").strip();
    assertThat(result.string("buildpack_url")).isEqualTo(bp + "#" + bpRev);
    assertThat(result.string("buildpack_version")).isEqualTo(bpRev);
    assertThat(result.string("build_md5")).isEqualTo(md5(out.resolve("build.tar.gz")));
    assertThat(result.string("app_revision")).isEqualTo(Fixtures.run(app, "git", "rev-parse", "HEAD").strip());
    assertThat(result.string("version")).isEqualTo("v1");
    assertThat(result.map("release_data")).containsEntry("config_vars", Map.of("GREETING", "hello"));
    assertThat(result.list("buildpack_urls")).containsExactly(bp.toString());
    assertThat(Fixtures.read(out.resolve("compile.log"))).contains("shellpack: compiling v1").contains("shellpack: done")
        .doesNotContain("shell app detected");
    try (var s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("build.tar.gz",
          "build_result.yaml", "compile.log");
    }
    try (var s = Files.list(home.resolve("build"))) {
      assertThat(s).as("scratch space removed").isEmpty();
    }
  }

  @Test
  void buildsAnHgAppAtATag() throws IOException {
    Path app = Fixtures.hgRepo(Fixtures.resource("apps/shellapp"), repos.resolve("hgapp"));
    Fixtures.tagHg(app, "v1");
    Fixtures.write(app.resolve("version.txt"), "v2\n");
    Fixtures.commitHg(app, "v2");
    Path bp = Fixtures.buildpack("shellpack", repos);
    Run r = build(appYaml(Fixtures.appYaml("hgapp", "hg", app, "v1", List.of(bp.toString()), true)));

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("shellpack: compiling v1");
    assertThat(tarball(out.resolve("build.tar.gz"))).containsEntry("version.txt", "v1\n")
        .doesNotContainKey(".hg_archival.txt").doesNotContainKey(".hgtags");
    assertThat(home.resolve("repo").toFile().list()).singleElement().asString()
        .isEqualTo("hgapp-" + Hashing.md5Hex(app.toString()));
  }

  @Test
  void theFirstBuildpackThatDetectsBuildsTheApp() throws IOException {
    Path app = shellApp();
    Path never = Fixtures.buildpack("nevermatch", repos);
    Path shell = Fixtures.buildpack("shellpack", repos);
    Path other = Fixtures.buildpack("otherpack", repos);

    Run first = build(appYaml(Fixtures.appYaml("shellapp", "git", app, "main",
        List.of(never.toString(), other.toString(), shell.toString()), false)));
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(tarball(out.resolve("build.tar.gz"))).containsEntry("compiled.txt", "compiled by otherpack\n");
    assertThat(Yaml.load(out.resolve("build_result.yaml")).string("buildpack_url")).startsWith(other + "#");

    Run second = build(appYaml(Fixtures.appYaml("shellapp", "git", app, "main",
        List.of(never.toString(), shell.toString(), other.toString()), false)));
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(tarball(out.resolve("build.tar.gz"))).containsEntry("compiled.txt", "compiled by shellpack 1\n");
  }

  @Test
  void noDetectingBuildpackFailsNamingAppAndBuildpacksAndWritesNothing() {
    Path app = shellApp();
    Path never = Fixtures.buildpack("nevermatch", repos);
    Run r = build(appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(never.toString()), false)));

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).singleElement().asString()
        .isEqualTo("vbuild: error: no buildpack detected app shellapp; tried " + never);
    assertThat(out.toFile().list()).isEmpty();
  }

  @Test
  void failedCompileKeepsItsLogAndLeavesTheCacheAsItWas() throws IOException {
    Path app = shellApp();
    Path shell = Fixtures.buildpack("shellpack", repos);
    Path failing = Fixtures.buildpack("failing", repos);
    assertThat(build(appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(shell.toString()), true))).code())
        .isZero();
    Path cache = home.resolve("cache").resolve("shellapp-" + Hashing.md5Hex(app.toString()));
    assertThat(Fixtures.read(cache.resolve("count"))).isEqualTo("1\n");
    Path out2 = Files.createDirectory(tmp.resolve("out2"));

    Run r = build(appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(failing.toString()), true)), out2);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).singleElement().asString()
        .startsWith("vbuild: error: compile of shellapp failed with exit status 3").contains(failing.toString());
    assertThat(Fixtures.read(out2.resolve("compile.log"))).contains("failing: about to fail");
    assertThat(out2.resolve("build.tar.gz")).doesNotExist();
    assertThat(out2.resolve("build_result.yaml")).doesNotExist();
    assertThat(cache.toFile().list()).containsExactly("count");
    assertThat(Fixtures.read(cache.resolve("count"))).isEqualTo("1\n");
  }

  @Test
  void aBuildThatLinksItsLogToAHostFileFailsWithoutCopyingIt() throws IOException {
    Path app = shellApp();
    Path leaky = Fixtures.buildpack("leaky", repos);
    Run r = build(appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(leaky.toString()), true)));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).singleElement().asString()
        .contains("compile.log: a symbolic link out of meta");
    String shadow = Files.readString(Path.of("/etc/shadow"));
    for (String f : List.of("compile.log", "build.tar.gz", "build_result.yaml")) {
      Path p = out.resolve(f);
      assertThat(!Files.exists(p) || !Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1).contains(shadow.lines().findFirst().orElseThrow()))
          .as(f).isTrue();
    }
  }

  @Test
  void theSecondBuildFetchesIntoTheSameStoresAndReusesTheCache() throws IOException {
    Path app = shellApp();
    Path shell = Fixtures.buildpack("shellpack", repos);
    Path yaml = appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(shell.toString()), true));
    assertThat(build(yaml).code()).isZero();
    Path store = home.resolve("repo").resolve("shellapp-" + Hashing.md5Hex(app.toString()));
    Object storeKey = Files.readAttributes(store, "unix:ino").get("ino");
    Fixtures.write(app.resolve("version.txt"), "v2\n");
    Fixtures.commitGit(app, "v2");

    Run second = build(yaml);

    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.out()).contains("shellpack: compiling v2");
    assertThat(tarball(out.resolve("build.tar.gz"))).containsEntry("build-number.txt", "2\n");
    assertThat(Files.readAttributes(store, "unix:ino").get("ino")).as("fetched, not cloned again").isEqualTo(storeKey);
    assertThat(home.resolve("buildpacks").toFile().list()).containsExactly("shellpack-" + Hashing.md5Hex(shell.toString()));
  }

  @Test
  void slugignoreRemovesPathsBeforePacking() throws IOException {
    Path app = shellApp();
    Fixtures.write(app.resolve(".slugignore"), "# not needed at run time\n*.pdf\ndocs/*.pdf\ntests/\n\n");
    Fixtures.commitGit(app, "slugignore");
    Path shell = Fixtures.buildpack("shellpack", repos);
    Run r = build(appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(shell.toString()), true)));

    assertThat(r.code()).as(r.err()).isZero();
    Map<String, String> files = tarball(out.resolve("build.tar.gz"));
    assertThat(files).containsKey("docs/notes.txt").containsKey("run.sh").containsKey(".slugignore")
        .doesNotContainKey("docs/manual.pdf");
    assertThat(files.keySet()).noneMatch(k -> k.startsWith("tests"));
  }

  @Test
  void anUnknownVersionFailsWithOneLine() {
    Path app = shellApp();
    Path shell = Fixtures.buildpack("shellpack", repos);
    Run r = build(appYaml(Fixtures.appYaml("shellapp", "git", app, "v9", List.of(shell.toString()), true)));

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).singleElement().asString()
        .isEqualTo("vbuild: error: git repository " + app + " has no version 'v9' (not a tag, branch or revision)");
    assertThat(out.toFile().list()).isEmpty();
  }

  @Test
  void anUnreachableRepositoryFailsWithOneLine() {
    Path shell = Fixtures.buildpack("shellpack", repos);
    Run git = build(appYaml(Fixtures.appYaml("gone", "git", tmp.resolve("nothing-here"), "v1",
        List.of(shell.toString()), true)));
    Run hg = build(appYaml(Fixtures.appYaml("gone", "hg", tmp.resolve("nothing-here"), "v1",
        List.of(shell.toString()), true)));

    assertThat(git.code()).isEqualTo(1);
    assertThat(git.err().strip().lines()).singleElement().asString()
        .startsWith("vbuild: error: cannot fetch git repository " + tmp.resolve("nothing-here"));
    assertThat(hg.code()).isEqualTo(1);
    assertThat(hg.err().strip().lines()).singleElement().asString()
        .startsWith("vbuild: error: cannot fetch hg repository " + tmp.resolve("nothing-here"));
    assertThat(home.resolve("repo").toFile().list()).as("no half-made store").isEmpty();
  }

  @Test
  void aBuildpackWithoutBinCompileFailsWithOneLine() {
    Path app = shellApp();
    Path nocompile = Fixtures.buildpack("nocompile", repos);
    Run r = build(appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(nocompile.toString()), false)));

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip().lines()).singleElement().asString()
        .isEqualTo("vbuild: error: buildpack " + nocompile + " has no bin/compile");
  }

  @Test
  void aFragmentPinsTheBuildpackRevisionAndTheResultRebuildsTheSameRevisions() throws IOException {
    Path app = shellApp();
    Path shell = Fixtures.buildpack("shellpack", repos);
    String bpV1 = Fixtures.run(shell, "git", "rev-parse", "HEAD").strip();
    String appV1 = Fixtures.run(app, "git", "rev-parse", "HEAD").strip();
    Fixtures.write(shell.resolve("VERSION"), "2\n");
    Fixtures.commitGit(shell, "buildpack 2");
    Run pinned = build(appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(shell + "#" + bpV1), true)));
    assertThat(pinned.code()).as(pinned.err()).isZero();
    assertThat(tarball(out.resolve("build.tar.gz"))).containsEntry("compiled.txt", "compiled by shellpack 1\n");

    // The app's branch and the buildpack move on; the build_result.yaml still names the old revisions.
    Path result = Files.copy(out.resolve("build_result.yaml"), tmp.resolve("build_result.yaml"));
    Fixtures.write(app.resolve("version.txt"), "v2\n");
    Fixtures.commitGit(app, "v2");
    Fixtures.write(shell.resolve("VERSION"), "3\n");
    Fixtures.commitGit(shell, "buildpack 3");
    Path out2 = Files.createDirectory(tmp.resolve("again"));
    Run again = build(result, out2);

    assertThat(again.code()).as(again.err()).isZero();
    Map<String, String> files = tarball(out2.resolve("build.tar.gz"));
    assertThat(files).containsEntry("version.txt", "v1\n").containsEntry("compiled.txt", "compiled by shellpack 1\n");
    YamlMap r2 = Yaml.load(out2.resolve("build_result.yaml"));
    assertThat(r2.string("buildpack_url")).isEqualTo(shell + "#" + bpV1);
    assertThat(r2.string("app_revision")).isEqualTo(appV1);
  }

  @Test
  void aSecondBuildOfTheSameAppWaitsForTheFirst() throws Exception {
    Path app = shellApp();
    Path shell = Fixtures.buildpack("shellpack", repos);
    Path yaml = appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(shell.toString()), true));
    Path gate = tmp.resolve("gate");
    Path out2 = Files.createDirectory(tmp.resolve("out2"));
    // The first build's container blocks until the test opens the gate, holding the app's lock.
    Supplier<BuildContainer> slow = () -> job -> {
      while (!Files.exists(gate)) {
        sleep(50);
      }
      return new HostBuildContainer().run(job);
    };
    CompletableFuture<Run> first = CompletableFuture.supplyAsync(
        () -> vbuild(slow, "build", "-o", out.toString(), yaml.toString()));
    awaitLocked();
    CompletableFuture<Run> second = CompletableFuture.supplyAsync(() -> build(yaml, out2));
    sleep(1500);
    assertThat(second).as("second build waits").isNotDone();
    Files.createFile(gate);

    Run r1 = first.get(60, TimeUnit.SECONDS);
    Run r2 = second.get(60, TimeUnit.SECONDS);
    assertThat(r1.code()).as(r1.err()).isZero();
    assertThat(r2.code()).as(r2.err()).isZero();
    assertThat(r2.out()).contains("Waiting for another build of shellapp");
    assertThat(tarball(out.resolve("build.tar.gz"))).containsEntry("build-number.txt", "1\n");
    assertThat(tarball(out2.resolve("build.tar.gz"))).containsEntry("build-number.txt", "2\n");
  }

  @Test
  void aBuildThatWaitsTooLongGivesUpNamingTheLock() throws Exception {
    Path app = shellApp();
    Path shell = Fixtures.buildpack("shellpack", repos);
    Path yaml = appYaml(Fixtures.appYaml("shellapp", "git", app, "main", List.of(shell.toString()), true));
    Files.createDirectories(home.resolve("locks"));
    try (FileLock held = FileLock.tryExclusive(new BuilderHome(home).lock(app.toString()))) {
      Run r = vbuild(HostBuildContainer::new, "--lock-timeout", "1", "build", "-o", out.toString(), yaml.toString());
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err().strip().lines()).singleElement().asString()
          .startsWith("vbuild: error: gave up after waiting 1 s for another build of shellapp");
    }
    assertThat(out.toFile().list()).isEmpty();
  }

  @Test
  void aBadAppYamlIsAnInputErrorAndChangesNothing() {
    Path yaml = tmp.resolve("bad.yaml");
    Fixtures.write(yaml, "app_name: x\napp_repo_type: svn\napp_repo_url: /x\nversion: v1\nbuildpack_url: /bp\n");
    Run r = build(yaml);

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).singleElement().asString()
        .isEqualTo("vbuild: error: bad.yaml line 2: app_repo_type must be git or hg, not 'svn'");
    assertThat(home.toFile().list()).isEmpty();
  }

  @Test
  void withoutAnImageAndWithoutADefaultStackTheMissingKeyIsNamed() {
    Path yaml = tmp.resolve("noimage.yaml");
    Fixtures.write(yaml, Fixtures.appYaml("shellapp", "git", tmp.resolve("x"), "v1", List.of("/bp"), true));
    Run r = vbuild(HostBuildContainer::new, "--config", tmp.resolve("none.yaml").toString(), "build", "-o",
        out.toString(), yaml.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).singleElement().asString()
        .startsWith("vbuild: error: noimage.yaml: image_url is missing and this host has no default stack");
    assertThat(home.toFile().list()).isEmpty();
  }

  @Test
  void withoutAnImageTheHostsDefaultStackIsUsed() throws IOException {
    Path app = shellApp();
    Path shell = Fixtures.buildpack("shellpack", repos);
    Path yaml = tmp.resolve("noimage.yaml");
    Fixtures.write(yaml, Fixtures.appYaml("shellapp", "git", app, "main", List.of(shell.toString()), true));
    Path config = tmp.resolve("vbuild.yaml");
    Fixtures.write(config, "image_url: http://images.invalid/busybox_7.tar.gz\nimage_md5: " + "a".repeat(32) + "\n");
    Run r = vbuild(HostBuildContainer::new, "--config", config.toString(), "build", "-o", out.toString(),
        yaml.toString());

    assertThat(r.code()).as(r.err()).isZero();
    YamlMap result = Yaml.load(out.resolve("build_result.yaml"));
    assertThat(result.string("image_url")).isEqualTo("http://images.invalid/busybox_7.tar.gz");
    assertThat(result.string("image_name")).isEqualTo("busybox_7");
    assertThat(result.string("image_md5")).isEqualTo("a".repeat(32));
  }

  @Test
  void buildsTheExampleAppWithTheExampleBuildpack() throws IOException {
    Path examples = examples();
    Path app = Fixtures.gitRepo(examples.resolve("app"), repos.resolve("example-app"));
    Fixtures.tagGit(app, "v1");
    Path bp = Fixtures.gitRepo(examples.resolve("buildpack"), repos.resolve("example-buildpack"));
    Run r = build(appYaml(Fixtures.appYaml("example", "git", app, "v1", List.of(bp.toString()), false)));

    assertThat(r.code()).as(r.err()).isZero();
    Map<String, String> files = tarball(out.resolve("build.tar.gz"));
    assertThat(files.get("public/index.html")).contains("Hello from version 1 of the example app.")
        .contains("build number 1");
    assertThat(files).containsKey("Procfile").containsKey("uptests/web/01_serves_page");
    assertThat(Yaml.load(out.resolve("build_result.yaml")).map("release_data"))
        .containsEntry("default_process_types", Map.of("web", "busybox httpd -f -v -p $PORT -h /app/public"));
  }

  static Path examples() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples/buildpack"))) {
      p = p.getParent();
    }
    assertThat(p).as("the project's examples/ folder").isNotNull();
    return p.resolve("examples");
  }

  private void awaitLocked() {
    Path lock = new BuilderHome(home).lock(tmp.resolve("repos/shellapp").toString());
    for (int i = 0; i < 200; i++) {
      try (FileLock l = FileLock.tryExclusive(lock)) {
        // not held yet
      } catch (VrException | IllegalStateException e) {
        if (String.valueOf(e.getMessage()).contains("is locked by another process")) {
          return;
        }
      }
      sleep(50);
    }
    throw new AssertionError("the first build never took its lock");
  }

  static String md5(Path f) throws IOException {
    return java.util.HexFormat.of().formatHex(Hashing.md5().digest(Files.readAllBytes(f)));
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
