package vr.builder.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import vr.builder.BuildContainer;
import vr.builder.Builder;
import vr.builder.BuilderHome;
import vr.builder.GitSshSettings;
import vr.builder.LxcBuildContainer;
import vr.builder.Stack;
import vr.common.VrException;
import vr.common.cli.DebugOption;
import vr.common.cli.Tool;
import vr.common.cli.VersionProvider;
import vr.common.model.BuildData;
import vr.common.repo.GitSsh;

/** {@code vbuild}: Build apps with buildpacks in containers. */
@Command(
    name = "vbuild",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Build apps with buildpacks in containers.",
    subcommands = {VbuildCommand.Build.class, VbuildCommand.Shell.class})
public final class VbuildCommand implements Runnable {

  @Option(names = "--lock-timeout", paramLabel = "SECONDS", defaultValue = "1800",
      description = "How long to wait for another build of the same app (default: ${DEFAULT-VALUE}).")
  long lockTimeout;

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "/etc/vr/vbuild.yaml",
      description = "The build host's settings: image_url, image_name, image_md5 of the default stack; "
          + "git_ssh_key, git_known_hosts, git_ssh_config for git over SSH (default: ${DEFAULT-VALUE}).")
  Path config;

  private final Supplier<BuildContainer> containers;
  private final IntSupplier euid;
  private final Supplier<BuilderHome> home;
  private final Map<String, String> env;
  private PrintStream out;

  public VbuildCommand() {
    this(LxcBuildContainer::new, VbuildCommand::effectiveUid, BuilderHome::fromEnvironment, System.getenv());
  }

  /**
   * For tests: another container implementation, another idea of who runs us, another home and environment
   * (what {@code RAPTOR_HOME} and {@code VBUILD_DEFAULT_IMAGE_*} would say).
   */
  public VbuildCommand(Supplier<BuildContainer> containers, IntSupplier euid, Supplier<BuilderHome> home,
      Map<String, String> env) {
    this.containers = containers;
    this.euid = euid;
    this.home = home;
    this.env = env;
  }

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "a command is required; see --help");
  }

  /** {@code vbuild build app.yaml}. */
  @Command(name = "build", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = "Build the app: build.tar.gz, build_result.yaml and compile.log in the current directory.")
  static final class Build implements Callable<Integer> {
    @ParentCommand VbuildCommand parent;
    @Mixin DebugOption debug;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR",
        description = "Where to write the outputs (default: the current directory).")
    Path outputDir;

    @Parameters(paramLabel = "APP_YAML", description = "app.yaml, or a build_result.yaml to repeat a build")
    Path appYaml;

    @Override
    public Integer call() {
      Builder b = parent.builder();
      BuildData data = BuildData.load(appYaml);
      Path dir = (outputDir == null ? Path.of("") : outputDir).toAbsolutePath();
      if (!java.nio.file.Files.isDirectory(dir)) {
        throw new vr.common.InputException("output directory " + dir + " does not exist");
      }
      b.build(data, appYaml, dir);
      return Tool.OK;
    }
  }

  /** {@code vbuild shell app.yaml}. */
  @Command(name = "shell", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = "Open a shell in the app's build environment (run it from a terminal).")
  static final class Shell implements Callable<Integer> {
    @ParentCommand VbuildCommand parent;
    @Mixin DebugOption debug;

    @Parameters(paramLabel = "APP_YAML", description = "app.yaml or build_result.yaml")
    Path appYaml;

    @Override
    public Integer call() {
      Builder b = parent.builder();
      BuildData data = BuildData.load(appYaml);
      return b.shell(data, appYaml);
    }
  }

  /** Checks the caller is root (before reading anything), then makes the library object. */
  Builder builder() {
    if (euid.getAsInt() != 0) {
      throw new VrException("must run as root: builds run in LXC containers and switch to the build user "
          + "(try: sudo vbuild ...)");
    }
    Stack defaults = Stack.defaults(env, config);
    GitSsh ssh = GitSshSettings.of(env, config);
    return new Builder(home.get(), containers.get(), defaults, Duration.ofSeconds(lockTimeout), ssh, out);
  }

  /** The effective uid of this process, from {@code /proc/self/status}. */
  static int effectiveUid() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.split("\\s+")[2]);
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // fall through: unknown means not root
    }
    return -1;
  }

  /** In-process entry for tests: runs {@code vbuild args} and returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(new VbuildCommand(), out, err, args);
  }

  /** Runs {@code command} (e.g. one made with test hooks) with {@code args}. */
  public static int run(VbuildCommand command, PrintWriter out, PrintWriter err, String... args) {
    try (PrintStream ps = new PrintStream(new WriterOutputStream(out), true, java.nio.charset.StandardCharsets.UTF_8)) {
      command.out = ps;
      return Tool.run(command, out, err, args);
    }
  }

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      Tool.main(new VbuildCommand(), args);
    }
    VbuildCommand c = new VbuildCommand();
    c.out = System.out;
    Tool.main(c, args);
  }
}
