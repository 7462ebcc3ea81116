package vr.common.model;

import java.util.ArrayList;
import java.util.List;

/**
 * One uptest's outcome, as {@code vrun uptest} prints it and the server reads it: JSON with exactly the
 * original's keys, {@code Name} (the uptest's file name; null when no uptest ran, see {@link #failure}),
 * {@code Output} (its stdout and stderr together) and {@code Passed} (exit status 0). The writer and the
 * reader live here together, so that what the runner prints is what the server parses.
 */
public record UptestResult(String name, String output, boolean passed) {

  /** The name of the entry that reports output around the JSON, as the original's server named it. */
  public static final String UPTESTER = "uptester";

  public UptestResult {
    output = output == null ? "" : output;
  }

  /**
   * The JSON array on one line, as the original's uptester printed it. Written by hand: three fixed keys do
   * not need a JSON library, and loading one costs a CLI start-up a tenth of a second.
   */
  public static String json(List<UptestResult> results) {
    StringBuilder b = new StringBuilder("[");
    for (UptestResult r : results) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append("{\"Name\":").append(r.name() == null ? "null" : JsonText.quote(r.name())).append(",\"Output\":")
          .append(JsonText.quote(r.output())).append(",\"Passed\":").append(r.passed()).append('}');
    }
    return b.append(']').toString();
  }


  /**
   * What a remote {@code vrun uptest} printed, read as the original's server read it (reference 7.7, step 8):
   * the JSON array starts at the first {@code [}; text before it becomes a first, failing entry named
   * {@value #UPTESTER} holding that text (a runner that printed a warning on stdout must not pass silently);
   * output that is no such array becomes one failing {@value #UPTESTER} entry holding all of it. One change:
   * text before the array that is only white space is no entry (the original failed a swarm on a newline).
   * An entry passes only when its {@code Passed} is {@code true}.
   */
  public static List<UptestResult> parse(String output) {
    String text = output == null ? "" : output;
    int start = text.indexOf('[');
    if (start < 0) {
      return List.of(new UptestResult(UPTESTER, text, false));
    }
    List<UptestResult> parsed;
    try {
      parsed = new Reader(text, start).array();
    } catch (IllegalArgumentException e) {
      return List.of(new UptestResult(UPTESTER, text, false));
    }
    String prefix = text.substring(0, start);
    if (prefix.isBlank()) {
      return parsed;
    }
    List<UptestResult> all = new ArrayList<>();
    all.add(new UptestResult(UPTESTER, prefix, false));
    all.addAll(parsed);
    return all;
  }

  /** The uptests of a proc whose {@code vrun uptest} could not run or failed: one failing entry without a name. */
  public static List<UptestResult> failure(String output) {
    return List.of(new UptestResult(null, output, false));
  }

  /** Reads exactly {@code [ {"Name": .., "Output": .., "Passed": ..}, ... ]} and white space; nothing else. */
  private static final class Reader {
    private final String s;
    private int i;

    Reader(String s, int start) {
      this.s = s;
      this.i = start;
    }

    List<UptestResult> array() {
      List<UptestResult> out = new ArrayList<>();
      expect('[');
      space();
      if (peek() == ']') {
        i++;
      } else {
        while (true) {
          out.add(object());
          space();
          char c = next();
          if (c == ']') {
            break;
          }
          if (c != ',') {
            throw new IllegalArgumentException("',' or ']' expected");
          }
        }
      }
      space();
      if (i != s.length()) {
        throw new IllegalArgumentException("text after the array");
      }
      return out;
    }

    private UptestResult object() {
      space();
      expect('{');
      String name = null;
      String output = null;
      boolean passed = false;
      space();
      if (peek() == '}') {
        i++;
        return new UptestResult(null, "", false);
      }
      while (true) {
        space();
        String key = string();
        space();
        expect(':');
        space();
        Object value = value();
        switch (key) {
          case "Name" -> name = value instanceof String v ? v : null;
          case "Output" -> output = value instanceof String v ? v : null;
          case "Passed" -> passed = Boolean.TRUE.equals(value);
          default -> { } // another key: ignored, as the original's reader did
        }
        space();
        char c = next();
        if (c == '}') {
          return new UptestResult(name, output, passed);
        }
        if (c != ',') {
          throw new IllegalArgumentException("',' or '}' expected");
        }
      }
    }

    /** A string, true, false, null or a number (numbers are kept as text; no key of ours holds one). */
    private Object value() {
      char c = peek();
      if (c == '"') {
        return string();
      }
      for (String word : new String[] {"true", "false", "null"}) {
        if (s.startsWith(word, i)) {
          i += word.length();
          return word.equals("null") ? null : Boolean.valueOf(word);
        }
      }
      int from = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      if (from == i) {
        throw new IllegalArgumentException("a value expected");
      }
      return s.substring(from, i);
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return b.toString();
        }
        if (c < 0x20) {
          throw new IllegalArgumentException("control character in a string");
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw new IllegalArgumentException("short \\u escape");
            }
            try {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException x) {
              throw new IllegalArgumentException("bad \\u escape");
            }
            i += 4;
          }
          default -> throw new IllegalArgumentException("bad escape");
        }
      }
    }

    private void space() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private char peek() {
      if (i >= s.length()) {
        throw new IllegalArgumentException("unexpected end");
      }
      return s.charAt(i);
    }

    private char next() {
      char c = peek();
      i++;
      return c;
    }

    private void expect(char c) {
      if (next() != c) {
        throw new IllegalArgumentException("'" + c + "' expected");
      }
    }
  }
}
