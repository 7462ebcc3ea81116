package vr.common.supervisor;

import java.io.IOException;

/**
 * Carries one XML-RPC request body to supervisord and returns the response body. Implementations cap the
 * response size and honour a socket timeout, so a stuck or hostile server can neither hang nor flood us.
 */
public interface RpcTransport {

  /**
   * POSTs {@code body} and returns the 200 response's body; the whole exchange must end within {@code timeout}.
   *
   * @throws ConnectFailedException when no connection could be made (the request certainly did not arrive)
   * @throws IOException on any other transport failure, including a timeout
   * @throws SupervisorAuthException when supervisord answers 401
   */
  byte[] post(byte[] body, java.time.Duration timeout) throws IOException;

  /** Where the transport connects, for messages ({@code http://host:port/RPC2}, {@code unix:///path}). */
  String describe();

  /** Thrown when the connection itself failed: safe to retry any call, even one that changes state. */
  final class ConnectFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    public ConnectFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
