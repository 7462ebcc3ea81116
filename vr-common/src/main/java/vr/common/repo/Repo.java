package vr.common.repo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import vr.common.fs.VrPaths;

/**
 * What the suite knows about a repository URL without touching a store: its {@code #fragment} (which pins a
 * revision), the URL without it, the reference's {@code basename(url)}, and whether it is git or Mercurial.
 * {@link RepoStore} is what fetches and reads repositories.
 */
public final class Repo {
  /** The version control systems the suite works with. */
  public enum Vcs {
    GIT, HG;

    /** The VCS named as in app.yaml's {@code app_repo_type}: {@code git} or {@code hg}. */
    public static Vcs named(String type) {
      return switch (type) {
        case "git" -> GIT;
        case "hg" -> HG;
        default -> throw new IllegalArgumentException("unknown repository type " + type);
      };
    }
  }

  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://([^/]*)(.*)$");
  private static final Pattern USERINFO_PASSWORD = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://[^/@:]*:)[^/@]*@");
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  private Repo() {}

  /** The URL without its {@code #fragment} and surrounding blanks. */
  public static String withoutFragment(String url) {
    String u = url.strip();
    int cut = u.indexOf('#');
    return cut < 0 ? u : u.substring(0, cut);
  }

  /**
   * The URL as messages may show it: a password in its user info ({@code https://user:secret@host/...}) becomes
   * {@code ***}, so that no error, progress line or log carries it.
   */
  public static String redacted(String url) {
    return USERINFO_PASSWORD.matcher(url).replaceFirst("$1***@");
  }

  /** {@code text} (a message about {@code url}) with the password of {@code url}'s user info, if any, as {@code ***}. */
  public static String redacted(String text, String url) {
    var m = USERINFO_PASSWORD.matcher(url);
    if (!m.find()) {
      return text;
    }
    String password = url.substring(m.end(1), m.end() - 1);
    return password.isEmpty() ? text : text.replace(password, "***");
  }

  /** The URL's {@code #fragment}, or null when it has none (or an empty one). */
  public static String fragment(String url) {
    String u = url.strip();
    int cut = u.indexOf('#');
    return cut < 0 || cut == u.length() - 1 ? null : u.substring(cut + 1);
  }

  /**
   * The reference's {@code basename(url)} for a repository: {@link VrPaths#basename} (blanks, fragment, query
   * and trailing {@code /} dropped, the last path segment) without a {@code .git} suffix.
   */
  public static String basename(String url) {
    String b = VrPaths.basename(url);
    return b.endsWith(".git") ? b.substring(0, b.length() - 4) : b;
  }

  /**
   * The VCS of the repository a store at {@code store} keeps for {@code url}: Mercurial for an {@code hg+}
   * prefix, else what an existing store holds, else {@link #guessVcs}, else git (buildpack URLs carry no type,
   * and git is what they nearly always are).
   */
  public static Vcs storeVcs(String url, Path store) {
    if (withoutFragment(url).startsWith("hg+")) {
      return Vcs.HG;
    }
    return folderVcs(store).or(() -> guessVcs(url)).orElse(Vcs.GIT);
  }

  /**
   * Guesses the VCS of a URL: an {@code hg+} prefix means Mercurial; scheme {@code git} or a path ending in
   * {@code .git} or the host github.com means git; a local path or file URL is looked into; an http(s) server
   * answering with a Python BaseHTTP {@code Server} header is {@code hg serve}. Empty when unknown (svn is not
   * supported).
   */
  public static Optional<Vcs> guessVcs(String url) {
    String u = withoutFragment(url);
    if (u.startsWith("hg+")) {
      return Optional.of(Vcs.HG);
    }
    while (u.endsWith("/") && u.length() > 1) {
      u = u.substring(0, u.length() - 1);
    }
    var m = SCHEME.matcher(u);
    String scheme = m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    String host = m.matches() ? m.group(2).replaceFirst("^.*@", "").replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT) : null;
    if (scheme == null) {
      Optional<SshUrl> scp = SshUrl.parse(u);
      if (scp.isPresent()) {
        scheme = "ssh";
        host = scp.get().host().toLowerCase(Locale.ROOT);
      }
    }
    if ("git".equals(scheme) || (scheme != null && scheme.startsWith("git+"))) {
      return Optional.of(Vcs.GIT);
    }
    if ("svn".equals(scheme)) {
      return Optional.empty();
    }
    if (u.endsWith(".git") || "github.com".equals(host)) {
      return Optional.of(Vcs.GIT);
    }
    if (scheme == null || "file".equals(scheme)) {
      Path p = scheme == null ? Path.of(u) : Path.of(URI.create(u));
      return folderVcs(p);
    }
    if ("http".equals(scheme) || "https".equals(scheme)) {
      return probeHttp(u);
    }
    return Optional.empty();
  }

  /** The VCS of a working copy, bare git repository or store at {@code folder}, if any. */
  public static Optional<Vcs> folderVcs(Path folder) {
    if (Files.exists(folder.resolve(".git"))) {
      return Optional.of(Vcs.GIT);
    }
    if (Files.isDirectory(folder.resolve(".hg"))) {
      return Optional.of(Vcs.HG);
    }
    if (Files.isRegularFile(folder.resolve("HEAD")) && Files.isDirectory(folder.resolve("objects"))) {
      return Optional.of(Vcs.GIT); // bare
    }
    return Optional.empty();
  }

  /** {@code hg serve} and hgweb behind Python's http.server say so in their Server header. */
  private static Optional<Vcs> probeHttp(String u) {
    try {
      HttpClient c = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<Void> r = c.send(HttpRequest.newBuilder(URI.create(u)).timeout(PROBE_TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      String server = r.headers().firstValue("Server").orElse("").toLowerCase(Locale.ROOT);
      return server.matches(".*basehttp.*python.*") ? Optional.of(Vcs.HG) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
