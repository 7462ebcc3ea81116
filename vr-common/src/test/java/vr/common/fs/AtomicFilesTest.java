package vr.common.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.VrException;

class AtomicFilesTest {
  @TempDir Path tmp;

  @Test
  void writesContentWithExactPermissionsAndLeavesNoTempFile() throws Exception {
    Path f = tmp.resolve("proc.sh");
    AtomicFiles.writeString(f, "#!/bin/sh\n", PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(Files.readString(f)).isEqualTo("#!/bin/sh\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rwxr-x---");
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("proc.sh");
    }
  }

  @Test
  void replacesAnExistingFile() throws Exception {
    Path f = tmp.resolve("settings.yaml");
    Files.writeString(f, "old");
    AtomicFiles.write(f, "new".getBytes());
    assertThat(Files.readString(f)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
  }

  @Test
  void failureIsOneLineAndLeavesNothing() {
    Path f = tmp.resolve("missing-dir/x");
    assertThatThrownBy(() -> AtomicFiles.writeString(f, "x"))
        .isInstanceOf(VrException.class)
        .hasMessageStartingWith("cannot write " + f + ": ")
        .hasMessageNotContaining("\n");
    assertThat(tmp.resolve("missing-dir")).doesNotExist();
  }
}
