package vr.server.auth;

/** The login form: one small HTML page, no external assets, no script. */
public final class LoginPage {
  private LoginPage() {}

  /**
   * {@code next} when it is a path on this server, else {@code "/"}: only a local path may follow a login, so
   * a crafted link cannot send a user who just logged in to another site.
   */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")) {
      return "/";
    }
    for (int i = 0; i < next.length(); i++) {
      if (next.charAt(i) < 0x20 || next.charAt(i) == 0x7f) {
        return "/";
      }
    }
    return next;
  }

  static String render(String next, String error) {
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Log in · vr-server</title>
        <style>
        body{font-family:system-ui,sans-serif;background:#f4f4f4;margin:0;display:flex;justify-content:center}
        form{background:#fff;margin-top:10vh;padding:2em;border-radius:6px;box-shadow:0 1px 4px #0003;width:18em}
        label{display:block;margin-top:1em}input{width:100%;box-sizing:border-box;padding:.4em}
        button{margin-top:1.5em;padding:.5em 1.5em}.error{color:#b00020}
        </style></head><body>
        <form method="post" action="/login/">
        <h1>vr-server</h1>
        """
        + (error == null ? "" : "<p class=\"error\">" + escape(error) + "</p>\n")
        + """
        <label>Username <input name="username" autocomplete="username" required autofocus></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <input type="hidden" name="next" value="%s">
        <button type="submit">Log in</button>
        </form></body></html>
        """.formatted(escape(safeNext(next)));
  }

  /** HTML-escapes text for an element or a quoted attribute (the dashboard's pages use it too). */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
