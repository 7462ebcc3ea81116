package vr.imager;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import vr.common.VrException;
import vr.common.container.ContainerNames;
import vr.common.container.ContainerSpec;
import vr.common.container.Lxc;

/**
 * {@link ImageContainer} on the suite's LXC layer: the unpacked image is the container's plain read-write root
 * filesystem (no overlay), the network is the host's, the user root. A build runs under {@code lxc-execute}
 * (LXC's init reaps what the script leaves behind and passes its exit status on); a shell runs on LXC's console
 * so that it has a real terminal. Whatever happens, the container's processes are killed before returning.
 */
public final class LxcImageContainer implements ImageContainer {
  private final Lxc lxc;
  private volatile String running;

  public LxcImageContainer(Lxc lxc) {
    this.lxc = lxc;
  }

  /** On this host's LXC. */
  public static LxcImageContainer host() {
    return new LxcImageContainer(Lxc.host());
  }

  @Override
  public int run(Run run, OutputStream out) {
    ContainerSpec spec = spec(run);
    running = spec.name();
    ProcessBuilder pb = new ProcessBuilder().redirectErrorStream(true).redirectInput(new File("/dev/null"));
    try {
      Process p = lxc.start(spec, pb);
      try (InputStream in = p.getInputStream()) {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
        }
      }
      return p.waitFor();
    } catch (IOException e) {
      throw new VrException("cannot copy the output of the provisioning script: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while the provisioning script ran", e);
    } finally {
      lxc.remove(spec);
      running = null;
    }
  }

  @Override
  public int interactive(Run run) {
    ContainerSpec spec = spec(run);
    running = spec.name();
    try {
      return lxc.runOnConsole(spec);
    } finally {
      lxc.remove(spec);
      running = null;
    }
  }

  @Override
  public void abort() {
    String name = running;
    if (name != null) {
      lxc.stop(name);
    }
  }

  @Override
  public void checkUsable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new VrException("vimage must run as root (it runs LXC containers and keeps the image's file owners)");
    }
  }

  /** Package installs run maintainer scripts and daemons' post-install steps: more than a proc's default. */
  static final long IMAGE_PIDS = 4096;

  private ContainerSpec spec(Run run) {
    checkUsable();
    ContainerSpec.Builder b = ContainerSpec.builder(ContainerNames.temporary("vimage", "b"), run.workDir())
        .rootfs(run.rootfs())
        .network(ContainerSpec.Network.HOST)
        .user(0, 0)
        .pids(IMAGE_PIDS)
        .cwd("/")
        .command(run.command());
    for (Map.Entry<String, String> e : run.env().entrySet()) {
      b.env(e.getKey(), e.getValue());
    }
    return b.build();
  }
}
