package vr.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.builder.cli.VbuildCommand;
import vr.common.container.Lxc;
import vr.common.fs.VrPaths;
import vr.common.testing.Prereqs;
import vr.common.testing.Stacks;

/** vbuild on the Debian stack (debootstrap minbase, built once and cached by the test fixtures). */
class VbuildDebianLxcIT {
  @TempDir Path tmp;

  /** The cached Debian stack: the one scripts/make-debian-image made, or an earlier cached minbase tarball. */
  static Path debianImage() {
    Path cached = Stacks.cache().resolve("debian_minbase.tar.gz");
    return Files.isRegularFile(cached) ? cached : Stacks.debianImage();
  }

  @Test
  void buildsTheExampleAppOnDebian() throws IOException {
    Prereqs.root();
    Prereqs.command("lxc-execute", "lxc");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path image = debianImage();
    Path home = Files.createDirectory(tmp.resolve("home"));
    Path vrRoot = Files.createDirectory(tmp.resolve("vr"));
    Path repos = Files.createDirectory(tmp.resolve("repos"));
    Path out = Files.createDirectory(tmp.resolve("out"));
    Path examples = BuilderHostIT.examples();
    Path app = Fixtures.gitRepo(examples.resolve("app"), repos.resolve("example-app"));
    Path bp = Fixtures.gitRepo(examples.resolve("buildpack"), repos.resolve("example-buildpack"));
    Path yaml = tmp.resolve("app.yaml");
    Fixtures.write(yaml, Fixtures.appYaml("example", "git", app, "main", List.of(bp.toString()),
        false) + "image_url: " + image + "\nimage_name: debian_test\n");

    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    VbuildCommand cmd = new VbuildCommand(() -> new RunnerBuildContainer(Lxc.host(), new VrPaths(vrRoot)), () -> 0,
        () -> new BuilderHome(home), Map.of());
    int code = VbuildCommand.run(cmd, new PrintWriter(o, true), new PrintWriter(e, true), "build", "-o",
        out.toString(), yaml.toString());

    assertThat(code).as(o + "\n" + e).isZero();
    assertThat(o.toString()).contains("static-message app detected");
    Map<String, String> files = BuilderHostIT.tarball(out.resolve("build.tar.gz"));
    assertThat(files.get("public/index.html")).contains("Hello from version 1 of the example app.");
    assertThat(vrRoot.resolve("images/debian_test/contents/usr/bin/bash")).exists();
  }
}
