package vr.common.balancer;

import vr.common.VrException;

/** A change failed on at least one balancer host; {@link #result()} says which hosts were updated and which failed. */
public class BalancerException extends VrException {
  private static final long serialVersionUID = 1L;
  private final transient ChangeResult result;

  public BalancerException(String action, ChangeResult result) {
    super(action + ": " + result.describe());
    this.result = result;
  }

  public ChangeResult result() {
    return result;
  }

  /** Returns {@code r} when every host took the change, else throws. */
  public static ChangeResult check(String action, ChangeResult r) {
    if (!r.ok()) {
      throw new BalancerException(action, r);
    }
    return r;
  }
}
