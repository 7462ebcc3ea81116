package vr.runner;

import java.nio.file.Path;
import java.util.List;
import vr.common.container.ContainerSpec;

/**
 * What a caller of the library adds to a proc's container: files put into its read-only top layer at setup
 * (e.g. vbuild's builder script), extra mounts (e.g. the build's cache and buildpacks) and, for a container
 * that works on an app rather than running a build of it, the host directory to mount at {@code /app}.
 *
 * @param files files to create in the layer
 * @param mounts mounts added after the proc's own
 * @param app a host directory mounted read-write at {@code /app} instead of the proc's own {@code app/}
 *     (vbuild's exported checkout, which it packs after the build); null for the proc's own
 */
public record Extras(List<ExtraFile> files, List<ContainerSpec.Mount> mounts, Path app) {
  public static final Extras NONE = new Extras(List.of(), List.of());

  public Extras {
    files = List.copyOf(files);
    mounts = List.copyOf(mounts);
    if (app != null && !app.isAbsolute()) {
      throw new IllegalArgumentException("the app directory must be an absolute path: " + app);
    }
  }

  public Extras(List<ExtraFile> files, List<ContainerSpec.Mount> mounts) {
    this(files, mounts, null);
  }

  /**
   * A file in the container.
   *
   * @param path absolute path inside the container
   * @param content its bytes
   * @param executable whether it gets mode 0755 (else 0644)
   */
  public record ExtraFile(String path, byte[] content, boolean executable) {
    public ExtraFile {
      if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..") || path.equals("/")) {
        throw new IllegalArgumentException("extra file path must be absolute and plain: " + path);
      }
    }
  }
}
