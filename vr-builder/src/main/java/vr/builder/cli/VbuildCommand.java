package vr.builder.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import vr.common.cli.Tool;
import vr.common.cli.VersionProvider;

/** {@code vbuild}: Build apps with buildpacks in containers. */
@Command(
    name = "vbuild",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Build apps with buildpacks in containers.")
public final class VbuildCommand implements Runnable {

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "a command is required; see --help");
  }

  /** In-process entry for tests: runs {@code vbuild args} and returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return Tool.run(new VbuildCommand(), out, err, args);
  }

  public static void main(String[] args) {
    Tool.main(new VbuildCommand(), args);
  }
}
