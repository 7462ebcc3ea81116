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

  @Test
  void whatIsBeingWrittenIsReadableByItsOwnerOnlyUntilItIsComplete() throws Exception {
    Path f = tmp.resolve("prepared-proc.yaml");
    java.util.List<String> seen = new java.util.ArrayList<>();
    java.io.InputStream secret = new java.io.ByteArrayInputStream("env: {DB_PASSWORD: s3cret}\n".getBytes()) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        try (var s = Files.list(tmp)) {
          s.forEach(p -> {
            try {
              seen.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return super.read(b, off, len);
      }
    };
    AtomicFiles.write(f, secret, PosixFilePermissions.fromString("rw-r-----"), false);
    assertThat(seen).isNotEmpty().containsOnly("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
    assertThat(Files.readString(f)).isEqualTo("env: {DB_PASSWORD: s3cret}\n");
    AtomicFiles.writeString(f, "again", null, false);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("prepared-proc.yaml");
    }
  }
}
