package vr.builder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import vr.common.VrException;
import vr.common.fs.VrPaths;
import vr.common.model.Hashing;

/**
 * The unpacked stack image a build runs on: {@code /apps/images/<name>/contents}, shared with the procs
 * vr-runner runs (the same layout), unpacked once from a local tarball or {@code file://} URL.
 */
final class StackImages {
  private StackImages() {}

  static Path ensure(VrPaths paths, Stack stack) {
    Path contents = paths.imageContents(stack.name());
    if (Files.isDirectory(contents)) {
      return contents;
    }
    String u = stack.url();
    Path tarball = Path.of(u.startsWith("file://") ? u.substring("file://".length()) : u);
    if (!tarball.isAbsolute() || !Files.isRegularFile(tarball)) {
      throw new VrException("stack image " + u + " is not a local file; only local images are supported so far");
    }
    try {
      if (stack.md5() != null) {
        String actual = md5(tarball);
        if (!actual.equalsIgnoreCase(stack.md5())) {
          throw new VrException("stack image " + u + " has md5 " + actual + ", not " + stack.md5());
        }
      }
      Path dir = paths.image(stack.name());
      Files.createDirectories(dir);
      Path tmp = dir.resolve(".contents-" + UUID.randomUUID().toString().substring(0, 8));
      Files.createDirectory(tmp);
      try {
        Commands.Result r = Commands.run(List.of("tar", "-x", "--numeric-owner", "-f", tarball.toString(), "-C",
            tmp.toString()), Map.of());
        if (r.exitCode() != 0) {
          throw new VrException("cannot unpack stack image " + u + ": " + r.lastLine());
        }
        try {
          Files.move(tmp, contents, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
          // another build unpacked it meanwhile
        }
      } finally {
        Trees.deleteQuietly(tmp);
      }
      return contents;
    } catch (IOException e) {
      throw new VrException("cannot unpack stack image " + u + ": " + e.getMessage(), e);
    }
  }

  private static String md5(Path f) throws IOException {
    var md = Hashing.md5();
    try (InputStream in = Files.newInputStream(f)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
