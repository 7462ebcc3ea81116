package vr.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import vr.common.cli.DebugOption;
import vr.common.cli.Tool;
import vr.common.cli.VersionProvider;

/** {@code vr.cli}: the operator's terminal tool. Subcommands: {@code pool} (balancer pools, without the server). */
@Command(
    name = "vr.cli",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Operate a vr-suite installation from a terminal.",
    subcommands = {PoolCommand.class, SupervisorCommand.class})
public final class VrCli implements Callable<Integer> {
  @Mixin DebugOption debug;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required (" + String.join(", ", spec.subcommands().keySet()) + ")");
  }

  public static void main(String[] args) {
    Tool.main(new VrCli(), args);
  }
}
