package vr.common.container;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as proc.yaml writes them ({@code 256M}, {@code 1G}, {@code 512k}, or plain bytes), read the
 * way the kernel's cgroup files read them: the suffixes are powers of 1024.
 */
public final class MemorySize {
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})([kmgtKMGT]?)[bB]?");

  private MemorySize() {}

  /** Bytes, or throws IllegalArgumentException for anything else. */
  public static long parse(String s) {
    Matcher m = SIZE.matcher(s.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: " + s);
    }
    long n = Long.parseLong(m.group(1));
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size too large: " + s);
    }
    return n << shift;
  }
}
