package vr.imager;

import java.nio.file.Files;
import java.nio.file.Path;
import vr.common.cli.Progress;
import vr.common.fs.Archives;

/**
 * Packs a tree the way {@code vimage build} packs a provisioned image, for scripts/bench.d/imager.sh:
 * {@code java -cp ... vr.imager.PackBench DIR OUT.tar.gz [LEVEL THREADS]}; without LEVEL and THREADS, the
 * defaults vimage uses. Prints nothing; the script times it against GNU tar.
 */
public final class PackBench {
  private PackBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path out = Path.of(args[1]);
    if (args.length >= 4) {
      Archives.createTarGz(dir, out, Progress.NONE, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    } else {
      Archives.createTarGz(dir, out, Progress.NONE);
    }
    if (!Files.isRegularFile(out)) {
      throw new IllegalStateException("no output written");
    }
  }
}
