package vr.imager.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import vr.common.cli.Tool;
import vr.common.cli.VersionProvider;

/** {@code vimage}: Build stack images from a base image and a provisioning script. */
@Command(
    name = "vimage",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Build stack images from a base image and a provisioning script.")
public final class VimageCommand implements Runnable {

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "a command is required; see --help");
  }

  /** In-process entry for tests: runs {@code vimage args} and returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return Tool.run(new VimageCommand(), out, err, args);
  }

  public static void main(String[] args) {
    Tool.main(new VimageCommand(), args);
  }
}
