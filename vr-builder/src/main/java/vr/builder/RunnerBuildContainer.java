package vr.builder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import vr.common.VrException;
import vr.common.container.ContainerNames;
import vr.common.container.ContainerSpec;
import vr.common.container.ContainerSpec.Mount;
import vr.common.container.Lxc;
import vr.common.fs.VrPaths;

/**
 * Runs the build script in an LXC container: the stack image (unpacked once under {@code /apps/images}) as
 * the read-only lower layer, a throwaway upper layer in the build's scratch dir, and bind mounts of only the
 * app ({@code /app}), the cache ({@code /cache}) and each buildpack ({@code /buildpacks/<n>}); the script
 * runs as the build user ({@code lxc.init.uid}) with the host's network, as procs do.
 */
public final class RunnerBuildContainer implements BuildContainer {
  private final Lxc lxc;
  private final VrPaths paths;

  public RunnerBuildContainer() {
    this(Lxc.host(), VrPaths.fromEnvironment());
  }

  public RunnerBuildContainer(Lxc lxc, VrPaths paths) {
    this.lxc = lxc;
    this.paths = paths;
  }

  @Override
  public int run(BuildJob job) {
    Path contents = StackImages.ensure(paths, job.stack());
    Path work = job.app().getParent().resolve("container");
    ContainerSpec.Builder b = ContainerSpec.builder(ContainerNames.of("vbuild-" + job.name()), work.resolve("lxc"))
        .lower(contents)
        .upper(work.resolve("rootfs").resolve("upper"))
        .mount(Mount.bind(job.app(), BuildJob.APP_INSIDE, false))
        .mount(Mount.bind(job.cacheRoot(), BuildJob.CACHE_INSIDE, false))
        .mount(Mount.bindFile(job.script(), BuildJob.SCRIPT_INSIDE, true, false))
        .user(job.uid(), job.gid())
        .cwd("/")
        .command("/bin/sh", BuildJob.SCRIPT_INSIDE);
    for (int i = 0; i < job.buildpacks().size(); i++) {
      b.mount(Mount.bind(job.buildpacks().get(i), BuildJob.BUILDPACKS_INSIDE + "/" + (i + 1), false));
    }
    for (Map.Entry<String, String> e : job.scriptEnv().entrySet()) {
      b.env(e.getKey(), e.getValue());
    }
    if (job.interactive()) {
      String term = System.getenv("TERM");
      b.env("TERM", term == null || term.isBlank() ? "xterm" : term);
    }
    ContainerSpec spec = b.build();
    try {
      if (job.interactive()) {
        return lxc.runInheritingIo(spec);
      }
      Process p = lxc.start(spec, new ProcessBuilder().redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))));
      try (InputStream in = p.getInputStream()) {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
          job.out().write(buf, 0, n);
          job.out().flush(); // compile output appears as it happens
        }
      }
      return p.waitFor();
    } catch (IOException e) {
      throw new VrException("the build container failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while building", e);
    } finally {
      lxc.remove(spec);
      try {
        Trees.delete(work);
      } catch (IOException e) {
        // the scratch dir is removed by the builder anyway
      }
    }
  }
}
