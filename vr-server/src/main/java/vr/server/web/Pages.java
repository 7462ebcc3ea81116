package vr.server.web;

import static vr.server.auth.LoginPage.escape;

import java.util.Map;

/**
 * The HTML shell every dashboard page shares: landmarks (header with the navigation, main, footer), a logout
 * form (a POST, so a link elsewhere cannot log anyone out), and the page's name and parameters as
 * {@code data-} attributes for {@code dashboard.js}. No inline script or style, so the CSP can forbid both.
 */
final class Pages {
  private static final String[][] NAV = {
      {"/", "Procs"}, {"/swarms/", "Swarms"}, {"/events/", "Events"}, {"/builds/", "Builds"},
      {"/testruns/", "Test runs"}, {"/records/apps/", "Apps"}, {"/records/buildpacks/", "Buildpacks"},
      {"/records/stacks/", "Stacks"}, {"/records/images/", "Images"}, {"/records/squads/", "Squads"},
      {"/records/hosts/", "Hosts"}, {"/records/ingredients/", "Ingredients"}};

  private Pages() {}

  static String shell(String page, String title, Map<String, String> data) {
    StringBuilder b = new StringBuilder(2048);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(escape(title)).append(" · vr-server</title>")
        .append("<link rel=\"stylesheet\" href=\"/ui/dashboard.css\">")
        .append("<script src=\"/ui/dashboard.js\" defer></script></head>\n<body>")
        .append("<a class=\"skip\" href=\"#main\">Skip to content</a>")
        .append("<header><nav aria-label=\"Main\"><ul>");
    for (String[] n : NAV) {
      b.append("<li><a href=\"").append(n[0]).append("\">").append(n[1]).append("</a></li>");
    }
    b.append("</ul></nav><form method=\"post\" action=\"/logout/\" class=\"logout\">")
        .append("<button type=\"submit\">Log out</button></form></header>\n")
        .append("<main id=\"main\" tabindex=\"-1\" data-page=\"").append(escape(page)).append('"');
    for (var e : data.entrySet()) {
      b.append(" data-").append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
    }
    b.append("><h1>").append(escape(title)).append("</h1><p class=\"loading\">Loading…</p></main>\n")
        .append("<footer><span id=\"live\" role=\"status\" aria-live=\"polite\"></span></footer></body></html>\n");
    return b.toString();
  }
}
