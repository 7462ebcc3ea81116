package vr.server.auth;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.jdbi.v3.core.Jdbi;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Authenticator;
import vr.server.api.Principal;
import vr.server.store.Database;

/**
 * Finds the caller of a request: {@code Authorization: Basic} (the original's client), {@code Authorization:
 * Bearer <token>} (scripts), or the session cookie (browsers), then checks the route's {@link Access}.
 * Unlike the original, no route but the explicitly {@code PUBLIC} ones is anonymous (its Profile and Dashboard
 * resources were).
 *
 * <p>Refusals: 401 with {@code WWW-Authenticate: Basic realm="vr-server"}; a browser asking for a page (GET,
 * {@code Accept: text/html}, outside {@code /api/}) is sent to {@code /login/?next=...} instead; 403 for a
 * non-admin on an {@code ADMIN} route; 429 (with {@code Retry-After}) when a username and address have failed
 * too often (see {@link LoginThrottle}).
 */
public final class ServerAuthenticator implements Authenticator {
  public static final String COOKIE = "vr_session";
  public static final String REALM = "vr-server";
  /** The principal of a {@code PUBLIC} route. */
  public static final Principal ANONYMOUS = new Principal("(anonymous)", false);

  private static final String USER = "vr.auth.user";

  private final Users users;
  private final Tokens tokens;
  private final Sessions sessions;
  private final Passwords passwords;
  private final LoginThrottle throttle;
  private final BasicCache cache;
  private final Predicate<Context> signedUrl;

  /**
   * @param signedUrl decides a {@code SIGNED} route's request that carries no credentials (the file store's
   *     signature check); {@code ctx -> false} when there is none
   */
  public ServerAuthenticator(Database db, AuthSettings settings, Predicate<Context> signedUrl) {
    this(db.jdbi(), settings, signedUrl, Clock.systemUTC());
  }

  ServerAuthenticator(Jdbi jdbi, AuthSettings settings, Predicate<Context> signedUrl, Clock clock) {
    this.passwords = new Passwords(settings.passwordCost());
    this.users = new Users(jdbi, passwords, clock);
    this.tokens = new Tokens(jdbi, clock);
    this.sessions = new Sessions(jdbi, clock, settings.sessionLifetime());
    this.throttle = new LoginThrottle(settings.maxFailures(), settings.failureWindow(), clock);
    this.cache = new BasicCache(settings.basicCacheTtl(), clock);
    this.signedUrl = signedUrl;
  }

  public Users users() {
    return users;
  }

  public Tokens tokens() {
    return tokens;
  }

  public Sessions sessions() {
    return sessions;
  }

  @Override
  public Principal authenticate(Context ctx, Access access) {
    if (access == Access.PUBLIC) {
      return ANONYMOUS;
    }
    User u = identify(ctx);
    if (u == null) {
      if (access == Access.SIGNED && signedUrl.test(ctx)) {
        return Principal.SIGNED_URL;
      }
      throw refuse(ctx, "authentication required: HTTP Basic, a bearer token or a session");
    }
    if (access == Access.ADMIN && !u.admin()) {
      throw ApiException.forbidden("this needs an admin");
    }
    ctx.attribute(USER, u);
    return u.principal();
  }

  /** The authenticated user of a non-{@code PUBLIC} route (after {@link #authenticate}); empty for a signed URL. */
  public static Optional<User> user(Context ctx) {
    return Optional.ofNullable(ctx.attribute(USER));
  }

  /**
   * Checks a username and password for the login form: throttled, no cache, and timing alike for unknown
   * names. On success, opens a session, sets its cookie and returns the user; empty on a bad pair.
   */
  public Optional<User> login(Context ctx, String username, String password) {
    User u = check(ctx, username, password, false);
    if (u == null) {
      return Optional.empty();
    }
    users.touchLogin(u.id());
    String id = sessions.create(u.id());
    ctx.cookie(cookie(ctx, id, (int) sessions.lifetime().toSeconds()));
    return Optional.of(u);
  }

  /** Ends the request's session, if any, and clears its cookie. */
  public void logout(Context ctx) {
    String id = ctx.cookie(COOKIE);
    if (id != null) {
      sessions.delete(id);
      ctx.cookie(cookie(ctx, "", 0));
    }
  }

  private User identify(Context ctx) {
    String header = ctx.header("Authorization");
    if (header != null && !header.isBlank()) {
      String h = header.strip();
      int sp = h.indexOf(' ');
      String scheme = (sp < 0 ? h : h.substring(0, sp)).toLowerCase(Locale.ROOT);
      String value = sp < 0 ? "" : h.substring(sp + 1).strip();
      return switch (scheme) {
        case "basic" -> basic(ctx, value);
        case "bearer" -> tokens.user(value).orElseThrow(() -> unauthorized(ctx, "the bearer token is unknown or revoked"));
        default -> throw unauthorized(ctx, "unsupported Authorization scheme (use Basic or Bearer)");
      };
    }
    String id = ctx.cookie(COOKIE);
    if (id != null) {
      Optional<User> u = sessions.user(id);
      if (u.isPresent()) {
        if (unsafe(ctx.method()) && !sameOrigin(ctx)) {
          // SameSite=Lax already keeps the cookie off cross-site POSTs; this holds for browsers that ignore it.
          throw ApiException.forbidden("cross-origin request with a session cookie");
        }
        return u.get();
      }
      ctx.cookie(cookie(ctx, "", 0));
    }
    return null;
  }

  private User basic(Context ctx, String value) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw unauthorized(ctx, "malformed Basic credentials");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw unauthorized(ctx, "malformed Basic credentials");
    }
    User u = check(ctx, decoded.substring(0, colon), decoded.substring(colon + 1), true);
    if (u == null) {
      throw unauthorized(ctx, "bad username or password");
    }
    return u;
  }

  /** The active user {@code username} if {@code password} is theirs, else null; throws 429 while throttled. */
  private User check(Context ctx, String username, String password, boolean useCache) {
    if (Users.problem(username) != null) {
      passwords.dummyVerify(password);
      return null;
    }
    String address = ctx.ip();
    Duration wait = throttle.blocked(username, address);
    if (!wait.isZero()) {
      long s = Math.max(1, wait.toSeconds());
      ctx.header("Retry-After", Long.toString(s));
      throw ApiException.of(429, "too many failed logins for " + username + " from this address; retry in " + s + " s");
    }
    Optional<User> found = users.find(username);
    boolean ok;
    if (found.isEmpty()) {
      passwords.dummyVerify(password);
      ok = false;
    } else {
      String hash = found.get().passwordHash();
      ok = useCache ? cache.verify(username, password, hash, () -> passwords.verify(password, hash))
          : passwords.verify(password, hash);
    }
    if (!ok || !found.get().active()) {
      throttle.failed(username, address);
      return null;
    }
    throttle.succeeded(username, address);
    return found.get();
  }

  private ApiException refuse(Context ctx, String message) {
    if (wantsPage(ctx)) {
      String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
      ctx.header("Location", "/login/?next=" + URLEncoder.encode(LoginPage.safeNext(here), StandardCharsets.UTF_8));
      return ApiException.of(302, "login required");
    }
    return unauthorized(ctx, message);
  }

  private static ApiException unauthorized(Context ctx, String message) {
    ctx.header("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
    return ApiException.unauthorized(message);
  }

  /** The rule for "a browser wants a page": GET or HEAD, outside {@code /api/}, and HTML accepted. */
  static boolean wantsPage(Context ctx) {
    String accept = ctx.header("Accept");
    return (ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD)
        && !ctx.path().startsWith("/api/") && accept != null && accept.contains("text/html");
  }

  private static boolean unsafe(HandlerType m) {
    return !(m == HandlerType.GET || m == HandlerType.HEAD || m == HandlerType.OPTIONS);
  }

  /**
   * True unless the request says it comes from another origin: its {@code Origin} (else {@code Referer})
   * names a host and port other than its {@code Host}. A request with neither is no browser's form post.
   */
  static boolean sameOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    String source = origin != null ? origin : ctx.header("Referer");
    if (source == null) {
      return true;
    }
    String host = ctx.header("Host");
    if (host == null || "null".equals(source)) {
      return false;
    }
    try {
      URI u = new URI(source);
      if (u.getHost() == null || u.getScheme() == null) {
        return false;
      }
      int port = u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
      URI h = new URI(u.getScheme() + "://" + host);
      int hostPort = h.getPort() != -1 ? h.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
      return u.getHost().equalsIgnoreCase(h.getHost()) && port == hostPort;
    } catch (Exception e) {
      return false;
    }
  }

  private static Cookie cookie(Context ctx, String value, int maxAge) {
    boolean secure = "https".equalsIgnoreCase(ctx.scheme());
    return new Cookie(COOKIE, value, "/", maxAge, secure, true, null, SameSite.LAX);
  }
}
