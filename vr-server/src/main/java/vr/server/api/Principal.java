package vr.server.api;

/** The caller of a request, as authentication found it. {@code SIGNED_URL} is a runner with a signed link. */
public record Principal(String username, boolean admin) {
  public static final Principal SIGNED_URL = new Principal("(signed url)", false);
}
