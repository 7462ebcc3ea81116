package vr.common.supervisor;

import vr.common.VrException;

/** supervisord refused our credentials (HTTP 401). Never retried: the same credentials fail the same way. */
public class SupervisorAuthException extends VrException {
  private static final long serialVersionUID = 1L;

  public SupervisorAuthException(String message) {
    super(message);
  }
}
