package vr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import vr.common.InputException;
import vr.common.fs.VrPaths;
import vr.common.model.ProcData;
import vr.common.model.ProcName;
import vr.common.supervisor.ProcessInfo;
import vr.common.supervisor.ProgramInstaller;
import vr.common.supervisor.ProgramSection;
import vr.common.supervisor.SupervisorClient;

/**
 * {@code vr.cli supervisor install|remove|status}: put a set-up proc under a host's supervisord and take it
 * out again, the host-side half of a deploy, without the server.
 */
@Command(name = "supervisor", mixinStandardHelpOptions = true,
    description = "Install procs into a host's supervisord, remove them, list them.",
    subcommands = {SupervisorCommand.Install.class, SupervisorCommand.Remove.class, SupervisorCommand.Status.class})
public final class SupervisorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required (install, remove, status)");
  }

  /** Where supervisord is and where its program sections go. */
  static final class Target {
    @Option(names = "--url", paramLabel = "<url>", defaultValue = "${env:SUPERVISOR_SERVER_URL:-http://127.0.0.1:9001}",
        description = "supervisord's XML-RPC: http://[user:password@]host:port or unix:///path/to.sock "
            + "(default: $SUPERVISOR_SERVER_URL, else ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--username", defaultValue = "${env:SUPERVISOR_USERNAME}", description = "Default: $SUPERVISOR_USERNAME.")
    String username;

    @Option(names = "--password", defaultValue = "${env:SUPERVISOR_PASSWORD}", description = "Default: $SUPERVISOR_PASSWORD.")
    String password;

    SupervisorClient client() {
      return SupervisorClient.connect(url, username, password);
    }
  }

  /** Where sections are written: an include dir, or the original's {@code procs/<name>/proc.conf}. */
  static final class Sections {
    @Option(names = "--include-dir", paramLabel = "<dir>",
        description = "Write <dir>/<proc name>.conf (supervisord must [include] <dir>/*.conf). "
            + "Default: <VR_ROOT>/procs/<proc name>/proc.conf, for an [include] of /apps/procs/*/proc.conf.")
    Path includeDir;

    ProgramInstaller installer(SupervisorClient client) {
      return includeDir != null
          ? ProgramInstaller.intoIncludeDir(client, includeDir)
          : ProgramInstaller.intoProcDirs(client, VrPaths.fromEnvironment());
    }
  }

  @Command(name = "install", mixinStandardHelpOptions = true,
      description = {"Run a set-up proc under supervisord: writes its program section atomically, then reloadConfig and",
          "addProcessGroup (it starts at once). Run 'vrun setup PROC_YAML' first.",
          "Example: vr.cli supervisor install /apps/procs/<name>/proc.yaml --url http://vr:secret@127.0.0.1:9001"})
  static final class Install implements Callable<Integer> {
    @Mixin Target target;
    @Mixin Sections sections;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROC_YAML", description = "The proc's proc.yaml, in its proc directory.")
    Path procYaml;

    @Option(names = "--vrun", paramLabel = "<path>", defaultValue = "vrun",
        description = "The vrun command supervisord runs (default: ${DEFAULT-VALUE} on supervisord's PATH).")
    String vrun;

    @Override
    public Integer call() {
      Path yaml = procYaml.toAbsolutePath().normalize();
      ProcName name;
      try {
        name = ProcData.load(yaml).name();
      } catch (IllegalArgumentException e) {
        throw InputException.at(yaml, 0, e.getMessage());
      }
      if (!yaml.getParent().getFileName().toString().equals(name.format())) {
        throw InputException.at(yaml, 0, "must be in a directory named after its proc, " + name.format()
            + " (vrun setup lays it out there)");
      }
      Path file = sections.installer(target.client()).install(ProgramSection.forProc(name, yaml.getParent(), vrun));
      PrintWriter out = spec.commandLine().getOut();
      out.println("installed " + name.format() + " (" + file + ")");
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Stop a proc, remove it from supervisord and delete its program section. Quiet if it is not there.")
  static final class Remove implements Callable<Integer> {
    @Mixin Target target;
    @Mixin Sections sections;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The proc's name (its program name).")
    String name;

    @Override
    public Integer call() {
      if (ProcName.parse(name).isEmpty()) {
        throw new ParameterException(spec.commandLine(), "'" + name + "' is not a proc name (<app>-<version>-<config>-<hash>-<proc>-<port>)");
      }
      sections.installer(target.client()).remove(name);
      spec.commandLine().getOut().println("removed " + name);
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "One line per program: name, state, description.")
  static final class Status implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (ProcessInfo p : target.client().getAllProcessInfo()) {
        out.printf("%-60s %-9s %s%n", p.name(), p.statename(), p.description());
      }
      return 0;
    }
  }
}
