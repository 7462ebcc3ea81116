package vr.runner;

import java.util.List;
import vr.common.container.ContainerSpec;

/**
 * What a caller of the library adds to a proc's container: files put into its read-only top layer at setup
 * (e.g. vbuild's builder script) and extra mounts (e.g. the build's cache and output dirs).
 *
 * @param files files to create in the layer
 * @param mounts mounts added after the proc's own
 */
public record Extras(List<ExtraFile> files, List<ContainerSpec.Mount> mounts) {
  public static final Extras NONE = new Extras(List.of(), List.of());

  public Extras {
    files = List.copyOf(files);
    mounts = List.copyOf(mounts);
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
