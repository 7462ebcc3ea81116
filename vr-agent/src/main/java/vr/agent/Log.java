package vr.agent;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** One-line log records on stderr; stdout belongs to supervisord's protocol. */
final class Log {
  private static volatile PrintStream err = System.err;

  private Log() {}

  static void to(PrintStream stream) {
    err = stream;
  }

  static void info(String msg) {
    line("INFO", msg);
  }

  static void warn(String msg) {
    line("WARN", msg);
  }

  static void error(String msg) {
    line("ERROR", msg);
  }

  private static void line(String level, String msg) {
    err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " proc_publisher " + level + " " + msg);
    err.flush();
  }
}
