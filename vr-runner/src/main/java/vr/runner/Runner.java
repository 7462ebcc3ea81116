package vr.runner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vr.common.model.UptestResult;
import vr.common.VrException;
import vr.common.cli.Progress;
import vr.common.container.ContainerSpec;
import vr.common.container.Lxc;
import vr.common.fs.Trees;
import vr.common.fs.VrPaths;
import vr.common.yaml.YamlMap;

/**
 * The runner as a library: lays out, runs, uptests, opens a shell in and tears down procs in LXC
 * containers. {@code vrun} is a thin CLI over it; vbuild runs its build container through it with
 * {@link Extras}. Locking the proc.yaml is the caller's business (the CLI does it).
 */
public final class Runner {
  private final VrPaths paths;
  private final Lxc lxc;
  private final Progress progress;
  private final Map<String, String> hostEnv;

  public Runner(VrPaths paths, Lxc lxc, Progress progress, Map<String, String> hostEnv) {
    this.paths = paths;
    this.lxc = lxc;
    this.progress = progress == null ? Progress.NONE : progress;
    this.hostEnv = Map.copyOf(hostEnv);
  }

  /** A runner for this host: {@code $VR_ROOT} or /apps, the host's cgroups, its environment for {@code $VAR}s. */
  public static Runner forHost(Progress progress) {
    return new Runner(VrPaths.fromEnvironment(), Lxc.host(), progress, System.getenv());
  }

  public VrPaths paths() {
    return paths;
  }

  public ProcLayout layout(ProcPlan plan) {
    return ProcLayout.of(paths, plan.name());
  }

  /** Ensures image and build, unpacks the build as /app and writes the proc's files and container config. */
  public void setup(ProcPlan plan, ProcPlan.Where where, Extras extras) {
    PreparedRun.forget(layout(plan));
    new Setup(paths, lxc, progress, hostEnv).run(plan, where, extras);
  }

  /**
   * {@code vrun setup}: as {@link #setup}, then records the proc's start for the launcher, which needs no
   * JVM to start it while nothing changes ({@link PreparedRun}; only for a proc.yaml in the proc's folder).
   */
  public void setup(ProcPlan plan, YamlMap procYaml) {
    setup(plan, ProcPlan.Where.of(procYaml), Extras.NONE);
    record(plan, ProcContainers.spec(plan, layout(plan), image(plan), ProcContainers.Kind.RUN, Extras.NONE,
        ProcContainers.runCommand()), procYaml);
  }

  /** The proc's container, ready to start: its config written, leftovers of an earlier run killed. */
  public ContainerSpec prepareRun(ProcPlan plan, Extras extras) {
    ProcLayout layout = setUp(plan);
    ContainerSpec spec = ProcContainers.spec(plan, layout, image(plan), ProcContainers.Kind.RUN, extras,
        ProcContainers.runCommand());
    lxc.prepare(spec);
    return spec;
  }

  /** The command line that runs the prepared proc; a launcher {@code exec}s it so that no JVM stays. */
  public List<String> runArgv(ProcPlan plan, Extras extras) {
    return Lxc.argv(prepareRun(plan, extras));
  }

  /** The launcher's start ({@code vrun _argv}): as {@link #runArgv}, and records it as {@link #setup(ProcPlan, YamlMap)} does. */
  public List<String> runArgv(ProcPlan plan, YamlMap procYaml) {
    ContainerSpec spec = prepareRun(plan, Extras.NONE);
    record(plan, spec, procYaml);
    return Lxc.argv(spec);
  }

  private void record(ProcPlan plan, ContainerSpec spec, YamlMap procYaml) {
    Path image = image(plan);
    PreparedRun.record(paths, layout(plan), spec, UptestTemplate.of(plan, layout(plan), image, lxc.cgroups()), image,
        procYaml.file(), procYaml.source());
  }

  /**
   * Starts the proc with the stdio set up on {@code pb} (e.g. output into a log); the caller waits for it and
   * then calls {@link #stop}.
   */
  public Process start(ProcPlan plan, Extras extras, ProcessBuilder pb) {
    ProcLayout layout = setUp(plan);
    return lxc.start(ProcContainers.spec(plan, layout, image(plan), ProcContainers.Kind.RUN, extras,
        ProcContainers.runCommand()), pb);
  }

  /** Kills whatever is left of the proc's container. */
  public void stop(ProcPlan plan) {
    lxc.stop(layout(plan).containerName());
  }

  /** Runs the proc in the foreground with this process's stdio; returns its exit status. */
  public int run(ProcPlan plan, Extras extras) {
    return lxc.runInheritingIo(prepareRun(plan, extras));
  }

  /** Runs the proc's uptests; an empty list when it has none. */
  public List<UptestResult> uptest(ProcPlan plan, Duration timeout) {
    return new Uptests(UptestTemplate.of(plan, setUp(plan), image(plan), lxc.cgroups())).run(timeout);
  }

  /**
   * {@code vrun uptest}: as {@link #uptest(ProcPlan, Duration)}, and records the uptests' template again for
   * the launcher when the proc's recorded proc.yaml is still this one ({@link PreparedRun#recordUptests}).
   */
  public List<UptestResult> uptest(ProcPlan plan, YamlMap procYaml, Duration timeout) {
    Path image = image(plan);
    UptestTemplate template = UptestTemplate.of(plan, setUp(plan), image, lxc.cgroups());
    List<UptestResult> results = new Uptests(template).run(timeout);
    PreparedRun.recordUptests(paths, template.layout(), template, image, procYaml.file(), procYaml.source());
    return results;
  }

  /**
   * {@code vrun _uptest}: the results of the uptests that vrun's launcher starts while this JVM starts, from
   * the proc's {@code prepared-uptest}, which the launcher found current; it reports them on {@code manifest}
   * ({@link Uptests#judge}). Each gets {@code timeout}; no proc.yaml is read and no runner is needed.
   */
  public static List<UptestResult> judgeUptests(InputStream manifest, Duration timeout) {
    return Uptests.judge(manifest, timeout);
  }

  /** The uptest results as the JSON array the server reads. */
  public static String uptestJson(List<UptestResult> results) {
    return UptestResult.json(results);
  }

  /**
   * An interactive shell (bash when the stack has it, else sh) in a container made like the proc's, with the
   * proc's environment loaded; this process's stdio is the shell's. Returns the shell's exit status.
   */
  public int shell(ProcPlan plan, Map<String, String> extraEnv) {
    ProcLayout layout = setUp(plan);
    Path image = image(plan);
    String sh = Files.isExecutable(image.resolve("bin/bash")) || Files.isExecutable(image.resolve("usr/bin/bash"))
        ? "/bin/bash" : "/bin/sh";
    ContainerSpec spec = ProcContainers.spec(plan, layout, image, ProcContainers.Kind.SHELL, Extras.NONE,
        ProcContainers.wrapped(List.of(sh))).withEnv(extraEnv);
    try {
      return lxc.runInheritingIo(spec);
    } finally {
      lxc.remove(spec);
      Trees.deleteOrFail(spec.upper().getParent());
    }
  }

  /**
   * Removes the proc folder and everything setup made: containers of the proc still running (uptests,
   * shells), mounts under the folder, cgroups. Keeps the build tarball and the image. Nothing to do when the
   * folder is gone.
   */
  public void teardown(ProcPlan plan) {
    ProcLayout layout = layout(plan);
    if (!Files.exists(layout.dir(), LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    lxc.stop(layout.containerName());
    for (String name : containersIn(layout.lxcPath())) {
      lxc.stop(name);
    }
    Mounts.unmountUnder(layout.dir());
    Trees.deleteOrFail(layout.dir());
  }

  private static List<String> containersIn(Path lxcPath) {
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(lxcPath)) {
      try (var s = Files.list(lxcPath)) {
        s.forEach(p -> names.add(p.getFileName().toString()));
      } catch (IOException e) {
        throw new VrException("cannot list " + lxcPath + ": " + e.getMessage(), e);
      }
    }
    return names;
  }

  private ProcLayout setUp(ProcPlan plan) {
    ProcLayout layout = layout(plan);
    if (!layout.isSetUp()) {
      throw new VrException("proc " + plan.name() + " is not set up on this host (run vrun setup first)");
    }
    return layout;
  }

  private Path image(ProcPlan plan) {
    Path contents = paths.imageContents(plan.imageName());
    if (!Files.isDirectory(contents)) {
      throw new VrException("image " + plan.imageName() + " is missing from " + paths.images() + " (run vrun setup)");
    }
    return contents;
  }
}
