package vr.server;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import vr.common.VrException;
import vr.common.cli.DebugOption;
import vr.common.cli.Tool;
import vr.common.cli.VersionProvider;

/**
 * The control plane: REST API, persistence, swarm orchestration, events and dashboard. Not built yet
 * (its own issue); today it answers {@code --help} and {@code --version} and says so when started.
 */
@Command(
    name = "vr-server",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "The vr-suite control plane (REST API, swarms, events, dashboard).",
      "",
      "Not implemented in this release: drive builds and deploys with vbuild, vrun, vimage and the",
      "balancer commands of vr.cli (see docs/getting-started.md)."
    })
public final class VrServer implements Callable<Integer> {
  @picocli.CommandLine.Mixin DebugOption debug;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new VrException("the server is not implemented in this release; see docs/getting-started.md for the tool-driven flow");
  }

  /** The suite's version, for the API document. */
  public static String version() {
    return VersionProvider.version();
  }

  public static void main(String[] args) {
    Tool.main(new VrServer(), args);
  }
}
