package vr.runner;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vr.common.InputException;
import vr.common.fs.Inside;

/**
 * An app's Procfile: {@code <proc name>: <command>} lines; blank lines and {@code #} comments are skipped.
 * Read line by line, as Heroku does, rather than as YAML as the original did (a command holding {@code ": "}
 * or starting with a quote or {@code &} broke its YAML parse).
 */
public final class Procfile {
  private static final Pattern LINE = Pattern.compile("^([A-Za-z0-9_]+)\\s*:\\s*(.*?)\\s*$");

  private Procfile() {}

  /** Process type to command, in file order. */
  public static Map<String, String> parse(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      if (line.isBlank() || line.strip().startsWith("#")) {
        continue;
      }
      Matcher x = LINE.matcher(line);
      if (x.matches() && !x.group(2).isEmpty()) {
        m.putIfAbsent(x.group(1), x.group(2));
      }
    }
    return m;
  }

  /** A Procfile is a few lines; a larger one is not a Procfile. */
  static final int MAX_BYTES = 1 << 20;

  /**
   * The command of {@code procName} in {@code appDir/Procfile}, if the file has it. The build is untrusted: the
   * Procfile is read as the container would see it, never through a link out of the build, and only when it
   * is a regular file of at most {@value #MAX_BYTES} bytes.
   */
  public static Optional<String> command(Path appDir, String procName) {
    try {
      String text = Inside.readText(appDir, "Procfile", MAX_BYTES);
      return text == null ? Optional.empty() : Optional.ofNullable(parse(text).get(procName));
    } catch (InputException e) {
      throw new InputException("the build's " + e.getMessage());
    }
  }
}
