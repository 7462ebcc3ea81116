package vr.server.api;

import java.util.Map;

/**
 * A request the server refuses, with the status and the JSON body the client gets. Handlers throw it;
 * {@link Router} renders it. Nothing else reaches a client: any other exception is a 500 with a generic body.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String field;

  private ApiException(int status, String field, String message) {
    super(message);
    this.status = status;
    this.field = field;
  }

  /** 400: the named field breaks the named rule. The message says both ("name: app names contain no '-'"). */
  public static ApiException badField(String field, String message) {
    return new ApiException(400, field, message);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, null, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, null, message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, null, message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, null, message);
  }

  public static ApiException conflict(String field, String message) {
    return new ApiException(409, field, message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, null, message);
  }

  public static ApiException of(int status, String message) {
    return new ApiException(status, null, message);
  }

  public int status() {
    return status;
  }

  /** The field at fault, or null. */
  public String field() {
    return field;
  }

  /**
   * The body: {@code {"status": 400, "error": "<message>", "field": "<field>", "errors": {"<field>": ["<message>"]}}}.
   * {@code errors} follows Tastypie's validation shape, which the original's clients print.
   */
  public Map<String, Object> body() {
    if (field == null) {
      return Map.of("status", status, "error", getMessage());
    }
    return Map.of("status", status, "error", getMessage(), "field", field,
        "errors", Map.of(field, java.util.List.of(getMessage())));
  }
}
