package vr.server.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** The server's one JSON mapper, and request bodies read with a 400 (never a 500) when they are not JSON. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  /** The body as a JSON object; an empty body is an empty object. */
  public static ObjectNode object(Context ctx) {
    String body = ctx.body();
    if (body.isBlank()) {
      return MAPPER.createObjectNode();
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(body);
    } catch (Exception e) {
      throw ApiException.badRequest("the body is not JSON: " + firstLine(e.getMessage()));
    }
    if (!(n instanceof ObjectNode o)) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    return o;
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
