package vr.common.supervisor;

import vr.common.VrException;

/** The other side did not speak (safe) XML-RPC: malformed XML, a DOCTYPE, an oversized or truncated body. */
public class XmlRpcProtocolException extends VrException {
  private static final long serialVersionUID = 1L;

  public XmlRpcProtocolException(String message) {
    super(message);
  }

  public XmlRpcProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
