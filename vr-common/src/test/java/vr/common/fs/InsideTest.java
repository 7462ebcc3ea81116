package vr.common.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;

class InsideTest {
  @TempDir Path tmp;
  private Path app;
  private Path secret;

  @BeforeEach
  void setUp() throws Exception {
    app = Files.createDirectories(tmp.resolve("app"));
    secret = Files.writeString(tmp.resolve("secret"), "host only\n");
  }

  @Test
  void aRelativeLinkThatStaysInsideIsFollowed() throws Exception {
    Files.createDirectories(app.resolve("conf"));
    Files.writeString(app.resolve("conf/Procfile.prod"), "web: x\n");
    Files.createSymbolicLink(app.resolve("Procfile"), Path.of("conf/./Procfile.prod"));
    Files.createSymbolicLink(app.resolve("conf/up"), Path.of(".."));
    assertThat(Inside.readText(app, "Procfile", 100)).isEqualTo("web: x\n");
    assertThat(Inside.readText(app, "conf/up/conf/up/Procfile", 100)).isEqualTo("web: x\n");
    assertThat(Inside.resolve(app, "Procfile")).isEqualTo(app.resolve("conf/Procfile.prod"));
  }

  @Test
  void anAbsoluteLinkOrOneThatClimbsOutIsRefusedAndNothingIsRead() throws Exception {
    Files.createSymbolicLink(app.resolve("abs"), secret);
    Files.createSymbolicLink(app.resolve("rel"), Path.of("../secret"));
    assertThatThrownBy(() -> Inside.readText(app, "abs", 100)).isInstanceOf(InputException.class)
        .hasMessage("abs: a symbolic link out of app (to an absolute path)");
    assertThatThrownBy(() -> Inside.readText(app, "rel", 100)).hasMessage("rel: leads out of app");
    assertThatThrownBy(() -> Inside.readText(app, "../secret", 100)).hasMessage("../secret: leads out of app");
  }

  @Test
  void aLinkLoopEnds() throws Exception {
    Files.createSymbolicLink(app.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(app.resolve("b"), Path.of("a"));
    assertThatThrownBy(() -> Inside.readText(app, "a", 100)).hasMessageContaining("too many levels of symbolic links");
  }

  @Test
  @Timeout(10)
  void onlyRegularFilesAreReadAndAFifoIsNeverOpened() throws Exception {
    assertThat(new ProcessBuilder("mkfifo", app.resolve("fifo").toString()).start().waitFor()).isZero();
    assertThatThrownBy(() -> Inside.readText(app, "fifo", 100)).hasMessage("fifo: not a regular file");
    Files.createDirectory(app.resolve("dir"));
    assertThatThrownBy(() -> Inside.readText(app, "dir", 100)).hasMessage("dir: not a regular file");
    assertThat(Inside.readText(app, "missing", 100)).isNull();
  }

  @Test
  void aFileOverTheLimitIsRefused() throws Exception {
    Files.writeString(app.resolve("big"), "x".repeat(101));
    assertThatThrownBy(() -> Inside.readText(app, "big", 100)).hasMessage("big: larger than 100 bytes");
    assertThat(Inside.readText(app, "big", 101)).hasSize(101);
  }

  @Test
  void aListingGoesThroughLinksInsideButNeverOutside() throws Exception {
    Files.createDirectories(app.resolve("uptests/common"));
    Files.writeString(app.resolve("uptests/common/01"), "");
    Files.createSymbolicLink(app.resolve("uptests/web"), Path.of("common"));
    assertThat(Inside.list(app, "uptests/web")).containsExactly("01");
    assertThat(Inside.list(app, "uptests/worker")).isNull();
    Files.writeString(app.resolve("uptests/file"), "");
    assertThat(Inside.list(app, "uptests/file")).as("a file is no folder of uptests").isNull();
    assertThat(Inside.list(app, "uptests/file/x")).isNull();
    Files.createSymbolicLink(app.resolve("uptests/etc"), tmp);
    assertThatThrownBy(() -> Inside.list(app, "uptests/etc")).hasMessageContaining("a symbolic link out of app");
  }
}
