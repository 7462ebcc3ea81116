package vr.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import vr.cli.api.ServerClient;
import vr.common.InputException;

/** {@code vr.cli deploy RELEASE HOST PORT PROC [-c CONFIG]}: one proc of a release on one host, by hand. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = {"Deploy release RELEASE (its numeric id) to HOST as proc PROC on PORT (0 for a worker without one).",
        "The server queues it; prints 'deploy of release <id> as <proc> to <host>:<port> queued (trace <trace>)'.",
        "Example: vr.cli deploy 42 web-01 5003 web -c prod"})
final class DeployCommand extends ServerCommand {
  @Parameters(index = "0", paramLabel = "RELEASE", description = "The release's id (a number).")
  String release;

  @Parameters(index = "1", paramLabel = "HOST", description = "The host's name, as the server knows it.")
  String host;

  @Parameters(index = "2", paramLabel = "PORT", description = "The port, 0-65535.")
  int port;

  @Parameters(index = "3", paramLabel = "PROC", description = "The proc (a Procfile line's name).")
  String proc;

  @Option(names = {"-c", "--config-name"}, paramLabel = "CONFIG", defaultValue = "prod", description = "The config name (default: ${DEFAULT-VALUE}).")
  String config;

  @Override
  public Integer call() {
    if (!release.matches("[0-9]+")) {
      throw new InputException("RELEASE: must be a release's numeric id, not " + InputException.quote(release));
    }
    ServerClient client = client();
    try {
      client.get("api/v1/releases/" + release + "/");
    } catch (ServerClient.NotFound e) {
      throw new InputException("no release " + release + " on the server");
    }
    String trace = ServerClient.json(client.post("api/v1/releases/" + release + "/deploy/",
        Map.of("host", host, "port", port, "proc", proc, "config_name", config))).path("trace_id").asText();
    out().println("deploy of release " + release + " as " + proc + " to " + host + ":" + port + " queued (trace " + trace + ")");
    return 0;
  }
}
