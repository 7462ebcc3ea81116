package vr.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import vr.cli.api.Credentials;
import vr.cli.api.ServerClient;

/** A command that talks to the server: options, client, output streams and terminal, in one place. */
abstract class ServerCommand implements Callable<Integer> {
  @ParentCommand VrCli root;
  @Mixin ServerOptions server;
  @Spec CommandSpec spec;

  private ServerClient client;

  /** The client, made on first use (the password prompt, if any, comes then). */
  ServerClient client() {
    if (client == null) {
      java.net.URI base = ServerClient.parseBase(server.url != null ? server.url : root.env().get("VELOCIRAPTOR_URL"));
      client = new ServerClient(base, Credentials.resolve(root.env(), server.username, server.tokenFile, root.console(),
          base.getHost()));
    }
    return client;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** The original's "Matched N apps" and the names (with each one's version). */
  static void printMatches(PrintWriter to, List<Swarms.Swarm> matched) {
    to.println("Matched " + matched.size() + " apps");
    matched.forEach(s -> to.println("  " + s.name() + " [" + s.version() + "]"));
    to.flush();
  }

  /** The original's --countdown: five seconds to think again (Ctrl-C), counted on stderr. */
  void countdown(String what) throws InterruptedException {
    for (int i = 5; i > 0; i--) {
      err().print("\r" + what + " in " + i + " sec ");
      err().flush();
      Thread.sleep(1000);
    }
    err().println();
  }

  Terminal term() {
    return root.terminal();
  }
}
