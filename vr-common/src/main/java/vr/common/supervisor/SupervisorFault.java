package vr.common.supervisor;

import vr.common.VrException;

/**
 * supervisord refused a call with an XML-RPC fault. {@link #fault()} says which of supervisor's fault codes
 * it was, so callers can tolerate the expected ones ({@code ALREADY_STARTED} on start, {@code NOT_RUNNING}
 * on stop) and fail on the rest.
 */
public class SupervisorFault extends VrException {
  private static final long serialVersionUID = 1L;

  /** supervisor's fault codes ({@code supervisor.xmlrpc.Faults}); {@link #UNKNOWN} for any other. */
  public enum Fault {
    UNKNOWN_METHOD(1), INCORRECT_PARAMETERS(2), BAD_ARGUMENTS(3), SIGNATURE_UNSUPPORTED(4), SHUTDOWN_STATE(6),
    BAD_NAME(10), BAD_SIGNAL(11), NO_FILE(20), NOT_EXECUTABLE(21), FAILED(30), ABNORMAL_TERMINATION(40),
    SPAWN_ERROR(50), ALREADY_STARTED(60), NOT_RUNNING(70), SUCCESS(80), ALREADY_ADDED(90), STILL_RUNNING(91),
    CANT_REREAD(92), UNKNOWN(-1);

    private final int code;

    Fault(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    public static Fault of(int code) {
      for (Fault f : values()) {
        if (f.code == code) {
          return f;
        }
      }
      return UNKNOWN;
    }
  }

  private final int code;
  private final Fault fault;
  private final String faultString;

  public SupervisorFault(String method, int code, String faultString) {
    super("supervisor refused " + method + ": " + faultString + " (fault " + code + ")");
    this.code = code;
    this.fault = Fault.of(code);
    this.faultString = faultString;
  }

  public int code() {
    return code;
  }

  public Fault fault() {
    return fault;
  }

  /** The fault's name, e.g. {@code BAD_NAME}. */
  public String name() {
    return fault == Fault.UNKNOWN ? "UNKNOWN(" + code + ")" : fault.name();
  }

  public String faultString() {
    return faultString;
  }

  public boolean is(Fault f) {
    return fault == f;
  }
}
