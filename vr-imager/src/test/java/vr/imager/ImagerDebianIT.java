package vr.imager;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.cli.Tool;
import vr.common.container.Lxc;
import vr.common.fs.VrPaths;
import vr.common.model.ProcData;
import vr.common.testing.Prereqs;
import vr.common.testing.Stacks;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;
import vr.imager.cli.VimageCommand;
import vr.runner.Extras;
import vr.runner.ProcPlan;
import vr.runner.Runner;

/**
 * A Debian minbase base image provisioned with apt over the host's network, then used as a proc's stack by the
 * runner (the stack round trip). The base takes about a minute to debootstrap, so it is made once by
 * {@code scripts/make-base-image --debian} and cached in {@code $VR_TEST_CACHE} (default
 * {@code /var/cache/vr-suite-test}).
 */
class ImagerDebianIT {
  static Path base;
  @TempDir Path tmp;

  @BeforeAll
  static void debianBase() throws Exception {
    Prereqs.root();
    Prereqs.command("lxc-execute", "lxc");
    Prereqs.command("debootstrap", "debootstrap");
    base = Stacks.cache().resolve("debian_minbase.tar.gz");
    if (!Files.isRegularFile(base)) {
      ImagerIT.run(List.of(Stacks.scripts().resolve("make-base-image").toString(), "--debian", "--out",
          Stacks.cache().toString()), 900);
    }
  }

  @Test
  void aScriptInstallsADebianPackageWithAptAndAProcRunsItOnTheNewStack() throws Exception {
    VrPaths paths = new VrPaths(tmp.resolve("apps"));
    Path stack = Files.createDirectories(tmp.resolve("stack"));
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(stack.resolve("provision.sh"), """
        #!/bin/sh
        set -eu
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends hello
        apt-get clean
        rm -rf /var/lib/apt/lists/*
        echo "$STACK_NAME" > /etc/stack-name
        hello
        """);
    Files.writeString(stack.resolve("image.yaml"), "base_image_url: " + base + "\n" + """
        base_image_name: debian_minbase
        new_image_name: hello_stack
        script_url: provision.sh
        env:
          DEBIAN_FRONTEND: noninteractive
          STACK_NAME: hello-stack
        """);
    Tool.Result r = Tool.capture(new VimageCommand(paths, LxcImageContainer::host), "build", "--out-dir",
        out.toString(), stack.resolve("image.yaml").toString());
    assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
    assertThat(r.out()).contains("Setting up hello").endsWith("Hello, world!\n");
    assertThat(out.resolve("hello_stack.log")).content().contains("Hello, world!");
    Path image = out.resolve("hello_stack.tar.gz");
    assertThat(image).isRegularFile();

    // The round trip: a proc whose stack is the new image runs the installed program.
    VrPaths runnerRoot = new VrPaths(tmp.resolve("runner-apps"));
    Path procYaml = tmp.resolve("proc.yaml");
    Files.writeString(procYaml, """
        app_name: hello
        version: v1
        config_name: test
        release_hash: 0123abcd
        proc_name: once
        port: 0
        user: nobody
        group: nogroup
        image_name: hello_stack
        cmd: hello --greeting="on $(cat /etc/stack-name)"
        """ + "image_url: " + image + "\n");
    YamlMap y = Yaml.load(procYaml);
    ProcPlan plan = ProcPlan.check(ProcData.from(y), runnerRoot, ProcPlan.Where.of(y));
    Runner runner = new Runner(runnerRoot, Lxc.host(), null, Map.of());
    runner.setup(plan, ProcPlan.Where.of(y), Extras.NONE);
    try {
      Process p = runner.start(plan, Extras.NONE, new ProcessBuilder().redirectErrorStream(true));
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(output).contains("on hello-stack");
      assertThat(p.exitValue()).as(output).isZero();
    } finally {
      runner.stop(plan);
      runner.teardown(plan);
    }
  }
}
