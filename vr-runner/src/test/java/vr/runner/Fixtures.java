package vr.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import vr.common.testing.FileServer;

/** Builds and proc.yaml files for runner tests. */
final class Fixtures {
  private Fixtures() {}

  /** A build tarball holding {@code files} (name to content; names under bin/ and uptests/ are executable). */
  static Path build(Path out, Map<String, String> files) throws IOException, InterruptedException {
    Path src = Files.createTempDirectory(out.getParent(), "src");
    for (Map.Entry<String, String> e : files.entrySet()) {
      Path f = src.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
      if (e.getKey().startsWith("bin/") || e.getKey().startsWith("uptests/")) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    return tar(src, out);
  }

  /** A tarball of everything in {@code dir} as it is: links, fifos, owners and modes kept. */
  static Path tar(Path dir, Path out) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tar", "-C", dir.toString(), "-czf", out.toString(), ".").inheritIO().start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("tar failed");
    }
    return out;
  }

  /** A proc.yaml; {@code extra} is appended verbatim. */
  static Path procYaml(Path file, FileServer server, String build, int port, String extra) throws IOException {
    String y = "app_name: demo\n"
        + "version: v1\n"
        + "config_name: test\n"
        + "release_hash: 0123abcd\n"
        + "proc_name: web\n"
        + "host: 127.0.0.1\n"
        + "port: " + port + "\n"
        + "user: nobody\n"
        + "group: nogroup\n"
        + "image_name: busybox\n"
        + "image_url: " + server.url("busybox.tar.gz") + "\n"
        + (build == null ? "" : "build_url: " + server.url(build) + "\n")
        + extra;
    Files.writeString(file, y);
    return file;
  }

  /** How many processes on the host run exactly {@code argv} (read from /proc, whatever namespace they are in). */
  static long processes(String... argv) {
    String want = String.join("\0", argv);
    long n = 0;
    try (java.util.stream.Stream<Path> s = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) s.filter(d -> d.getFileName().toString().matches("[0-9]+"))::iterator) {
        try {
          String c = new String(Files.readAllBytes(p.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
          if (c.endsWith("\0")) {
            c = c.substring(0, c.length() - 1);
          }
          if (c.equals(want)) {
            n++;
          }
        } catch (IOException e) {
          // The process ended while we looked.
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return n;
  }
}
