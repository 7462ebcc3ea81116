package vr.builder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.cli.Progress;
import vr.common.container.ContainerSpec.Mount;
import vr.common.container.Lxc;
import vr.common.fs.VrPaths;
import vr.common.model.ProcData;
import vr.runner.Extras;
import vr.runner.ProcPlan;
import vr.runner.Runner;

/**
 * Runs the build script as a proc through vr-runner's library ({@link Runner}), as the original ran its
 * build through {@code vrun setup/run/teardown}: the stack image is downloaded (http, https, file or a path),
 * md5-checked and unpacked once into {@code images/<name>/contents}, shared with every proc on the host; the
 * build gets a proc folder of its own under {@code procs/} with the script in its read-only top layer, the
 * exported app mounted at {@code /app}, the cache at {@code /cache} and each buildpack at
 * {@code /buildpacks/<n>}; it runs as the build user with the host's network; the proc is torn down whatever
 * happens.
 */
public final class LxcBuildContainer implements BuildContainer {
  /** The build proc's config name and proc name: {@code <app>-<version>-build-<id>-build-0}. */
  static final String BUILD = "build";

  private final Runner runner;

  public LxcBuildContainer() {
    this(Lxc.host(), VrPaths.fromEnvironment());
  }

  public LxcBuildContainer(Lxc lxc, VrPaths paths) {
    this.runner = new Runner(paths, lxc, Progress.auto(), Map.of());
  }

  @Override
  public int run(BuildJob job) {
    ProcPlan plan = ProcPlan.check(procData(job), runner.paths(), LxcBuildContainer::stackError);
    Extras extras = extras(job);
    try {
      runner.setup(plan, LxcBuildContainer::stackError, extras);
      return job.interactive() ? shell(job, plan, extras) : build(job, plan, extras);
    } finally {
      runner.teardown(plan);
    }
  }

  private int build(BuildJob job, ProcPlan plan, Extras extras) {
    ProcessBuilder pb = new ProcessBuilder().redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = runner.start(plan, extras, pb);
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
    } finally {
      runner.stop(plan);
    }
  }

  /**
   * The shell shares this process's terminal. (LXC's console, {@code lxc-start -F}, was tried for job control:
   * the shell, running as the build user, still got no controlling terminal, and LXC flushed what was typed
   * before the console was up; so job control stays off.)
   */
  private int shell(BuildJob job, ProcPlan plan, Extras extras) {
    return runner.run(plan, extras);
  }

  /** A compile step may run a parallel make or a test suite: more processes than a proc's default. */
  static final int BUILD_PIDS = 4096;

  /** The build as a proc.yaml would describe it: no build tarball, the script as its command, port 0. */
  static ProcData procData(BuildJob job) {
    Map<String, Object> env = new LinkedHashMap<>(job.scriptEnv());
    env.remove("PATH"); // the runner sets the container's PATH
    if (job.interactive()) {
      String term = System.getenv("TERM");
      env.put("TERM", term == null || term.isBlank() ? "xterm" : term);
    }
    Stack stack = job.stack();
    return new ProcData(namePart(job.appName()), null, null, null, null, BUILD, env, null, 0,
        namePart(job.version()), namePart(job.name()), Map.of(), Integer.toString(job.uid()),
        Integer.toString(job.gid()), BUILD, "/bin/sh " + BuildJob.SCRIPT_INSIDE, null, null, null, stack.url(),
        stack.name(), stack.md5(), List.of(), null, null, BUILD_PIDS, null, Map.of());
  }

  private static Extras extras(BuildJob job) {
    List<Mount> mounts = new ArrayList<>();
    mounts.add(Mount.bind(job.cacheRoot(), BuildJob.CACHE_INSIDE, false));
    for (int i = 0; i < job.buildpacks().size(); i++) {
      mounts.add(Mount.bind(job.buildpacks().get(i), BuildJob.BUILDPACKS_INSIDE + "/" + (i + 1), false));
    }
    try {
      byte[] script = Files.readAllBytes(job.script());
      return new Extras(List.of(new Extras.ExtraFile(BuildJob.SCRIPT_INSIDE, script, true)), mounts, job.app());
    } catch (IOException e) {
      throw new VrException("cannot read the build script " + job.script() + ": " + e.getMessage(), e);
    }
  }

  /** A proc name's parts may not hold '-', '/' or blanks; a version such as {@code release/1.0-rc1} may. */
  static String namePart(String s) {
    return s == null ? null : s.replaceAll("[-/\\s\\x00]", "_");
  }

  /** The stack keys were checked when the app.yaml was read; what the runner still refuses is named here. */
  private static InputException stackError(String key, String what) {
    return new InputException("the build's stack: " + key + " " + what);
  }
}
