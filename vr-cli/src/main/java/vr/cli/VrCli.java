package vr.cli;

import java.io.Console;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import vr.common.cli.DebugOption;
import vr.common.cli.Tool;
import vr.common.cli.VersionProvider;

/**
 * {@code vr.cli}: the operator's terminal tool. The server commands (reference section 6) talk to vr-server's API;
 * {@code pool} and {@code supervisor} work without it. Tests give their own environment and no terminal.
 */
@Command(
    name = "vr.cli",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {"Operate a vr-suite installation from a terminal.", "",
        "The server commands need its URL (--url or $VELOCIRAPTOR_URL) and credentials: $VELOCIRAPTOR_USERNAME with",
        "$VELOCIRAPTOR_PASSWORD, a token file (--token-file or $VELOCIRAPTOR_TOKEN_FILE), or a password prompt on a",
        "terminal. Swarm patterns are regular expressions matched from the start of <app>-<config>-<proc>.", "",
        "Example:  export VELOCIRAPTOR_URL=http://127.0.0.1:8000/ VELOCIRAPTOR_USERNAME=alice",
        "          vr.cli swarm 'shop-prod-web' v2 --wait",
        "Exit codes: 0 done, 1 failed, 2 bad input, 130 interrupted. Each command has --help (docs/cli.md)."},
    subcommands = {ListSwarmsCommand.class, SwarmCommand.class, BuildCommand.class, RebuildAllCommand.class,
        ProcsCommand.class, UptestsCommand.class, DeployCommand.class, CompareReleasesCommand.class,
        HostCommand.class, CanaryCommand.class, PoolCommand.class, SupervisorCommand.class})
public final class VrCli implements Callable<Integer> {
  @Mixin DebugOption debug;
  @Spec CommandSpec spec;

  private final Map<String, String> env;
  private final Supplier<Console> console;
  private final Terminal terminal;
  private final boolean process;

  /** The process's environment and terminal. */
  public VrCli() {
    this(System.getenv(), System::console, Terminal.of(System.console() != null, System.getenv()), true);
  }

  /** A given environment and no terminal: plain output, no prompt (tests, embedding). */
  public VrCli(Map<String, String> env) {
    this(env, () -> null, Terminal.PLAIN, false);
  }

  VrCli(Map<String, String> env, Supplier<Console> console, Terminal terminal, boolean process) {
    this.env = env;
    this.console = console;
    this.terminal = terminal;
    this.process = process;
  }

  /**
   * In a real process, makes Ctrl-C (SIGINT) run {@code say} and exit with {@code code} at once; in-process (tests)
   * it does nothing. Used while following a swarm, which then goes on on the server.
   */
  @SuppressWarnings("restriction")
  void onInterrupt(Runnable say, int code) {
    if (!process) {
      return;
    }
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
        say.run();
        Runtime.getRuntime().halt(code);
      });
    } catch (IllegalArgumentException e) {
      // no SIGINT on this platform: the JVM's default (exit 130 without the message) stays
    }
  }

  Map<String, String> env() {
    return env;
  }

  Supplier<Console> console() {
    return console;
  }

  Terminal terminal() {
    return terminal;
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required (" + String.join(", ", spec.subcommands().keySet()) + ")");
  }

  public static void main(String[] args) {
    Tool.main(new VrCli(), args);
  }
}
