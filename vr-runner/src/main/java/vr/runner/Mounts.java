package vr.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import vr.common.VrException;
import vr.common.exec.Exec;

/**
 * Host mounts under a proc folder. Containers mount inside their own namespaces, so normally there are none;
 * this catches what a crashed tool or an operator left, so that teardown never deletes through a mount.
 */
final class Mounts {
  private Mounts() {}

  static List<Path> under(Path dir) {
    List<Path> out = new ArrayList<>();
    String prefix = dir.toAbsolutePath().normalize() + "/";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
        String[] f = line.split(" ");
        if (f.length > 1) {
          String mp = f[1].replace("\\040", " ");
          if (mp.startsWith(prefix)) {
            out.add(Path.of(mp));
          }
        }
      }
    } catch (IOException e) {
      throw new VrException("cannot read /proc/self/mounts: " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(Path::getNameCount).reversed());
    return out;
  }

  static void unmountUnder(Path dir) {
    for (Path mp : under(dir)) {
      Exec.Result r = Exec.of("umount", "-l", mp.toString()).timeout(Duration.ofSeconds(30)).capture();
      if (!r.ok()) {
        String why = r.timedOut() ? "umount timed out" : (r.stderr() + r.stdout()).strip();
        throw new VrException("cannot unmount " + mp + ": " + why);
      }
    }
  }
}
