package vr.common.cli;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * The {@link System.Logger} of the suite's tools: warnings and errors go to stderr as one line each, the rest
 * is dropped. Installed through {@code META-INF/services} so that a library logging through
 * {@code System.getLogger} (SnakeYAML does, as soon as it is first used) does not start
 * {@code java.util.logging}: the JDK's default finder initialises the whole LogManager, reading its
 * configuration, which cost vrun ~15 ms on every proc start.
 */
public final class StderrLoggerFinder extends System.LoggerFinder {
  @Override
  public System.Logger getLogger(String name, Module module) {
    return new StderrLogger(name);
  }

  /** One named logger; WARNING and above are printed. */
  static final class StderrLogger implements System.Logger {
    private final String name;

    StderrLogger(String name) {
      this.name = name;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return level != Level.OFF && level.getSeverity() >= Level.WARNING.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (isLoggable(level)) {
        System.err.println(line(level, msg, thrown));
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (isLoggable(level)) {
        String msg = params == null || params.length == 0 ? format : MessageFormat.format(format, params);
        System.err.println(line(level, msg, null));
      }
    }

    @Override
    public void log(Level level, Supplier<String> msgSupplier) {
      if (isLoggable(level)) {
        System.err.println(line(level, msgSupplier.get(), null));
      }
    }

    String line(Level level, String msg, Throwable thrown) {
      String text = level.getName().toLowerCase(java.util.Locale.ROOT) + ": " + name + ": " + msg;
      return thrown == null ? text : text + " (" + thrown + ")";
    }
  }
}
