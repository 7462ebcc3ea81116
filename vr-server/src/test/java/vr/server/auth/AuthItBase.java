package vr.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import vr.common.cli.Tool;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Json;
import vr.server.api.Router;
import vr.server.store.Database;

/**
 * The authenticator and the auth routes over real HTTP (Javalin on 127.0.0.1, an ephemeral port), with a few
 * dummy routes of each {@link Access}. Subclasses give the database: H2 or PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuthItBase {
  private static final int MAX_FAILURES = 3;

  private Database db;
  private Javalin app;
  private ServerAuthenticator auth;
  private String base;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(10)).build();

  /** Opens the database under test (migrated). */
  abstract Database openDatabase();

  /** The create-user options that reach the same database. */
  abstract List<String> databaseOptions();

  @BeforeAll
  void start() {
    db = openDatabase();
    auth = new ServerAuthenticator(db, AuthSettings.defaults().withPasswordCost(4).withThrottle(MAX_FAILURES, Duration.ofMinutes(1)),
        ctx -> "ok".equals(ctx.queryParam("sig")));
    app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      Router r = new Router(cfg.routes, auth);
      AuthRoutes.register(r, auth, Audit.NONE);
      r.get("/api/v1/ping/", Access.USER, "who am I", ctx -> ctx.result(Router.principal(ctx).username()));
      r.post("/api/v1/ping/", Access.USER, "who am I (POST)", ctx -> ctx.result(Router.principal(ctx).username()));
      r.get("/api/v1/admin-only/", Access.ADMIN, "admins", ctx -> ctx.result("admin " + Router.principal(ctx).username()));
      r.get("/files/build.tar.gz", Access.SIGNED, "a signed download", ctx -> ctx.result(Router.principal(ctx).username()));
      r.get("/health/", Access.PUBLIC, "health", ctx -> ctx.result("ok"));
      r.get("/dashboard/", Access.USER, "a page", ctx -> ctx.result("dashboard"));
      cfg.routes.exception(ApiException.class, (e, ctx) ->
          ctx.status(e.status()).contentType("application/json").result(Json.write(e.body())));
    });
    app.start("127.0.0.1", 0);
    base = "http://127.0.0.1:" + app.port();
    auth.users().create("alice", "alice-pw", false);
    auth.users().create("root", "root-pw", true);
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.stop();
    }
    if (db != null) {
      db.close();
    }
    afterDatabaseClosed();
  }

  /** Stops what {@link #openDatabase} started. */
  void afterDatabaseClosed() {}

  @Test
  void noCredentialsIs401WithABasicChallenge() throws Exception {
    HttpResponse<String> r = send(get("/api/v1/ping/"));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"vr-server\"");
    assertThat(json(r).get("status").asInt()).isEqualTo(401);
  }

  @Test
  void basicAuthIs200() throws Exception {
    HttpResponse<String> r = send(get("/api/v1/ping/").header("Authorization", basic("alice", "alice-pw")));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("alice");
  }

  @Test
  void badPasswordIs401() throws Exception {
    HttpResponse<String> r = send(get("/api/v1/ping/").header("Authorization", basic("root", "nope")));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(send(get("/api/v1/ping/").header("Authorization", basic("nobody", "nope"))).statusCode()).isEqualTo(401);
    assertThat(send(get("/api/v1/ping/").header("Authorization", "Basic !!!")).statusCode()).isEqualTo(401);
  }

  @Test
  void sessionCookieAfterLoginIs200AndLogoutEndsIt() throws Exception {
    HttpResponse<String> login = send(post("/login/", "application/json", "{\"username\":\"alice\",\"password\":\"alice-pw\"}"));
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(json(login).get("username").asText()).isEqualTo("alice");
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).startsWith("vr_session=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax")
        .doesNotContainIgnoringCase("Secure");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    HttpResponse<String> me = send(get("/api/v1/ping/").header("Cookie", cookie));
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body()).isEqualTo("alice");

    assertThat(send(post("/logout/", "application/json", "").header("Cookie", cookie)).statusCode()).isEqualTo(204);
    assertThat(send(get("/api/v1/ping/").header("Cookie", cookie)).statusCode()).isEqualTo(401);
  }

  @Test
  void jsonLoginWithABadPasswordIs401AndSetsNoCookie() throws Exception {
    HttpResponse<String> r = send(post("/login/", "application/json", "{\"username\":\"alice\",\"password\":\"x\"}"));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void formLoginRedirectsToNextFromTheSameOriginOnly() throws Exception {
    String form = "username=alice&password=alice-pw&next=" + URLEncoder.encode("/dashboard/?a=1", StandardCharsets.UTF_8);
    HttpResponse<String> ok = send(post("/login/", "application/x-www-form-urlencoded", form).header("Origin", base));
    assertThat(ok.statusCode()).isEqualTo(302);
    assertThat(ok.headers().firstValue("Location")).hasValue("/dashboard/?a=1");
    String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    assertThat(send(get("/dashboard/").header("Cookie", cookie)).body()).isEqualTo("dashboard");

    HttpResponse<String> cross = send(post("/login/", "application/x-www-form-urlencoded", form).header("Origin", "http://evil.example"));
    assertThat(cross.statusCode()).isEqualTo(403);
    assertThat(cross.headers().firstValue("Set-Cookie")).isEmpty();

    HttpResponse<String> offsite = send(post("/login/", "application/x-www-form-urlencoded",
        "username=alice&password=alice-pw&next=https://evil.example/").header("Origin", base));
    assertThat(offsite.headers().firstValue("Location")).hasValue("/");
  }

  @Test
  void formLoginWithABadPasswordShowsTheFormAgain() throws Exception {
    HttpResponse<String> r = send(post("/login/", "application/x-www-form-urlencoded", "username=root&password=bad"));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("Bad username or password").contains("<form");
  }

  @Test
  void sessionCookieOnACrossOriginPostIsRefused() throws Exception {
    String cookie = loginCookie("alice", "alice-pw");
    assertThat(send(post("/api/v1/ping/", "application/json", "{}").header("Cookie", cookie)).statusCode()).isEqualTo(200);
    assertThat(send(post("/api/v1/ping/", "application/json", "{}").header("Cookie", cookie)
        .header("Origin", "http://evil.example")).statusCode()).isEqualTo(403);
  }

  @Test
  void loginFormIsPublicHtml() throws Exception {
    HttpResponse<String> r = send(get("/login/?next=/swarm/"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(r.body()).contains("name=\"password\"").contains("value=\"/swarm/\"");
    assertThat(send(get("/health/")).body()).isEqualTo("ok");
  }

  @Test
  void bearerTokenWorksUntilRevoked() throws Exception {
    HttpResponse<String> made = send(post("/api/v1/tokens/", "application/json", "{\"name\":\"ci\"}")
        .header("Authorization", basic("alice", "alice-pw")));
    assertThat(made.statusCode()).isEqualTo(201);
    String token = json(made).get("token").asText();
    long id = json(made).get("id").asLong();
    assertThat(token).startsWith("vrt_");

    HttpResponse<String> r = send(get("/api/v1/ping/").header("Authorization", "Bearer " + token));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("alice");

    HttpResponse<String> list = send(get("/api/v1/tokens/").header("Authorization", "Bearer " + token));
    JsonNode objects = json(list).get("objects");
    assertThat(objects).hasSize(1);
    assertThat(objects.get(0).get("name").asText()).isEqualTo("ci");
    assertThat(objects.get(0).has("token")).isFalse();
    assertThat(list.body()).doesNotContain(token);
    assertThat(objects.get(0).get("last_used").isNull()).isFalse();

    // Another user cannot revoke it.
    assertThat(send(delete("/api/v1/tokens/" + id + "/").header("Authorization", basicAs("bob2"))).statusCode()).isEqualTo(404);
    assertThat(send(delete("/api/v1/tokens/" + id + "/").header("Authorization", "Bearer " + token)).statusCode()).isEqualTo(204);
    assertThat(send(get("/api/v1/ping/").header("Authorization", "Bearer " + token)).statusCode()).isEqualTo(401);
    assertThat(send(get("/api/v1/ping/").header("Authorization", "Bearer vrt_made-up")).statusCode()).isEqualTo(401);
  }

  @Test
  void nonAdminOnAnAdminRouteIs403() throws Exception {
    assertThat(send(get("/api/v1/admin-only/").header("Authorization", basic("alice", "alice-pw"))).statusCode()).isEqualTo(403);
    HttpResponse<String> admin = send(get("/api/v1/admin-only/").header("Authorization", basic("root", "root-pw")));
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.body()).isEqualTo("admin root");
  }

  @Test
  void browserAskingForAPageIsSentToTheLoginForm() throws Exception {
    HttpResponse<String> r = send(get("/dashboard/?a=1").header("Accept", "text/html,application/xhtml+xml"));
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location")).hasValue("/login/?next=%2Fdashboard%2F%3Fa%3D1");
    // The API answers 401 even to a browser.
    assertThat(send(get("/api/v1/ping/").header("Accept", "text/html")).statusCode()).isEqualTo(401);
  }

  @Test
  void signedRouteTakesTheSignatureCheckOrAUser() throws Exception {
    assertThat(send(get("/files/build.tar.gz?sig=ok")).body()).isEqualTo("(signed url)");
    assertThat(send(get("/files/build.tar.gz?sig=bad")).statusCode()).isEqualTo(401);
    assertThat(send(get("/files/build.tar.gz").header("Authorization", basic("alice", "alice-pw"))).body()).isEqualTo("alice");
  }

  @Test
  void repeatedFailuresAreThrottledPerUserAndAddress() throws Exception {
    auth.users().create("carol", "carol-pw", false);
    for (int i = 0; i < MAX_FAILURES; i++) {
      assertThat(send(get("/api/v1/ping/").header("Authorization", basic("carol", "guess" + i))).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> locked = send(get("/api/v1/ping/").header("Authorization", basic("carol", "carol-pw")));
    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
    HttpResponse<String> form = send(post("/login/", "application/json", "{\"username\":\"carol\",\"password\":\"carol-pw\"}"));
    assertThat(form.statusCode()).isEqualTo(429);
    assertThat(send(get("/api/v1/ping/").header("Authorization", basic("alice", "alice-pw"))).statusCode()).isEqualTo(200);
  }

  @Test
  void userResourceShowsNoPasswordAndNonAdminsSeeThemselves() throws Exception {
    HttpResponse<String> r = send(get("/api/v1/user/").header("Authorization", basic("alice", "alice-pw")));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode objects = json(r).get("objects");
    assertThat(objects).hasSize(1);
    assertThat(objects.get(0).get("username").asText()).isEqualTo("alice");
    assertThat(objects.get(0).get("resource_uri").asText()).startsWith("/api/v1/user/");
    assertThat(r.body()).doesNotContain("password").doesNotContain("$2y$");
    assertThat(json(r).get("meta").get("total_count").asInt()).isEqualTo(1);

    HttpResponse<String> filtered = send(get("/api/v1/user/?username=root").header("Authorization", basic("root", "root-pw")));
    assertThat(json(filtered).get("objects")).hasSize(1);
    assertThat(json(filtered).get("objects").get(0).get("admin").asBoolean()).isTrue();
  }

  @Test
  void adminsCreateUsersDeactivateThemAndResetPasswords() throws Exception {
    HttpResponse<String> made = send(post("/api/v1/user/", "application/json",
        "{\"username\":\"erin\",\"password\":\"erin-pw\"}").header("Authorization", basic("root", "root-pw")));
    assertThat(made.statusCode()).isEqualTo(201);
    String uri = made.headers().firstValue("Location").orElseThrow();
    assertThat(send(get("/api/v1/ping/").header("Authorization", basic("erin", "erin-pw"))).statusCode()).isEqualTo(200);

    assertThat(send(post("/api/v1/user/", "application/json", "{\"username\":\"erin\",\"password\":\"x\"}")
        .header("Authorization", basic("root", "root-pw"))).statusCode()).isEqualTo(409);
    HttpResponse<String> badName = send(post("/api/v1/user/", "application/json", "{\"username\":\"e rin\",\"password\":\"x\"}")
        .header("Authorization", basic("root", "root-pw")));
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(json(badName).get("field").asText()).isEqualTo("username");
    assertThat(send(post("/api/v1/user/", "application/json", "{\"username\":\"frank\",\"password\":\"x\"}")
        .header("Authorization", basic("alice", "alice-pw"))).statusCode()).isEqualTo(403);

    String erinSession = loginCookie("erin", "erin-pw");
    assertThat(send(patch(uri, "{\"password\":\"erin-pw2\"}").header("Authorization", basic("root", "root-pw"))).statusCode()).isEqualTo(202);
    assertThat(send(get("/api/v1/ping/").header("Cookie", erinSession)).statusCode()).isEqualTo(401);
    assertThat(send(get("/api/v1/ping/").header("Authorization", basic("erin", "erin-pw"))).statusCode()).isEqualTo(401);
    assertThat(send(get("/api/v1/ping/").header("Authorization", basic("erin", "erin-pw2"))).statusCode()).isEqualTo(200);

    assertThat(send(patch(uri, "{\"active\":false}").header("Authorization", basic("root", "root-pw"))).statusCode()).isEqualTo(202);
    // Even though the last check is in the Basic cache, the user's row is read on every request.
    assertThat(send(get("/api/v1/ping/").header("Authorization", basic("erin", "erin-pw2"))).statusCode()).isEqualTo(401);
  }

  @Test
  void createUserCommandReadsThePasswordFromStdin() throws Exception {
    Tool.Result r = createUser("dave\n", "dave", "--admin");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
    assertThat(r.out()).contains("created user dave (admin)");
    HttpResponse<String> admin = send(get("/api/v1/admin-only/").header("Authorization", basic("dave", "dave")));
    assertThat(admin.statusCode()).isEqualTo(200);

    Tool.Result again = createUser("other\n", "dave");
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err().strip()).isEqualTo("create-user: error: user 'dave' exists (--update sets its password)");

    Tool.Result update = createUser("dave-2\n", "dave", "--update", "--no-admin");
    assertThat(update.exitCode()).as(update.err()).isEqualTo(0);
    assertThat(update.out()).contains("updated user dave").doesNotContain("admin");
    assertThat(send(get("/api/v1/ping/").header("Authorization", basic("dave", "dave-2"))).statusCode()).isEqualTo(200);

    assertThat(createUser("x\n", "bad name").exitCode()).isEqualTo(2);
    Tool.Result empty = createUser("\n", "gina");
    assertThat(empty.exitCode()).isEqualTo(2);
    assertThat(empty.err()).contains("the password is empty");
    assertThat(auth.users().find("gina")).isEmpty();
  }

  private Tool.Result createUser(String stdin, String... args) {
    CreateUserCommand c = new CreateUserCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), () -> null);
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(databaseOptions());
    return Tool.capture(c, all.toArray(String[]::new));
  }

  private String loginCookie(String user, String password) throws Exception {
    HttpResponse<String> r = send(post("/login/", "application/json",
        Json.write(Map.of("username", user, "password", password))));
    assertThat(r.statusCode()).isEqualTo(200);
    return r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
  }

  private String basicAs(String user) {
    if (auth.users().find(user).isEmpty()) {
      auth.users().create(user, user + "-pw", false);
    }
    return basic(user, user + "-pw");
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).GET();
  }

  private HttpRequest.Builder post(String path, String type, String body) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private HttpRequest.Builder patch(String path, String body) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
  }

  private HttpRequest.Builder delete(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).DELETE();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }
}
