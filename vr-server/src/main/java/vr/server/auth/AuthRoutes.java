package vr.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Json;
import vr.server.api.Principal;
import vr.server.api.Router;

/**
 * The login form, logout, the user resource ({@code /api/v1/user/}, Tastypie-shaped, never a password field)
 * and API tokens. Handlers parse, call the stores, render.
 */
public final class AuthRoutes {
  private static final String USERS = "/api/v1/user/";
  private static final String TOKENS = "/api/v1/tokens/";

  private AuthRoutes() {}

  public static void register(Router r, ServerAuthenticator auth, Audit audit) {
    r.get("/login/", Access.PUBLIC, "The login form", ctx -> html(ctx, 200, LoginPage.render(ctx.queryParam("next"), null)));
    r.post("/login/", Access.PUBLIC, "Log in (form or JSON username/password); sets the session cookie", ctx -> login(ctx, auth));
    r.post("/logout/", Access.PUBLIC, "Log out: ends the session", ctx -> logout(ctx, auth));
    r.get("/logout/", Access.PUBLIC, "Log out (for links): ends the session", ctx -> logout(ctx, auth));

    r.get(USERS, Access.USER, "Users (an admin sees all, others themselves); filter username", ctx -> listUsers(ctx, auth));
    r.get(USERS + "{id}/", Access.USER, "One user (oneself, or any for an admin)", ctx -> getUser(ctx, auth));
    r.post(USERS, Access.ADMIN, "Create a user: username, password, admin", ctx -> createUser(ctx, auth, audit));
    r.patch(USERS + "{id}/", Access.ADMIN, "Set a user's active or admin flag, or reset the password", ctx -> patchUser(ctx, auth, audit));

    r.post(TOKENS, Access.USER, "Create an API token (name); the token is shown in this response only", ctx -> createToken(ctx, auth, audit));
    r.get(TOKENS, Access.USER, "The caller's API tokens (without the secrets)", ctx -> listTokens(ctx, auth));
    r.delete(TOKENS + "{id}/", Access.USER, "Revoke an API token (one's own; an admin any)", ctx -> revokeToken(ctx, auth, audit));
  }

  private static void login(Context ctx, ServerAuthenticator auth) {
    String type = ctx.contentType() == null ? "" : ctx.contentType();
    boolean form = type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    // Any body type: a cross-site form can post text/plain that reads as JSON, so the origin check covers both.
    if (!ServerAuthenticator.sameOrigin(ctx)) {
      throw ApiException.forbidden("a login from another origin");
    }
    String username;
    String password;
    String next = null;
    if (form) {
      username = ctx.formParam("username");
      password = ctx.formParam("password");
      next = ctx.formParam("next");
    } else {
      ObjectNode o = Json.object(ctx);
      username = text(o, "username");
      password = text(o, "password");
    }
    if (username == null || password == null) {
      if (form) {
        html(ctx, 400, LoginPage.render(next, "Enter a username and a password."));
        return;
      }
      throw ApiException.badField(username == null ? "username" : "password", "username and password are required");
    }
    Optional<User> u;
    try {
      u = auth.login(ctx, username, password);
    } catch (ApiException e) {
      if (form && e.status() == 429) {
        html(ctx, 429, LoginPage.render(next, "Too many failed logins; try again later."));
        return;
      }
      throw e;
    }
    if (u.isEmpty()) {
      if (form) {
        html(ctx, 401, LoginPage.render(next, "Bad username or password."));
        return;
      }
      throw ApiException.unauthorized("bad username or password");
    }
    if (form) {
      ctx.redirect(LoginPage.safeNext(next), HttpStatus.FOUND);
      return;
    }
    json(ctx, 200, userJson(u.get()));
  }

  private static void logout(Context ctx, ServerAuthenticator auth) {
    auth.logout(ctx);
    String accept = ctx.header("Accept");
    if (accept != null && accept.contains("text/html")) {
      ctx.redirect("/login/", HttpStatus.FOUND);
    } else {
      ctx.status(204);
    }
  }

  private static void listUsers(Context ctx, ServerAuthenticator auth) {
    User me = caller(ctx);
    String name = ctx.queryParam("username");
    List<User> found;
    if (me.admin()) {
      found = auth.users().list(name);
    } else {
      // The original let every user list every user; a non-admin sees only themselves.
      found = name == null || name.equals(me.username()) ? List.of(me) : List.of();
    }
    json(ctx, 200, Tastypie.list(found.stream().map(AuthRoutes::userJson).toList()));
  }

  private static void getUser(Context ctx, ServerAuthenticator auth) {
    User me = caller(ctx);
    long id = id(ctx);
    User u = me.id() == id ? me : me.admin() ? auth.users().byId(id).orElse(null) : null;
    if (u == null) {
      throw ApiException.notFound("no user " + id);
    }
    json(ctx, 200, userJson(u));
  }

  private static void createUser(Context ctx, ServerAuthenticator auth, Audit audit) {
    ObjectNode o = Json.object(ctx);
    String username = text(o, "username");
    String password = text(o, "password");
    String p = Users.problem(username);
    if (p != null) {
      throw ApiException.badField("username", p);
    }
    p = Passwords.problem(password);
    if (p != null) {
      throw ApiException.badField("password", p);
    }
    boolean admin = bool(o, "admin", false);
    User u;
    try {
      u = auth.users().create(username, password, admin);
    } catch (Users.Exists e) {
      throw ApiException.conflict("username", e.getMessage());
    }
    audit.record(Router.principal(ctx), "create", "user " + u.username() + (admin ? " (admin)" : ""), null, false);
    ctx.header("Location", USERS + u.id() + "/");
    json(ctx, 201, userJson(u));
  }

  private static void patchUser(Context ctx, ServerAuthenticator auth, Audit audit) {
    User me = caller(ctx);
    long id = id(ctx);
    User u = auth.users().byId(id).orElseThrow(() -> ApiException.notFound("no user " + id));
    ObjectNode o = Json.object(ctx);
    if (u.id() == me.id() && (o.has("active") || o.has("admin"))) {
      throw ApiException.badField(o.has("active") ? "active" : "admin", "an admin cannot change their own flags (ask another admin)");
    }
    String password = o.has("password") ? text(o, "password") : null;
    if (o.has("password")) {
      String p = Passwords.problem(password);
      if (p != null) {
        throw ApiException.badField("password", p);
      }
    }
    Boolean active = o.has("active") ? bool(o, "active", true) : null;
    Boolean admin = o.has("admin") ? bool(o, "admin", false) : null;
    if (active != null) {
      auth.users().setActive(id, active);
    }
    if (admin != null) {
      auth.users().setAdmin(id, admin);
    }
    if (password != null) {
      auth.users().setPassword(id, password);
    }
    if (password != null || Boolean.FALSE.equals(active)) {
      auth.sessions().deleteForUser(id);
    }
    StringBuilder what = new StringBuilder();
    if (active != null) {
      what.append(" active=").append(active);
    }
    if (admin != null) {
      what.append(" admin=").append(admin);
    }
    if (password != null) {
      what.append(" password reset");
    }
    audit.record(Router.principal(ctx), "update", "user " + u.username(), what.toString().strip(), false);
    json(ctx, 202, userJson(auth.users().byId(id).orElseThrow()));
  }

  private static void createToken(Context ctx, ServerAuthenticator auth, Audit audit) {
    User me = caller(ctx);
    String name = text(Json.object(ctx), "name");
    String p = Tokens.problem(name);
    if (p != null) {
      throw ApiException.badField("name", p);
    }
    Tokens.Created c = auth.tokens().create(me.id(), name);
    audit.record(Router.principal(ctx), "create", "token " + c.token().prefix() + "… (" + name + ")", null, false);
    Map<String, Object> body = tokenJson(c.token());
    body.put("token", c.secret());
    ctx.header("Location", TOKENS + c.token().id() + "/");
    json(ctx, 201, body);
  }

  private static void listTokens(Context ctx, ServerAuthenticator auth) {
    json(ctx, 200, Tastypie.list(auth.tokens().list(caller(ctx).id()).stream().map(AuthRoutes::tokenJson).toList()));
  }

  private static void revokeToken(Context ctx, ServerAuthenticator auth, Audit audit) {
    User me = caller(ctx);
    long id = id(ctx);
    ApiToken t = auth.tokens().byId(id).filter(x -> x.userId() == me.id() || me.admin())
        .orElseThrow(() -> ApiException.notFound("no token " + id));
    auth.tokens().revoke(id);
    Principal who = Router.principal(ctx);
    audit.record(who, "revoke", "token " + t.prefix() + "… (" + t.name() + ")", null, false);
    ctx.status(204);
  }

  static Map<String, Object> userJson(User u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", u.id());
    m.put("username", u.username());
    m.put("admin", u.admin());
    m.put("active", u.active());
    m.put("date_joined", time(u.created()));
    m.put("last_login", time(u.lastLogin()));
    m.put("resource_uri", USERS + u.id() + "/");
    return m;
  }

  static Map<String, Object> tokenJson(ApiToken t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("name", t.name());
    m.put("prefix", t.prefix());
    m.put("created", time(t.created()));
    m.put("last_used", time(t.lastUsed()));
    m.put("resource_uri", TOKENS + t.id() + "/");
    return m;
  }

  private static User caller(Context ctx) {
    return ServerAuthenticator.user(ctx).orElseThrow(() -> ApiException.forbidden("this needs a user"));
  }

  private static long id(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no such id: " + ctx.pathParam("id"));
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw ApiException.badField(field, field + " must be a string");
    }
    return n.asText();
  }

  private static boolean bool(JsonNode o, String field, boolean dflt) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isBoolean()) {
      throw ApiException.badField(field, field + " must be true or false");
    }
    return n.asBoolean();
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }

  private static void html(Context ctx, int status, String page) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(page);
  }

  /** Tastypie's list envelope, for these small unpaged lists. */
  private static final class Tastypie {
    static Map<String, Object> list(List<?> objects) {
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("limit", objects.size());
      meta.put("next", null);
      meta.put("offset", 0);
      meta.put("previous", null);
      meta.put("total_count", objects.size());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("meta", meta);
      m.put("objects", objects);
      return m;
    }
  }
}
