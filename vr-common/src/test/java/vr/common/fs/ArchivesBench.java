package vr.common.fs;

import java.nio.file.Path;
import vr.common.cli.Progress;

/**
 * Command-line entry for scripts/bench.d/extract.sh: {@code extract <tarball> <target>} or
 * {@code pack <dir> <out.tar.gz> [level] [threads]}. Prints nothing; the script times the whole process.
 */
public final class ArchivesBench {
  private ArchivesBench() {}

  public static void main(String[] args) {
    switch (args[0]) {
      case "extract" -> Archives.extract(Path.of(args[1]), Path.of(args[2]), null, Progress.NONE);
      case "pack" -> {
        int level = args.length > 3 ? Integer.parseInt(args[3]) : Archives.PACK_LEVEL;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : Runtime.getRuntime().availableProcessors();
        Archives.createTarGz(Path.of(args[1]), Path.of(args[2]), Progress.NONE, level, threads);
      }
      default -> throw new IllegalArgumentException("usage: extract <tarball> <target> | pack <dir> <out> [level] [threads]");
    }
  }
}
