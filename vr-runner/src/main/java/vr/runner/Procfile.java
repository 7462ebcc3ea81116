package vr.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vr.common.InputException;

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

  /** The command of {@code procName} in {@code appDir/Procfile}, if the file has it. */
  public static Optional<String> command(Path appDir, String procName) {
    try {
      String text = Files.readString(appDir.resolve("Procfile"), StandardCharsets.UTF_8);
      return Optional.ofNullable(parse(text).get(procName));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new InputException("Procfile: cannot read: " + e.getMessage());
    }
  }
}
