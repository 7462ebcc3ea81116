package vr.builder;

/**
 * Runs vbuild's build script ({@code builder.sh}) in a container on the build's stack, as the build user,
 * with only the app, the buildpacks and the cache mounted. The production implementation is
 * {@link LxcBuildContainer}, on the container layer vr-runner uses ({@code vr.common.container}); running it
 * as a proc through {@code vr.runner.Runner} itself, as the original did, is still to be wired.
 */
public interface BuildContainer {

  /**
   * Runs the job and returns the script's exit status. A non-interactive job streams the script's output to
   * {@link BuildJob#out()}; an interactive one ({@code vbuild shell}) is attached to this process's terminal.
   */
  int run(BuildJob job);
}
