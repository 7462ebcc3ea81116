package vr.common.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import picocli.CommandLine;
import vr.common.VrException;

/**
 * Runs a picocli command the way every vr-suite tool does: exit 0 on success, 1 when the operation
 * failed, 2 on bad usage or bad input; errors as one line {@code <tool>: error: <message>} on stderr,
 * with a stack trace only under {@code --debug}. Tests call {@link #run} in-process.
 */
public final class Tool {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int BAD_INPUT = 2;

  private Tool() {}

  /** Runs {@code command} with {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
  public static int run(Object command, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(command);
    String name = cl.getCommandName();
    boolean debug = Arrays.asList(args).contains("--debug");
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          CommandLine c = ex.getCommandLine();
          err.println(name + ": error: " + ex.getMessage());
          err.println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
          err.flush();
          return BAD_INPUT;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          int code = ex instanceof VrException v ? v.exitCode() : FAILED;
          err.println(name + ": error: " + oneLine(ex));
          if (debug) {
            ex.printStackTrace(err);
          } else if (!(ex instanceof VrException)) {
            err.println(name + ": (an unexpected error; run again with --debug for the stack trace)");
          }
          err.flush();
          return code;
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Entry point for {@code main}: runs against the process's stdout/stderr and exits with the code. */
  public static void main(Object command, String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      // Answer the most common scripted query without initialising picocli, which costs more than the
      // JVM's own start-up (picocli's classes predate Java 6 and cannot be class-data-shared).
      System.out.println(versionLine(command));
      System.exit(OK);
    }
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(command, out, err, args));
  }

  /** What {@code --version} prints: {@code <command name> (vr-suite) <version>}. */
  static String versionLine(Object command) {
    String launched = System.getProperty("vr.tool");
    if (launched != null) {
      return launched + " (vr-suite) " + Version.get();
    }
    CommandLine.Command c = command.getClass().getAnnotation(CommandLine.Command.class);
    String name = c != null && !c.name().isEmpty() ? c.name() : command.getClass().getSimpleName();
    return name + " (vr-suite) " + VersionProvider.version();
  }

  /** The exception's message on one line; the exception class when it has no message. */
  static String oneLine(Throwable ex) {
    String m = ex.getMessage();
    if (m == null || m.isBlank()) {
      m = ex.getClass().getSimpleName();
      if (ex.getCause() != null && ex.getCause().getMessage() != null) {
        m += ": " + ex.getCause().getMessage();
      }
    }
    return m.replace('\n', ' ').replace('\r', ' ').strip();
  }

  /** Captures a run's output, for tests and for embedding. */
  public record Result(int exitCode, String out, String err) {}

  public static Result capture(Object command, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = run(command, new PrintWriter(o), new PrintWriter(e), args);
    return new Result(code, o.toString(), e.toString());
  }
}
