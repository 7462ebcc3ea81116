package vr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vr.cli build APP TAG}: a new build of the app at the tag, started on the server's build host. */
@Command(name = "build", mixinStandardHelpOptions = true,
    description = {"Build APP at TAG on the server's build host (a new build record, then POST <build>/build/).",
        "Prints 'build <id> of <app>-<tag> started (trace <trace>)'; the build's events carry the trace.",
        "Example: vr.cli build shop v2"})
final class BuildCommand extends ServerCommand {
  @Parameters(index = "0", paramLabel = "APP", description = "The app's name.")
  String app;

  @Parameters(index = "1", paramLabel = "TAG", description = "The tag (or branch, or commit) to build.")
  String tag;

  @Override
  public Integer call() {
    Builds.Started b = Builds.assemble(client(), app, tag);
    out().println("build " + b.id() + " of " + app + "-" + tag + " started (trace " + b.trace() + ")");
    return 0;
  }
}
