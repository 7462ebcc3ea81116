package vr.server.domain;

/** No port of the range is free on a host: every one is used by a proc or locked by a deployment under way. */
public final class NoFreePortException extends DomainException {
  private static final long serialVersionUID = 1L;
  private final String host;

  NoFreePortException(String host, String message) {
    super(message);
    this.host = host;
  }

  public String host() {
    return host;
  }
}
