package vr.builder;

import vr.common.VrException;

/** Runs the build script as a proc through vr-runner's library, as the original did. */
public final class RunnerBuildContainer implements BuildContainer {
  @Override
  public int run(BuildJob job) {
    throw new VrException("the build container is not wired to vr-runner yet");
  }
}
