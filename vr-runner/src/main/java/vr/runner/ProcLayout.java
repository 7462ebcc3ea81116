package vr.runner;

import java.nio.file.Path;
import vr.common.container.ContainerNames;
import vr.common.fs.VrPaths;
import vr.common.model.ProcName;

/**
 * Where a proc lives on the host, under {@code procs/<proc name>/}:
 * <pre>
 *   proc.yaml proc.conf log   the server's and supervisord's (setup leaves them alone)
 *   app/       the unpacked build, owned by the proc's user; bind-mounted at /app
 *   layer/     read-only top layer: /proc.sh /env.sh /settings.yaml and mount points
 *   rootfs/    the proc's own writable layer (kept across restarts); work/ is overlayfs's, beside it
 *   lxc/&lt;container&gt;/config   LXC's view: the proc's container and short-lived uptest/shell ones
 *   scratch/&lt;container&gt;/upper   throwaway writable layers of uptest and shell containers
 * </pre>
 * The stack image is shared read-only from {@code images/<image>/contents}.
 */
public record ProcLayout(Path dir, String containerName) {

  /**
   * The layout of proc {@code name} under {@code paths}. Its container is named after the root too: two roots
   * on one kernel (the lab's hosts) may set up procs of the same name, and LXC's cgroups, which {@link
   * vr.common.container.Lxc#stop} finds containers by, are the kernel's, not the root's.
   */
  public static ProcLayout of(VrPaths paths, ProcName name) {
    return new ProcLayout(paths.proc(name), ContainerNames.of(paths.rootId() + ":" + name.format()));
  }

  public Path app() {
    return dir.resolve("app");
  }

  public Path layer() {
    return dir.resolve("layer");
  }

  public Path rootfs() {
    return dir.resolve("rootfs");
  }

  public Path lxcPath() {
    return dir.resolve("lxc");
  }

  public Path scratch() {
    return dir.resolve("scratch");
  }

  /** Whether setup has completed here: the layer is installed last but one, before rootfs. */
  public boolean isSetUp() {
    return java.nio.file.Files.isRegularFile(layer().resolve(ProcScripts.PROC_SH.substring(1)));
  }
}
