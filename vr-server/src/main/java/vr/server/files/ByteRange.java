package vr.server.files;

import java.util.Locale;

/**
 * What a {@code Range} header asks of a representation of {@code size} bytes (RFC 9110 section 14): one of the
 * three single-range forms {@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}. A header that is absent,
 * malformed, in another unit or asks for several ranges is ignored (the whole content, 200), which the RFC allows.
 */
public sealed interface ByteRange {
  /** Serve everything (200). */
  record Full() implements ByteRange {}

  /** Serve bytes {@code first..last} inclusive (206). */
  record Part(long first, long last) implements ByteRange {
    public long length() {
      return last - first + 1;
    }

    /** The {@code Content-Range} value. */
    public String contentRange(long size) {
      return "bytes " + first + "-" + last + "/" + size;
    }
  }

  /** Nothing of the content matches (416, {@code Content-Range: bytes *}{@code /size}). */
  record Unsatisfiable() implements ByteRange {}

  ByteRange FULL = new Full();
  ByteRange UNSATISFIABLE = new Unsatisfiable();

  static ByteRange parse(String header, long size) {
    if (header == null) {
      return FULL;
    }
    String h = header.strip();
    int eq = h.indexOf('=');
    if (eq < 0 || !h.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
      return FULL;
    }
    String spec = h.substring(eq + 1).strip();
    if (spec.indexOf(',') >= 0) {
      return FULL;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return FULL;
    }
    String a = spec.substring(0, dash).strip();
    String b = spec.substring(dash + 1).strip();
    if (a.isEmpty()) {
      long n = number(b);
      if (n < 0) {
        return FULL;
      }
      if (n == 0 || size == 0) {
        return UNSATISFIABLE;
      }
      return new Part(Math.max(0, size - n), size - 1);
    }
    long first = number(a);
    if (first < 0) {
      return FULL;
    }
    long last = size - 1;
    if (!b.isEmpty()) {
      last = number(b);
      if (last < 0 || last < first) {
        return FULL;
      }
    }
    if (first >= size) {
      return UNSATISFIABLE;
    }
    return new Part(first, Math.min(last, size - 1));
  }

  /** A non-negative decimal; a number too large for a long saturates; anything else is -1. */
  private static long number(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      if (v > (Long.MAX_VALUE - 9) / 10) {
        v = Long.MAX_VALUE / 2; // far past any content; keeps first <= last comparisons meaningful
      } else {
        v = v * 10 + (c - '0');
      }
    }
    return v;
  }
}
