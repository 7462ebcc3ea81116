package vr.common.model;

/** Writing JSON by hand where three or four fixed keys do not need a JSON library (and its start-up cost). */
public final class JsonText {
  private JsonText() {}

  /**
   * A JSON string literal in printable ASCII: every other character is a backslash, 'u' and four hex digits
   * (one beyond the BMP as its two surrogates), so the output does not depend on the JVM's default charset,
   * which follows the caller's locale: US-ASCII under a bare SSH command or supervisord, which prints any
   * other character as '?'.
   */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            b.append("\\u");
            for (int shift = 12; shift >= 0; shift -= 4) {
              b.append(HEX.charAt((c >> shift) & 0xf));
            }
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static final String HEX = "0123456789abcdef";
}
