package vr.common.supervisor;

import vr.common.VrException;

/**
 * supervisord could not be reached or did not answer in time, after the configured retries. Callers must
 * treat the host as unknown, never as empty: the original returned no procs here, so a down host looked
 * like a host without procs (its issues #89 and #90).
 */
public class SupervisorUnreachableException extends VrException {
  private static final long serialVersionUID = 1L;

  public SupervisorUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
