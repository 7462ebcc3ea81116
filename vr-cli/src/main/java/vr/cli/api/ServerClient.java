package vr.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import vr.common.InputException;
import vr.common.VrException;

/**
 * The server's REST API (reference 1.4) over {@link HttpClient}: JSON in and out, Tastypie lists followed page by
 * page, and every failure turned into one line: the server down, a 401, a 404, a 400 with the server's own message
 * (bad input, exit 2).
 */
public final class ServerClient {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final Credentials credentials;
  private final HttpClient http;

  public ServerClient(URI base, Credentials credentials) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.credentials = credentials;
    // redirects by hand: the Authorization header must not follow a redirect to another host
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Checks a --url / VELOCIRAPTOR_URL value: http(s) with a host. */
  public static URI parseBase(String url) {
    if (url == null || url.isBlank()) {
      throw new InputException("no server: give --url or set VELOCIRAPTOR_URL (e.g. http://127.0.0.1:8000/)");
    }
    URI u;
    try {
      u = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new InputException("--url: not a URL: " + InputException.quote(url));
    }
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
      throw new InputException("--url: must be http://host[:port]/ or https://..., not " + InputException.quote(url));
    }
    return u;
  }

  public URI base() {
    return base;
  }

  public Credentials credentials() {
    return credentials;
  }

  /** GET of a path ({@code api/v1/...} or {@code /api/v1/...}) with query parameters. */
  public JsonNode get(String path, Map<String, String> query) {
    return json(send("GET", path + queryString(query), null));
  }

  public JsonNode get(String path) {
    return get(path, Map.of());
  }

  /** Every object of a Tastypie list, following {@code meta.next}. */
  public ArrayNode list(String path, Map<String, String> query) {
    Map<String, String> q = new LinkedHashMap<>(query);
    q.putIfAbsent("limit", "1000");
    ArrayNode all = JSON.createArrayNode();
    String next = path + queryString(q);
    while (next != null) {
      JsonNode page = json(send("GET", next, null));
      page.path("objects").forEach(all::add);
      JsonNode n = page.path("meta").path("next");
      next = n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
    }
    return all;
  }

  public HttpResponse<String> post(String path, Object body) {
    return send("POST", path, body);
  }

  public HttpResponse<String> patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  /** The JSON body of a response (an empty object for an empty body). */
  public static JsonNode json(HttpResponse<String> r) {
    String b = r.body();
    if (b == null || b.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(b);
    } catch (IOException e) {
      throw new VrException(r.request().method() + " " + r.uri().getPath() + ": the server answered " + r.statusCode()
          + " with something that is not JSON");
    }
  }

  /** Sends and returns a 2xx or 3xx response; anything else becomes a one-line exception. */
  public HttpResponse<String> send(String method, String path, Object body) {
    HttpRequest req = request(path).timeout(TIMEOUT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(write(body)))
        .header("Content-Type", "application/json").header("Accept", "application/json").build();
    HttpResponse<String> r = exchange(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 400) {
      throw refusal(method, r.uri(), r.statusCode(), r.body());
    }
    return r;
  }

  /** Opens a streaming GET (an event stream); the caller reads and closes the lines. */
  public Stream<String> stream(String path) {
    HttpRequest req = request(path).header("Accept", "text/event-stream").GET().build();
    HttpResponse<Stream<String>> r = exchange(req, HttpResponse.BodyHandlers.ofLines());
    if (r.statusCode() >= 400) {
      String body;
      try (Stream<String> s = r.body()) {
        body = String.join("\n", s.limit(20).toList());
      }
      throw refusal("GET", r.uri(), r.statusCode(), body);
    }
    return r.body();
  }

  private <T> HttpResponse<T> exchange(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(req, handler);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted");
    }
  }

  private HttpRequest.Builder request(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(p));
    if (credentials.header() != null) {
      b.header("Authorization", credentials.header());
    }
    return b;
  }

  private VrException unreachable(IOException e) {
    String why = e instanceof HttpConnectTimeoutException ? "no answer within 10 s"
        : e instanceof HttpTimeoutException ? "no answer within " + TIMEOUT.toSeconds() + " s"
        : e instanceof ConnectException ? "connection refused"
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new VrException("cannot reach the server at " + base + " (" + why + "); is vr-server running there? "
        + "(--url or VELOCIRAPTOR_URL)", e);
  }

  private VrException refusal(String method, URI uri, int status, String body) {
    String said = serverMessage(body);
    String what = method + " " + uri.getPath();
    return switch (status) {
      case 401 -> new VrException("401 from the server: it did not accept " + credentials.who()
          + " (set VELOCIRAPTOR_USERNAME and VELOCIRAPTOR_PASSWORD, or VELOCIRAPTOR_TOKEN_FILE)");
      case 403 -> new VrException("403 from the server: " + credentials.who() + " may not " + what
          + (said.isEmpty() ? "" : ": " + said));
      case 400, 409 -> new InputException(said.isEmpty() ? status + " from the server on " + what : said);
      case 404 -> new NotFound(said.isEmpty() ? "not found: " + uri.getPath() : said);
      default -> new VrException(status + " from the server on " + what + (said.isEmpty() ? "" : ": " + said));
    };
  }

  /** The server's one-line explanation in an error body ({@code error}, {@code fault} or {@code msg}). */
  static String serverMessage(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode n = JSON.readTree(body);
      for (String k : new String[] {"error", "fault", "msg"}) {
        if (n.path(k).isTextual()) {
          return n.path(k).asText().replace('\n', ' ').strip();
        }
      }
    } catch (IOException e) {
      // not JSON: show its start
    }
    String s = body.replace('\n', ' ').strip();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  private static String write(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String queryString(Map<String, String> q) {
    if (q.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("?");
    q.forEach((k, v) -> b.append(b.length() > 1 ? "&" : "").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
        .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return b.toString();
  }

  /** A 404: the caller often knows better what was missing and says so. */
  public static final class NotFound extends VrException {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(message);
    }
  }
}
