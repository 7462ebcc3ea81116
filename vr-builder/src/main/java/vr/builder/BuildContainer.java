package vr.builder;

/**
 * Runs vbuild's build script ({@code builder.sh}) in a container on the build's stack, as the build user,
 * with only the app, the buildpacks and the cache mounted. The production implementation is
 * {@link LxcBuildContainer}, a proc run through vr-runner's library as in the original; tests also run the
 * script on the host without a container.
 */
public interface BuildContainer {

  /**
   * Runs the job and returns the script's exit status. A non-interactive job streams the script's output to
   * {@link BuildJob#out()}; an interactive one ({@code vbuild shell}) is attached to this process's terminal.
   */
  int run(BuildJob job);
}
