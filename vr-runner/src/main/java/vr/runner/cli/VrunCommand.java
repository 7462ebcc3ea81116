package vr.runner.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.cli.DebugOption;
import vr.common.cli.Progress;
import vr.common.cli.Tool;
import vr.common.cli.VersionProvider;
import vr.common.fs.FileLock;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;
import vr.runner.Extras;
import vr.runner.ProcPlan;
import vr.runner.Runner;

/**
 * {@code vrun setup|run|uptest|teardown|shell proc.yaml}: the runner's CLI. {@code setup}, {@code run} and
 * {@code teardown} hold an exclusive lock on the proc.yaml ({@code run} for as long as the proc runs); a
 * second one fails at once. The installed launcher runs {@code run} without a JVM staying resident (see
 * {@link Argv}).
 */
@Command(name = "vrun", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Lay out, run, uptest and tear down procs in LXC containers.",
    subcommands = {VrunCommand.Setup.class, VrunCommand.Run.class, VrunCommand.Uptest.class,
        VrunCommand.Teardown.class, VrunCommand.Shell.class, VrunCommand.Argv.class, VrunCommand.JudgedUptests.class})
public final class VrunCommand {
  /** The runner used by the subcommands; made for this host on first use unless given. */
  private Runner runner;

  public VrunCommand() {}

  /** A vrun working with {@code runner} (tests give one rooted in a temp dir). */
  public VrunCommand(Runner runner) {
    this.runner = runner;
  }

  Runner runner() {
    if (runner == null) {
      runner = Runner.forHost(Progress.auto());
    }
    return runner;
  }

  public static void main(String... args) {
    if (args.length == 2 && FAST.contains(args[0]) && !args[1].startsWith("-")) {
      // What a deploy waits for (setup, the launcher's call on every proc start, uptest), called plainly,
      // skips picocli, whose set-up costs more than the rest of these commands (its classes cannot be
      // class-data-shared). Output and errors are exactly as through Tool.
      PrintWriter out = new PrintWriter(System.out, true);
      try {
        VrunCommand vrun = new VrunCommand();
        Path file = Path.of(args[1]);
        switch (args[0]) {
          case "setup" -> setup(vrun.runner(), file);
          case "_argv" -> printArgv(vrun.runner(), file, out);
          case "_uptest" -> printJudgedUptests(null, out);
          default -> printUptests(vrun.runner(), file, null, out);
        }
        out.flush();
        System.exit(Tool.OK);
      } catch (VrException e) {
        System.err.println("vrun: error: " + e.getMessage());
        System.exit(e.exitCode());
      }
    }
    Tool.main(new VrunCommand(), args);
  }

  private static final java.util.Set<String> FAST = java.util.Set.of("setup", "_argv", "uptest", "_uptest");

  /** {@code vrun setup FILE}: under the proc.yaml's lock, as {@link Setup}. */
  static void setup(Runner runner, Path file) {
    YamlMap yaml = Yaml.load(file);
    ProcPlan plan = ProcPlan.of(yaml, runner.paths());
    try (FileLock lock = FileLock.tryExclusive(file)) {
      runner.setup(plan, yaml);
    }
  }

  /** Reads and checks a proc.yaml; errors point at its lines. */
  static ProcPlan loadPlan(Runner runner, Path file) {
    return ProcPlan.of(Yaml.load(file), runner.paths());
  }

  /** What {@code vrun uptest FILE} prints: the results as one JSON line. */
  static void printUptests(Runner runner, Path file, Integer timeout, PrintWriter out) {
    Duration limit = uptestTimeout(timeout);
    YamlMap yaml = Yaml.load(file);
    out.println(Runner.uptestJson(runner.uptest(ProcPlan.of(yaml, runner.paths()), yaml, limit)));
  }

  /**
   * What {@code vrun _uptest FILE} prints, the launcher's call when the proc's {@code prepared-uptest} is
   * current: as {@code vrun uptest}, for the uptests the launcher starts and reports on standard input.
   */
  static void printJudgedUptests(Integer timeout, PrintWriter out) {
    out.println(Runner.uptestJson(Runner.judgeUptests(System.in, uptestTimeout(timeout))));
  }

  private static Duration uptestTimeout(Integer timeout) {
    int seconds = timeout != null ? timeout : Uptest.envTimeout();
    if (seconds < 1) {
      throw new vr.common.InputException("--timeout must be at least 1 second");
    }
    return Duration.ofSeconds(seconds);
  }

  /** What {@code vrun _argv FILE} prints: the command that runs the proc's container, one argument a line. */
  static void printArgv(Runner runner, Path file, PrintWriter out) {
    YamlMap yaml = Yaml.load(file);
    ProcPlan plan = ProcPlan.of(yaml, runner.paths());
    List<String> argv = runner.runArgv(plan, yaml);
    for (String a : argv) {
      if (a.isEmpty() || a.indexOf('\n') >= 0 || a.indexOf('\r') >= 0) {
        throw new VrException("cannot pass the argument " + InputException.quote(a) + " to the launcher");
      }
    }
    argv.forEach(out::println);
  }

  /** Runs vrun in-process, for tests and embedding. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return Tool.run(new VrunCommand(), out, err, args);
  }

  /** The proc.yaml argument, read and checked. */
  abstract static class ProcCommand implements Callable<Integer> {
    @ParentCommand VrunCommand parent;
    @Mixin DebugOption debug;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROC_YAML", description = "The proc's proc.yaml.")
    Path file;

    ProcPlan plan() {
      return loadPlan(parent.runner(), file);
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  @Command(name = "setup", description = "Fetch image and build, lay out the proc folder and container config.")
  static final class Setup extends ProcCommand {
    @Override
    public Integer call() {
      setup(parent.runner(), file);
      return 0;
    }
  }

  @Command(name = "run", description = "Run the proc in the foreground until it ends.")
  static final class Run extends ProcCommand {
    @Override
    public Integer call() {
      ProcPlan plan = plan();
      try (FileLock lock = FileLock.tryExclusive(file)) {
        return parent.runner().run(plan, Extras.NONE);
      }
    }
  }

  @Command(name = "uptest", description = "Run the proc's uptests; print their results as JSON.")
  static final class Uptest extends ProcCommand {
    @Option(names = "--timeout", paramLabel = "SECONDS",
        description = "Time limit per uptest (default: $VR_UPTEST_TIMEOUT or 60).")
    Integer timeout;

    @Override
    public Integer call() {
      printUptests(parent.runner(), file, timeout, out());
      return 0;
    }

    static int envTimeout() {
      String v = System.getenv("VR_UPTEST_TIMEOUT");
      if (v == null || v.isBlank()) {
        return 60;
      }
      if (!v.strip().matches("[0-9]{1,6}")) {
        throw new vr.common.InputException("VR_UPTEST_TIMEOUT must be a number of seconds, not " + InputException.quote(v));
      }
      return Integer.parseInt(v.strip());
    }
  }

  @Command(name = "teardown", description = "Remove the proc folder and all setup made; keep build and image.")
  static final class Teardown extends ProcCommand {
    @Override
    public Integer call() {
      if (!Files.exists(file)) {
        return 0; // already gone with its folder (the original's #215)
      }
      ProcPlan plan = plan();
      try (FileLock lock = FileLock.tryExclusive(file)) {
        parent.runner().teardown(plan);
      }
      return 0;
    }
  }

  @Command(name = "shell", description = "An interactive shell in a container made like the proc's.")
  static final class Shell extends ProcCommand {
    @Override
    public Integer call() {
      String term = System.getenv("TERM");
      return parent.runner().shell(plan(), term == null ? Map.of() : Map.of("TERM", term));
    }
  }

  /**
   * For the launcher: prepares the proc's container and prints the command that runs it, one argument per
   * line. The launcher holds the proc.yaml lock on an inherited descriptor and {@code exec}s that command,
   * so supervisord's signals go straight to LXC and no JVM stays resident while the proc runs.
   */
  @Command(name = "_argv", hidden = true)
  static final class Argv extends ProcCommand {
    @Override
    public Integer call() {
      printArgv(parent.runner(), file, out());
      return 0;
    }
  }

  /**
   * For the launcher, when the proc's {@code prepared-uptest} is current (it checks it as it checks a start):
   * judges the uptests it starts from that record and reports on standard input, and prints their results.
   */
  @Command(name = "_uptest", hidden = true)
  static final class JudgedUptests extends ProcCommand {
    @Option(names = "--timeout", paramLabel = "SECONDS")
    Integer timeout;

    @Override
    public Integer call() {
      printJudgedUptests(timeout, out());
      return 0;
    }
  }
}
