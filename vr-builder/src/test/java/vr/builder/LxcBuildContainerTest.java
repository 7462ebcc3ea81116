package vr.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.container.ContainerSpec;

class LxcBuildContainerTest {
  @TempDir Path tmp;

  private BuildJob job() {
    return new BuildJob("b1", "shop", "v7", new Stack("file:///s.tar.gz", "s", null), "nobody", 65534, 65534,
        tmp.resolve("app"), tmp.resolve("cache"), List.of(tmp.resolve("bp1")), true, false, tmp.resolve("builder.sh"),
        new ByteArrayOutputStream());
  }

  @Test
  void theAppsProfileDIsSourcedFirstAndTheBuildsOwnEnvironmentWins() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home/.profile.d"));
    Files.writeString(home.resolve("a.sh"), "export FROM_PROFILE=yes\nexport VBUILD_META=from-the-profile\n");
    // Run what the container runs with sh on this host, with env in place of the build script.
    String start = LxcBuildContainer.start(job()).replace("exec /bin/sh " + BuildJob.SCRIPT_INSIDE, "exec env");
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", start);
    pb.environment().put("HOME", tmp.resolve("home").toString());
    String env = new String(pb.start().getInputStream().readAllBytes());
    assertThat(env.lines()).contains("FROM_PROFILE=yes", "VBUILD_META=/cache/meta", "HOME=/app", "TMPDIR=/tmp");
  }

  @Test
  void theContainerIsABuildNotAProc() {
    ContainerSpec s = LxcBuildContainer.spec(job(), "vr-0123456789ab-b1.0", tmp.resolve("image"), tmp.resolve("scratch"));
    assertThat(s.uid()).isEqualTo(65534);
    assertThat(s.pidsLimit()).isEqualTo(4096);
    assertThat(s.lowers()).containsExactly(tmp.resolve("image"));
    assertThat(s.mounts()).extracting(ContainerSpec.Mount::target).containsExactly("/app", "/cache", "/buildpacks/1",
        BuildJob.SCRIPT_INSIDE, "/etc/hosts", "/etc/resolv.conf");
    assertThat(s.mounts().get(3).readOnly()).isTrue();
  }
}
