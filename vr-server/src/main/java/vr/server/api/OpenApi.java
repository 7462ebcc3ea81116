package vr.server.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vr.server.api.rest.Field;
import vr.server.api.rest.Registry;
import vr.server.api.rest.ResourceDef;

/**
 * The OpenAPI 3.0 document of the server, built from the routes as registered ({@link Router#routes()}) and
 * the resource definitions, so it cannot list a route that does not exist or miss one that does.
 */
public final class OpenApi {
  private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");

  private OpenApi() {}

  public static Map<String, Object> document(List<Router.Route> routes, Registry registry, String version) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.0.3");
    doc.put("info", Map.of("title", "vr-server", "version", version,
        "description", "The vr-suite control plane. List responses are {\"meta\": {limit, next, offset, previous, "
            + "total_count}, \"objects\": [...]}; errors are {\"status\", \"error\", \"field\"}."));
    Map<String, Object> paths = new LinkedHashMap<>();
    for (Router.Route r : routes) {
      String path = openApiPath(r.path());
      @SuppressWarnings("unchecked")
      Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(path, k -> new LinkedHashMap<>());
      Map<String, Object> op = new LinkedHashMap<>();
      op.put("summary", r.summary());
      op.put("tags", List.of(tag(r.path())));
      List<Object> params = new ArrayList<>();
      Matcher m = PARAM.matcher(path);
      while (m.find()) {
        params.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
      }
      if (!params.isEmpty()) {
        op.put("parameters", params);
      }
      if (r.access() == Access.PUBLIC) {
        op.put("security", List.of());
      } else if (r.access() == Access.SIGNED) {
        op.put("security", List.of(Map.of("signedUrl", List.of()), Map.of("basicAuth", List.of()),
            Map.of("bearerAuth", List.of()), Map.of("session", List.of())));
      }
      Map<String, Object> responses = new LinkedHashMap<>();
      String method = r.method().name().toLowerCase();
      responses.put(switch (method) {
        case "post" -> r.path().endsWith("/build/") || r.path().endsWith("/swarm/") || r.path().endsWith("/deploy/") ? "202" : "201";
        case "put", "delete" -> "204";
        case "patch" -> "202";
        default -> r.path().endsWith("/latest/") ? "302" : "200";
      }, Map.of("description", r.sse() ? "a text/event-stream" : "success"));
      if (!method.equals("get") && !method.equals("head")) {
        responses.put("400", Map.of("description", "bad input: the body names the field and the rule"));
      }
      if (r.access() != Access.PUBLIC) {
        responses.put("401", Map.of("description", "no or bad credentials"));
      }
      if (r.path().contains("{")) {
        responses.put("404", Map.of("description", "no such object"));
      }
      op.put("responses", responses);
      item.put(method, op);
    }
    doc.put("paths", paths);
    Map<String, Object> schemas = new LinkedHashMap<>();
    for (ResourceDef d : registry.all()) {
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("id", Map.of("type", "integer", "readOnly", true));
      List<String> required = new ArrayList<>();
      for (Field f : d.fields()) {
        Map<String, Object> p = new LinkedHashMap<>(schema(f));
        p.put("description", f.summary());
        if (f.readOnly() || f.kind() == Field.Kind.COMPUTED) {
          p.put("readOnly", true);
        }
        props.put(f.name(), p);
        if (f.required() && !f.readOnly()) {
          required.add(f.name());
        }
      }
      props.put("resource_uri", Map.of("type", "string", "readOnly", true));
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("type", "object");
      s.put("description", d.summary());
      s.put("properties", props);
      if (!required.isEmpty()) {
        s.put("required", required);
      }
      schemas.put(d.name(), s);
    }
    doc.put("components", Map.of("schemas", schemas, "securitySchemes", Map.of(
        "basicAuth", Map.of("type", "http", "scheme", "basic"),
        "bearerAuth", Map.of("type", "http", "scheme", "bearer", "description", "an API token"),
        "session", Map.of("type", "apiKey", "in", "cookie", "name", "vr_session"),
        "signedUrl", Map.of("type", "apiKey", "in", "query", "name", "signature",
            "description", "a signed, expiring URL handed out in proc.yaml"))));
    doc.put("security", List.of(Map.of("basicAuth", List.of()), Map.of("bearerAuth", List.of()), Map.of("session", List.of())));
    return doc;
  }

  /** Javalin's {@code <name>} (a parameter that may hold slashes) is OpenAPI's {@code {name}}. */
  public static String openApiPath(String javalinPath) {
    return javalinPath.replaceAll("<([a-z_]+)>", "{$1}");
  }

  private static Map<String, Object> schema(Field f) {
    return switch (f.kind()) {
      case INT -> Map.of("type", "integer");
      case BOOL -> Map.of("type", "boolean");
      case TIME -> Map.of("type", "string", "format", "date-time");
      case YAML_MAP -> Map.of("type", "string", "description", "YAML (a JSON object is accepted)");
      case YAML_LIST -> Map.of("type", "array", "items", Map.of());
      case RELATED -> Map.of("type", "string", "format", "uri-reference", "nullable", true);
      case RELATED_MANY -> Map.of("type", "array", "items", Map.of("type", "string", "format", "uri-reference"));
      case COMPUTED -> Map.of();
      default -> Map.of("type", "string");
    };
  }

  private static String tag(String path) {
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].equals("v1") || parts[i].equals("streams")) {
        return i + 1 < parts.length ? parts[i + 1] : parts[i];
      }
    }
    return parts.length > 1 ? parts[1] : "server";
  }
}
