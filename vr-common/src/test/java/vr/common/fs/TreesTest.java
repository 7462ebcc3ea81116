package vr.common.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreesTest {
  @TempDir
  Path tmp;

  /** A tree with a file, a subdirectory, and symlinks to a directory and a file outside the tree. */
  private Path tree(Path outside) throws IOException {
    Path t = tmp.resolve("tree");
    Files.createDirectories(t.resolve("sub"));
    Files.writeString(t.resolve("sub/file"), "in");
    Files.createSymbolicLink(t.resolve("to-dir"), outside);
    Files.createSymbolicLink(t.resolve("sub/to-file"), outside.resolve("keep"));
    return t;
  }

  private Path outside() throws IOException {
    Path o = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(o.resolve("keep"), "keep me");
    return o;
  }

  @Test
  void deleteRemovesTheTreeButNothingItsSymlinksPointAt() throws IOException {
    Path outside = outside();
    Path t = tree(outside);

    Trees.delete(t);

    assertThat(t).doesNotExist();
    assertThat(outside.resolve("keep")).hasContent("keep me");
  }

  @Test
  void deleteOfASymlinkToADirectoryRemovesOnlyTheLink() throws IOException {
    Path outside = outside();
    Path link = Files.createSymbolicLink(tmp.resolve("link"), outside);

    Trees.delete(link);

    assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outside.resolve("keep")).hasContent("keep me");
  }

  @Test
  void deleteRemovesDirectoriesLeftWithoutWriteOrSearchPermission() throws IOException {
    Path t = tree(outside());
    Files.setPosixFilePermissions(t.resolve("sub"), PosixFilePermissions.fromString("r--------"));

    Trees.delete(t);

    assertThat(t).doesNotExist();
  }

  @Test
  void deletingAMissingPathIsNoFailure() throws IOException {
    Path missing = tmp.resolve("missing");

    Trees.delete(missing);
    Trees.deleteOrFail(missing);
    assertThatCode(() -> Trees.deleteQuietly(missing)).doesNotThrowAnyException();
    assertThat(missing).doesNotExist();
  }

  @Test
  void copyKeepsSymlinksAsLinksAndModes() throws IOException {
    Path outside = outside();
    Path t = tree(outside);
    Path script = t.resolve("sub/run");
    Files.writeString(script, "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
    Files.setPosixFilePermissions(t.resolve("sub"), PosixFilePermissions.fromString("rwx--x---"));
    Files.createSymbolicLink(t.resolve("relative"), Path.of("sub/file"));
    Path dest = tmp.resolve("copy");

    Trees.copy(t, dest);

    assertThat(dest.resolve("sub/file")).hasContent("in");
    assertThat(Files.isSymbolicLink(dest.resolve("to-dir"))).isTrue();
    assertThat(Files.readSymbolicLink(dest.resolve("to-dir"))).isEqualTo(outside);
    assertThat(Files.readSymbolicLink(dest.resolve("sub/to-file"))).isEqualTo(outside.resolve("keep"));
    assertThat(Files.readSymbolicLink(dest.resolve("relative"))).isEqualTo(Path.of("sub/file"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("sub/run"))))
        .isEqualTo("rwxr-x---");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("sub"))))
        .isEqualTo("rwx--x---");
    try (var entries = Files.list(outside)) {
      assertThat(entries.count()).as("nothing copied through the link").isEqualTo(1);
    }
  }

  @Test
  void copyRefusesAnExistingDestination() throws IOException {
    Path t = tree(outside());
    Path dest = Files.createDirectories(tmp.resolve("copy"));

    assertThatThrownBy(() -> Trees.copy(t, dest)).isInstanceOf(IOException.class);
  }

  @Test
  void openUpGivesEveryoneReadAndWriteAndExecuteWhereTheOwnerHadIt() throws IOException {
    Path t = tree(outside());
    Path script = t.resolve("sub/run");
    Files.writeString(script, "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(t.resolve("sub/file"), PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(t.resolve("sub"), PosixFilePermissions.fromString("rwx------"));
    Path outsideFile = tmp.resolve("outside/keep");
    Files.setPosixFilePermissions(outsideFile, PosixFilePermissions.fromString("rw-------"));

    Trees.openUp(t);

    assertThat(mode(t.resolve("sub"))).isEqualTo("rwxrwxrwx");
    assertThat(mode(script)).isEqualTo("rwxrwxrwx");
    assertThat(mode(t.resolve("sub/file"))).isEqualTo("rw-rw-rw-");
    assertThat(mode(outsideFile)).as("a symlink's target outside the tree").isEqualTo("rw-------");
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }
}
