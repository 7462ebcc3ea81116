package vr.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A build tarball for the busybox stack (see {@link Stacks#busyboxImage}): busybox httpd serving {@code "<tag>\n"},
 * with an uptest that waits for that answer, or, failing on purpose, prints {@code broken on purpose}.
 */
public final class BusyboxApp {
  private BusyboxApp() {}

  /** Writes {@code <dir>/flow-<tag>.tar.gz} (sources in {@code <dir>/src-<tag>}) and returns it. */
  public static Path build(Path dir, String tag, boolean passing) throws IOException, InterruptedException {
    Path src = Files.createDirectories(dir.resolve("src-" + tag + "/www"));
    Files.writeString(src.resolve("index.html"), tag + "\n");
    Files.writeString(src.getParent().resolve("Procfile"), "web: exec busybox httpd -f -p $PORT -h /app/www\n");
    Path up = Files.createDirectories(src.getParent().resolve("uptests/web")).resolve("01_http");
    Files.writeString(up, passing
        ? "#!/bin/sh\ni=0\nwhile [ $i -lt 100 ]; do\n  if busybox wget -q -O- http://$1:$2/ | grep -q '" + tag + "'; then exit 0; fi\n"
            + "  i=$((i+1)); sleep 0.1\ndone\necho \"no answer from $1:$2\"; exit 1\n"
        : "#!/bin/sh\necho 'broken on purpose'\nexit 1\n");
    Files.setPosixFilePermissions(up, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path out = dir.resolve("flow-" + tag + ".tar.gz");
    int exit = new ProcessBuilder("tar", "-C", src.getParent().toString(), "-czf", out.toString(), ".").inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IOException("tar exited " + exit + " packing " + src.getParent());
    }
    return out;
  }
}
