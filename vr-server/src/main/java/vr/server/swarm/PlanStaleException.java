package vr.server.swarm;

import java.util.List;

/** A dispatch that named a plan whose inputs changed since: nothing was done. The message names what changed. */
public final class PlanStaleException extends SwarmFailedException {
  private static final long serialVersionUID = 1L;
  private final transient List<String> changed;

  PlanStaleException(String plan, List<String> changed, String now) {
    super("plan " + plan + " is stale: " + String.join(", ", changed) + " changed since (the plan now is " + now
        + "); nothing was done");
    this.changed = List.copyOf(changed);
  }

  /** What changed: some of {@code release}, {@code hosts}, {@code pool}, {@code procs}. */
  public List<String> changed() {
    return changed;
  }
}
