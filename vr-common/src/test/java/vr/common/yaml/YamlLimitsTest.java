package vr.common.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.common.InputException;

/** The limits on what a YAML file may make the tools read and build. */
class YamlLimitsTest {
  private static final Path F = Path.of("x.yaml");
  @TempDir Path dir;

  @Test
  void aScalarRepeatedByAliasIsLimitedInWhatItRepeats() {
    // The reported attack: a 1 MB anchored scalar repeated 2,000 times.
    StringBuilder b = new StringBuilder("big: &b ").append("x".repeat(1_000_000)).append("\nenv:\n");
    for (int i = 0; i < 2000; i++) {
      b.append("  K").append(i).append(": *b\n");
    }
    assertThatThrownBy(() -> Yaml.parse(b.toString(), F)).isInstanceOf(InputException.class)
        .hasMessage("x.yaml line 4: malformed YAML: aliases repeat more than 1048576 characters (1 MiB) in all");
  }

  @Test
  void aliasesInsideARepeatedCollectionCountAsExpanded() {
    StringBuilder b = new StringBuilder("s: &s ").append("y".repeat(100_000)).append("\nl: &l [*s, *s, *s]\n");
    b.append("m: [*l, *l, *l]\n"); // 300 KB + 3 x 300 KB
    assertThatThrownBy(() -> Yaml.parse(b.toString(), F))
        .hasMessage("x.yaml line 3: malformed YAML: aliases repeat more than 1048576 characters (1 MiB) in all");
  }

  @Test
  void moreThanAThousandAliasesAreRefused() {
    StringBuilder b = new StringBuilder("a: &a 1\nl:\n");
    for (int i = 0; i < 1001; i++) {
      b.append("- *a\n");
    }
    assertThatThrownBy(() -> Yaml.parse(b.toString(), F)).hasMessage("x.yaml line 1003: malformed YAML: more than 1000 aliases");
  }

  @Test
  void generousAliasingOfARealConfigStillLoads() {
    StringBuilder b = new StringBuilder("common: &env\n");
    for (int i = 0; i < 100; i++) {
      b.append("  VAR").append(i).append(": '").append("v".repeat(150)).append("'\n");
    }
    b.append("name: &n web\nprocs:\n");
    for (int i = 0; i < 40; i++) {
      b.append("  p").append(i).append(": {env: *env, name: *n}\n");
    }
    YamlMap m = Yaml.parse(b.toString(), F);
    assertThat(m.child("procs").child("p39").child("env").string("VAR99")).hasSize(150);
  }

  @Test
  void aFileOverTheSizeLimitIsRefusedBeforeItIsRead() throws Exception {
    Path f = dir.resolve("proc.yaml");
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
      r.setLength(60L << 20); // sparse: 60 MB that reading would have to hold in memory twice over
    }
    assertThatThrownBy(() -> Yaml.load(f)).isInstanceOf(InputException.class)
        .hasMessage("proc.yaml: is 62914560 bytes; a configuration file may have at most 4194304 bytes (4 MiB)");
  }

  @Test
  void aFileOfExactlyTheLimitIsRead() throws Exception {
    Path f = dir.resolve("big.yaml");
    String head = "a: ";
    Files.writeString(f, head + "z".repeat(Yaml.MAX_FILE_BYTES - head.length()));
    assertThat(Yaml.load(f).string("a")).hasSize(Yaml.MAX_FILE_BYTES - head.length());
  }

  @Test
  void aDeviceIsRefusedWithoutReadingIt() {
    assertThatThrownBy(() -> Yaml.load(Path.of("/dev/zero"))).isInstanceOf(InputException.class)
        .hasMessage("zero: is a FIFO, socket or device; only a regular file is read");
  }

  @Test
  void aFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
    Path fifo = dir.resolve("balancers.yaml");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> Yaml.load(fifo))
        .isInstanceOf(InputException.class).hasMessage("balancers.yaml: is a FIFO, socket or device; only a regular file is read"));
  }

  @Test
  void aDirectoryIsRefused() {
    assertThatThrownBy(() -> Yaml.load(dir)).isInstanceOf(InputException.class).hasMessageEndingWith(": is a directory; only a regular file is read");
  }

  @Test
  void aSymlinkToARegularFileIsRead() throws Exception {
    Path real = Files.writeString(dir.resolve("real.yaml"), "a: 1\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), real);
    assertThat(Yaml.load(link).integer("a")).isEqualTo(1);
  }

  @Test
  void aFileThatIsNotUtf8IsRefused() throws Exception {
    Path f = Files.write(dir.resolve("proc.yaml"), "cmd: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> Yaml.load(f)).hasMessage("proc.yaml: is not UTF-8 text");
  }
}
