package vr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import vr.common.InputException;
import vr.common.balancer.Balancer;
import vr.common.balancer.BalancerSsh;
import vr.common.balancer.Balancers;
import vr.common.balancer.ChangeResult;
import vr.common.model.Node;
import vr.common.ssh.SshHosts;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/**
 * {@code vr.cli pool get|add|delete}: inspect and repair a balancer pool directly, without the server (e.g.
 * when a squad loses a host). The balancers come from a YAML file with the server's {@code BALANCERS}
 * setting; the SSH client is opened for the run with the chosen balancer's SSH settings and closed after it.
 */
@Command(name = "pool", description = "Show or change a load balancer pool.", mixinStandardHelpOptions = true,
    subcommands = {PoolCommand.Get.class, PoolCommand.Add.class, PoolCommand.Delete.class})
public final class PoolCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required (get, add, delete)");
  }

  /** The arguments every pool subcommand shares. */
  static final class Target {
    @Option(names = "--balancers", paramLabel = "<file.yaml>", defaultValue = "${env:VR_BALANCERS}",
        description = "YAML file with BALANCERS: {<name>: {BACKEND: ..., ...}} (default: $VR_BALANCERS).")
    Path file;

    @Parameters(index = "0", paramLabel = "<balancer>", description = "The balancer's name in the file.")
    String balancer;

    @Parameters(index = "1", paramLabel = "<pool>", description = "The pool's name.")
    String pool;

    /** The balancer, with an SSH client opened for this run from its settings; close it when done. */
    Opened open(CommandSpec spec) {
      if (file == null) {
        throw new ParameterException(spec.commandLine(), "--balancers <file.yaml> is required (or set VR_BALANCERS)");
      }
      YamlMap root = Yaml.load(file);
      SshHosts ssh = SshHosts.start(BalancerSsh.settings(root, balancer));
      try {
        Balancers all = Balancers.from(root, ssh);
        PrintWriter err = spec.commandLine().getErr();
        for (String w : all.warnings()) {
          err.println("vr.cli: warning: " + w);
        }
        return new Opened(all.get(balancer), ssh);
      } catch (RuntimeException e) {
        ssh.close();
        throw e;
      }
    }
  }

  /** A balancer and the SSH client it reaches its hosts through, closed together. */
  record Opened(Balancer balancer, SshHosts ssh) implements AutoCloseable {
    @Override
    public void close() {
      ssh.close();
    }
  }

  static List<Node> nodes(List<String> args) {
    List<Node> out = new ArrayList<>();
    for (String a : args) {
      try {
        out.add(Node.parse(a));
      } catch (IllegalArgumentException e) {
        throw new InputException("bad node " + InputException.quote(a) + ": " + e.getMessage());
      }
    }
    return out;
  }

  static void report(PrintWriter out, Target t, ChangeResult r) {
    out.println("pool " + t.pool + " on " + t.balancer + ": " + r.describe());
  }

  @Command(name = "get", description = "Print the pool's nodes, one host:port a line.", mixinStandardHelpOptions = true)
  static final class Get implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Opened o = target.open(spec)) {
        for (Node n : o.balancer().getNodes(target.pool)) {
          out.println(n);
        }
      }
      return 0;
    }
  }

  @Command(name = "add", description = "Add nodes to the pool (creating it).", mixinStandardHelpOptions = true)
  static final class Add implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Parameters(index = "2..*", paramLabel = "<host:port>", arity = "1..*", description = "Nodes to add.")
    List<String> nodes = new ArrayList<>();

    @Override
    public Integer call() {
      List<Node> n = nodes(nodes);
      try (Opened o = target.open(spec)) {
        report(spec.commandLine().getOut(), target, o.balancer().addNodes(target.pool, n));
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete nodes from the pool, or the pool itself.", mixinStandardHelpOptions = true)
  static final class Delete implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Parameters(index = "2..*", paramLabel = "<host:port>", arity = "0..*", description = "Nodes to delete.")
    List<String> nodes = new ArrayList<>();

    @Option(names = "--whole-pool", description = "Delete the pool itself (no nodes given).")
    boolean wholePool;

    @Option(names = "--if-empty", description = "After deleting the nodes, delete the pool if it is empty.")
    boolean ifEmpty;

    @Override
    public Integer call() {
      boolean valid = wholePool ? nodes.isEmpty() : !nodes.isEmpty() || ifEmpty;
      if (!valid) {
        throw new ParameterException(spec.commandLine(), wholePool
            ? "--whole-pool deletes the pool: give no nodes with it"
            : "give the nodes to delete, or --whole-pool, or --if-empty");
      }
      List<Node> n = nodes(nodes);
      PrintWriter out = spec.commandLine().getOut();
      try (Opened o = target.open(spec)) {
        Balancer b = o.balancer();
        if (wholePool) {
          report(out, target, b.deletePool(target.pool));
          return 0;
        }
        if (!n.isEmpty()) {
          report(out, target, b.deleteNodes(target.pool, n));
        }
        if (ifEmpty) {
          report(out, target, b.deletePoolIfEmpty(target.pool));
        }
      }
      return 0;
    }
  }
}
