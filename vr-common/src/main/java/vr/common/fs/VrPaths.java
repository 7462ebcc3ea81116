package vr.common.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.model.Names;
import vr.common.model.ProcName;

/**
 * The host layout under {@code /apps} (or {@code $VR_ROOT}): {@code builds/} (build tarballs),
 * {@code images/<name>/} (stack tarball and its unpacked {@code contents/}), {@code procs/<proc name>/}.
 */
public record VrPaths(Path root) {

  /** The layout rooted at {@code $VR_ROOT}, or {@code /apps}. */
  public static VrPaths fromEnvironment() {
    String r = System.getenv("VR_ROOT");
    return new VrPaths(Path.of(r == null || r.isBlank() ? "/apps" : r).toAbsolutePath());
  }

  public Path builds() {
    return root.resolve("builds");
  }

  public Path images() {
    return root.resolve("images");
  }

  public Path procs() {
    return root.resolve("procs");
  }

  public Path releases() {
    return root.resolve("releases");
  }

  /** {@code images/<name>}; a name that is not one plain file name (e.g. {@code ..}) is bad input. */
  public Path image(String imageName) {
    String problem = Names.fileNameProblem(imageName);
    if (problem != null) {
      throw new InputException("image name " + problem + ", not " + InputException.quote(imageName));
    }
    return images().resolve(imageName);
  }

  public Path imageContents(String imageName) {
    return image(imageName).resolve("contents");
  }

  public Path proc(ProcName name) {
    return procs().resolve(name.format());
  }

  /**
   * What tells this root from every other on the same kernel, {@code <device>:<inode>} of the root folder
   * (created when missing): the lab's hosts each have their own {@code /apps}, bind-mounted in a mount
   * namespace of their own, so the path alone is the same for all of them while cgroups are shared. Stable
   * while the folder exists; it may change across reboots, when no container of the root survives anyway.
   */
  public String rootId() {
    try {
      Files.createDirectories(root);
      Map<String, Object> a = Files.readAttributes(root, "unix:dev,ino");
      return a.get("dev") + ":" + a.get("ino");
    } catch (IOException e) {
      throw new VrException("cannot read " + root + ": " + AtomicFiles.reason(e), e);
    }
  }

  /** The last path segment of a URL or path, without query or fragment. */
  public static String basename(String url) {
    String u = url.strip();
    int cut = u.indexOf('#');
    if (cut >= 0) {
      u = u.substring(0, cut);
    }
    cut = u.indexOf('?');
    if (cut >= 0) {
      u = u.substring(0, cut);
    }
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u.substring(u.lastIndexOf('/') + 1);
  }
}
