package vr.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import vr.common.cli.DebugOption;
import vr.common.cli.Tool;
import vr.common.cli.VersionProvider;
import vr.server.auth.CreateUserCommand;
import vr.server.config.ServerSettings;

/**
 * The control plane: records, REST API, authentication, storage, events and live procs on hosts. With no
 * subcommand it serves until stopped (SIGTERM drains requests, then closes SSH, Redis and the database).
 */
@Command(
    name = "vr-server",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    subcommands = {CreateUserCommand.class},
    description = {
      "The vr-suite control plane: REST API under /api/v1/, event streams, build storage, live procs.",
      "",
      "With no arguments it serves on 127.0.0.1:8000 with an embedded database in its data directory",
      "($VR_DATA_DIR, else /var/lib/vr-server as root, else ~/.vr-server) and Redis at $REDIS_URL",
      "(default redis://localhost:6379). It starts when Redis is down, says so, and reconnects.",
      "",
      "Settings: a YAML file (--config, or $APP_SETTINGS_YAML) with the original's names: BALANCERS,",
      "PORT_RANGE_START/END, EVENTS_*, BUILD_EXPIRATION_*, API_LIMIT_PER_PAGE, and DATABASE_URL, DATA_DIR,",
      "BIND, PORT, REDIS_URL, DEPLOY_USER, SSH_KEY, SSH_KNOWN_HOSTS, SSH_SUDO, SUPERVISOR_SOCKET.",
      "Secrets come from the environment or files: VR_DATABASE_PASSWORD(_FILE), the password in REDIS_URL.",
      "",
      "First user:  printf '%s\\n' \"$PASSWORD\" | vr-server create-user alice --admin",
      "Then:        curl -u alice http://127.0.0.1:8000/api/v1/apps/   (docs/server.md)"
    })
public final class VrServer implements Callable<Integer> {
  @picocli.CommandLine.Mixin DebugOption debug;
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "<file>", description = "Settings file (default: $APP_SETTINGS_YAML).")
  Path config;

  @Option(names = "--port", paramLabel = "<port>", description = "Port to listen on (default 8000, or PORT in the settings).")
  Integer port;

  @Option(names = "--bind", paramLabel = "<address>", description = "Address to listen on (default 127.0.0.1).")
  String bind;

  @Option(names = "--data-dir", paramLabel = "<dir>", description = "Data directory: the embedded database and stored files.")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    ServerSettings settings = ServerSettings.load(ServerSettings.file(config, System.getenv()), System.getenv())
        .withListen(bind, port, dataDir);
    Server server = Server.start(settings, line -> spec.commandLine().getErr().println("vr-server: " + line));
    spec.commandLine().getOut().println("vr-server: listening on http://" + settings.bind() + ":" + server.port()
        + "/ (data in " + settings.dataDir() + ")");
    spec.commandLine().getOut().flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "vr-server-stop"));
    stopped.await();
    return 0;
  }

  /** The suite's version, for the API document. */
  public static String version() {
    return VersionProvider.version();
  }

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.setProperty("org.slf4j.simpleLogger.log.vr.server", "info");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    Tool.main(new VrServer(), args);
  }
}
