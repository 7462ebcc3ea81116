package vr.server.hosts;

import vr.common.VrException;

/** The host (reachable) has no proc of that name: a 404 on the API. */
public final class ProcNotFoundException extends VrException {
  private static final long serialVersionUID = 1L;

  public ProcNotFoundException(String host, String proc) {
    super("host " + host + " has no proc named " + proc);
  }
}
