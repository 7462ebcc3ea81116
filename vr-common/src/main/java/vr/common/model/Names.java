package vr.common.model;

import java.nio.charset.StandardCharsets;

/**
 * Checks for a value that becomes one file name on the host, such as an image name ({@code images/<name>/}):
 * it must name a new entry inside its directory, never the directory itself ({@code .}), its parent
 * ({@code ..}) or a path further down. Names of only dots are refused too: {@code image_name: '.'} unpacked
 * a stack into {@code images/contents}, where a later image named {@code contents} would write.
 */
public final class Names {
  /** The longest file name Linux file systems take, in bytes. */
  public static final int MAX_BYTES = 255;

  private Names() {}

  /** What is wrong with {@code name} as a single file name, or null when nothing is. */
  public static String fileNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "must not be empty";
    }
    boolean onlyDots = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/') {
        return "must not contain '/'";
      }
      if (c < 0x20 || c == 0x7f) {
        return "must not contain control characters";
      }
      onlyDots &= c == '.';
    }
    if (onlyDots) {
      return "must not be only dots";
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      return "is " + bytes + " bytes long; a file name may have at most " + MAX_BYTES;
    }
    return null;
  }
}
