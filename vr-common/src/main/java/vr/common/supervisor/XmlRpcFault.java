package vr.common.supervisor;

/**
 * A {@code <fault>} answer to an XML-RPC call: the server understood the call and refused it. The codec
 * throws it; {@link SupervisorClient} turns it into a {@link SupervisorFault} with supervisor's fault name.
 */
public final class XmlRpcFault extends Exception {
  private static final long serialVersionUID = 1L;
  private final int code;
  private final String faultString;

  public XmlRpcFault(int code, String faultString) {
    super(code + ": " + faultString);
    this.code = code;
    this.faultString = faultString;
  }

  public int code() {
    return code;
  }

  public String faultString() {
    return faultString;
  }
}
