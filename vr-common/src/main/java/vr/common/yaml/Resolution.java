package vr.common.yaml;

import java.util.Set;

/**
 * The YAML 1.1 type of a plain scalar ({@code 5000} is an int, {@code yes} a bool, {@code ~} null), exactly as
 * SnakeYAML's {@code Resolver} decides it, including its order of tries and its length limits, without its
 * regular expressions: compiling them is the first 16 ms of every proc.yaml read. {@code ResolutionTest}
 * holds this to the Resolver on a large set of scalars.
 */
final class Resolution {
  private static final Set<String> BOOLS = Set.of("yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE",
      "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF");
  private static final Set<String> NULLS = Set.of("~", "null", "Null", "NULL", " ");

  private Resolution() {}

  /** The tag of the plain scalar {@code v}, as text ({@link Scalars#INT} and so on). */
  static String of(String v) {
    int n = v.length();
    if (n > 0) {
      char c = v.charAt(0);
      if ("yYnNtTfFoO".indexOf(c) >= 0 && n <= 10 && BOOLS.contains(v)) {
        return Scalars.BOOL;
      }
      if (c == '-' || c == '+' || digit(c)) {
        if (n <= 1024 && isInt(v)) {
          return Scalars.INT;
        }
        if (n <= 1024 && isFloat(v)) {
          return Scalars.FLOAT;
        }
        if (digit(c) && n <= 50 && isTimestamp(v)) {
          return Scalars.TIMESTAMP;
        }
      }
      if (c == '.' && n <= 1024 && isFloat(v)) {
        return Scalars.FLOAT;
      }
      if (c == '<' && v.equals("<<")) {
        return Scalars.MERGE;
      }
      if ("~nN".indexOf(c) >= 0 && n <= 10 && NULLS.contains(v)) {
        return Scalars.NULL;
      }
      if ((c == '!' || c == '&' || c == '*') && n == 1) {
        return Scalars.YAML;
      }
    }
    // The Resolver then tries its resolvers for any first character: null and empty.
    if (n <= 10 && (n == 0 || NULLS.contains(v))) {
      return Scalars.NULL;
    }
    return Scalars.STR;
  }

  /** {@code [-+]?} then binary, octal, decimal, hex or base 60, with underscores. */
  static boolean isInt(String v) {
    int i = sign(v);
    int n = v.length();
    if (i >= n) {
      return false;
    }
    if (v.startsWith("0b", i)) {
      return digitsAfterUnderscores(v, i + 2, "01");
    }
    if (v.startsWith("0x", i)) {
      return digitsAfterUnderscores(v, i + 2, "0123456789abcdefABCDEF");
    }
    if (v.charAt(i) == '0') {
      return i + 1 == n || digitsAfterUnderscores(v, i + 1, "01234567");
    }
    if (v.charAt(i) < '1' || v.charAt(i) > '9') {
      return false;
    }
    int j = run(v, i + 1, "0123456789_");
    return j == n || (v.charAt(j) == ':' && sexagesimal(v, j) == n);
  }

  /** The float forms of SnakeYAML's FLOAT expression (YAML 1.2's, with underscores). */
  static boolean isFloat(String v) {
    if (v.equals(".nan") || v.equals(".NaN") || v.equals(".NAN")) {
      return true;
    }
    int i = sign(v);
    int n = v.length();
    if (i >= n) {
      return false;
    }
    String s = v.substring(i);
    if (s.equals(".inf") || s.equals(".Inf") || s.equals(".INF")) {
      return true;
    }
    if (v.charAt(i) == '.') {
      int j = run(v, i + 1, "0123456789_");
      return j > i + 1 && exponentToEnd(v, j, true);
    }
    if (!digit(v.charAt(i))) {
      return false;
    }
    int j = run(v, i + 1, "0123456789_");
    if (j == n) {
      return false;
    }
    char c = v.charAt(j);
    if (c == '.') {
      return exponentToEnd(v, run(v, j + 1, "0123456789_"), true);
    }
    if (c == 'e' || c == 'E') {
      return exponentToEnd(v, j, false);
    }
    if (c == ':') {
      int k = sexagesimal(v, j);
      return k >= 0 && k < n && v.charAt(k) == '.' && run(v, k + 1, "0123456789_") == n;
    }
    return false;
  }

  /** {@code yyyy-mm-dd}, or a date and time with optional fraction and zone, as SnakeYAML's TIMESTAMP. */
  static boolean isTimestamp(String v) {
    int n = v.length();
    if (n < 8 || !digits(v, 0, 4) || v.charAt(4) != '-') {
      return false;
    }
    if (n == 10 && digits(v, 5, 2) && v.charAt(7) == '-' && digits(v, 8, 2)) {
      return true;
    }
    int i = oneOrTwoDigits(v, 5);
    if (i < 0 || i >= n || v.charAt(i) != '-') {
      return false;
    }
    i = oneOrTwoDigits(v, i + 1);
    if (i < 0 || i >= n) {
      return false;
    }
    if (v.charAt(i) == 'T' || v.charAt(i) == 't') {
      i++;
    } else {
      int j = run(v, i, " \t");
      if (j == i) {
        return false;
      }
      i = j;
    }
    i = oneOrTwoDigits(v, i);
    if (i < 0 || i + 6 > n || v.charAt(i) != ':' || !digits(v, i + 1, 2) || v.charAt(i + 3) != ':'
        || !digits(v, i + 4, 2)) {
      return false;
    }
    i += 6;
    if (i < n && v.charAt(i) == '.') {
      i = run(v, i + 1, "0123456789");
    }
    if (i == n) {
      return true;
    }
    i = run(v, i, " \t");
    if (i < n && v.charAt(i) == 'Z') {
      return i + 1 == n;
    }
    if (i >= n || (v.charAt(i) != '-' && v.charAt(i) != '+')) {
      return false;
    }
    i = oneOrTwoDigits(v, i + 1);
    if (i < 0) {
      return false;
    }
    return i == n || (v.charAt(i) == ':' && i + 3 == n && digits(v, i + 1, 2));
  }

  private static int sign(String v) {
    return !v.isEmpty() && (v.charAt(0) == '-' || v.charAt(0) == '+') ? 1 : 0;
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The index after the longest run of characters from {@code chars} starting at {@code i}. */
  private static int run(String v, int i, String chars) {
    while (i < v.length() && chars.indexOf(v.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  /** {@code _*[d][d_]*} to the end, for the digits {@code d}. */
  private static boolean digitsAfterUnderscores(String v, int i, String d) {
    i = run(v, i, "_");
    return i < v.length() && d.indexOf(v.charAt(i)) >= 0 && run(v, i + 1, d + "_") == v.length();
  }

  /** {@code (:[0-5]?[0-9])+} from {@code i}: the index after it, or -1. */
  private static int sexagesimal(String v, int i) {
    int n = v.length();
    boolean any = false;
    while (i < n && v.charAt(i) == ':') {
      if (i + 2 < n && v.charAt(i + 1) >= '0' && v.charAt(i + 1) <= '5' && digit(v.charAt(i + 2))) {
        i += 3;
      } else if (i + 1 < n && digit(v.charAt(i + 1))) {
        i += 2;
      } else {
        return any ? i : -1;
      }
      any = true;
    }
    return any ? i : -1;
  }

  /** An exponent {@code [eE][-+]?[0-9]+} at {@code i} (optional or not), then the end. */
  private static boolean exponentToEnd(String v, int i, boolean optional) {
    int n = v.length();
    if (i == n) {
      return optional;
    }
    if (v.charAt(i) != 'e' && v.charAt(i) != 'E') {
      return false;
    }
    i++;
    if (i < n && (v.charAt(i) == '-' || v.charAt(i) == '+')) {
      i++;
    }
    int j = run(v, i, "0123456789");
    return j > i && j == n;
  }

  private static boolean digits(String v, int i, int count) {
    if (i + count > v.length()) {
      return false;
    }
    for (int k = i; k < i + count; k++) {
      if (!digit(v.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  /** One or two digits at {@code i}: the index after them, or -1. */
  private static int oneOrTwoDigits(String v, int i) {
    if (i >= v.length() || !digit(v.charAt(i))) {
      return -1;
    }
    return i + 1 < v.length() && digit(v.charAt(i + 1)) ? i + 2 : i + 1;
  }
}
