package vr.common;

/**
 * A failure the user can act on: the operation could not be done (exit 1). The message is one line,
 * shown without a stack trace. Library code throws it; only the CLI layer turns it into an exit code.
 */
public class VrException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VrException(String message) {
    super(message);
  }

  public VrException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The exit code a CLI should end with: 1 for a failed operation. */
  public int exitCode() {
    return 1;
  }
}
