package vr.builder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import vr.common.VrException;
import vr.common.cli.Progress;
import vr.common.container.ContainerNames;
import vr.common.container.ContainerSpec;
import vr.common.container.ContainerSpec.Mount;
import vr.common.container.Lxc;
import vr.common.exec.Shell;
import vr.common.fs.StackImages;
import vr.common.fs.Trees;
import vr.common.fs.VrPaths;

/**
 * Runs the build script in an LXC container of its own, described as what it is (a {@link ContainerSpec}), not
 * as a proc: the stack image comes from the host's cache ({@link StackImages}, downloaded, md5-checked and
 * unpacked once into {@code images/<name>/contents}, shared with every proc); the container's writable layer
 * is a scratch folder under {@code procs/.vbuild-<container>}, removed whatever happens; the exported app is
 * mounted at {@code /app}, the cache at {@code /cache}, each buildpack at {@code /buildpacks/<n>} and the
 * script read-only at {@link BuildJob#SCRIPT_INSIDE}; it runs as the build user with the host's network, up to
 * {@value #BUILD_PIDS} processes, after the app's {@code .profile.d} (see {@link #start}). (It used to be a {@code ProcData} of 26 fields handed to vr-runner as a
 * proc, which it is not: no port, no release, no Procfile.)
 */
public final class LxcBuildContainer implements BuildContainer {
  /** A compile step may run a parallel make or a test suite: more processes than a proc's default. */
  static final long BUILD_PIDS = 4096;
  /** The search path inside, as for procs. */
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Lxc lxc;
  private final VrPaths paths;

  public LxcBuildContainer() {
    this(Lxc.host(), VrPaths.fromEnvironment());
  }

  public LxcBuildContainer(Lxc lxc, VrPaths paths) {
    this.lxc = lxc;
    this.paths = paths;
  }

  @Override
  public int run(BuildJob job) {
    Stack stack = job.stack();
    Path image = StackImages.ensure(paths, stack.name(), stack.url(), stack.md5(), Progress.auto());
    String name = ContainerNames.temporary(ContainerNames.of(paths.rootId() + ":vbuild:" + job.name()), "b");
    Path scratch = paths.procs().resolve(".vbuild-" + name);
    ContainerSpec spec = spec(job, name, image, scratch);
    try {
      Files.createDirectories(scratch);
      return job.interactive() ? lxc.runInheritingIo(spec) : build(job, spec);
    } catch (IOException e) {
      throw new VrException("cannot create " + scratch + ": " + e.getMessage(), e);
    } finally {
      lxc.remove(spec);
      Trees.deleteOrFail(scratch);
    }
  }

  /** The script's output goes to the job's stream as it comes. */
  private int build(BuildJob job, ContainerSpec spec) {
    ProcessBuilder pb = new ProcessBuilder().redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    lxc.prepare(spec);
    Process p = lxc.start(spec, pb);
    try (InputStream in = p.getInputStream()) {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        job.out().write(buf, 0, n);
        job.out().flush(); // compile output appears as it happens
      }
      return p.waitFor();
    } catch (IOException e) {
      throw new VrException("the build container failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while building", e);
    }
  }

  /** The build's container: the stack below a scratch layer, the build's folders on top. */
  static ContainerSpec spec(BuildJob job, String name, Path image, Path scratch) {
    ContainerSpec.Builder b = ContainerSpec.builder(name, scratch.resolve("lxc"))
        .lower(image)
        .upper(scratch.resolve("rootfs").resolve("upper"))
        .user(job.uid(), job.gid())
        .pids(BUILD_PIDS)
        .cwd(BuildJob.APP_INSIDE)
        .command("/bin/sh", "-c", start(job));
    for (Map.Entry<String, String> e : env(job).entrySet()) {
      b.env(e.getKey(), e.getValue());
    }
    b.mount(Mount.bind(job.app(), BuildJob.APP_INSIDE, false));
    b.mount(Mount.bind(job.cacheRoot(), BuildJob.CACHE_INSIDE, false));
    for (int i = 0; i < job.buildpacks().size(); i++) {
      b.mount(Mount.bind(job.buildpacks().get(i), BuildJob.BUILDPACKS_INSIDE + "/" + (i + 1), false));
    }
    b.mount(Mount.bindFile(job.script(), BuildJob.SCRIPT_INSIDE, true, false));
    b.mount(Mount.bindFile(Path.of("/etc/hosts"), "/etc/hosts", true, true));
    b.mount(Mount.bindFile(Path.of("/etc/resolv.conf"), "/etc/resolv.conf", true, true));
    return b.build();
  }

  /**
   * How the script starts, as a proc does: the app's {@code .profile.d/*} sourced first (as the original,
   * which ran its builds as procs), then the script's own environment on top, then the script.
   */
  static String start(BuildJob job) {
    StringBuilder b = new StringBuilder();
    b.append("for vr_profile in \"$HOME\"/.profile.d/*; do if [ -f \"$vr_profile\" ]; then . \"$vr_profile\"; fi; done; ");
    b.append("unset vr_profile; ");
    for (Map.Entry<String, String> e : env(job).entrySet()) {
      b.append("export ").append(e.getKey()).append('=').append(Shell.quote(e.getValue())).append("; ");
    }
    return b.append("exec /bin/sh ").append(BuildJob.SCRIPT_INSIDE).toString();
  }

  /** The script's environment, with what a proc's gets too: PATH, HOME at the app, TMPDIR. */
  static Map<String, String> env(BuildJob job) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PATH);
    env.put("HOME", BuildJob.APP_INSIDE);
    env.put("TMPDIR", "/tmp");
    Map<String, String> script = new LinkedHashMap<>(job.scriptEnv());
    script.remove("PATH");
    env.putAll(script);
    if (job.interactive()) {
      String term = System.getenv("TERM");
      env.put("TERM", term == null || term.isBlank() ? "xterm" : term);
    }
    return env;
  }
}
