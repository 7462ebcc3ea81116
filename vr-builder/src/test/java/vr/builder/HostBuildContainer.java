package vr.builder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the build script on the host as the build user ({@code setpriv}), without a container: the builder's
 * own logic (stores, detect order, cache, outputs, failures) tested apart from LXC. The LXC path is tested by
 * the *LxcIT tests.
 */
final class HostBuildContainer implements BuildContainer {
  @Override
  public int run(BuildJob job) {
    List<String> packs = new ArrayList<>();
    job.buildpacks().forEach(p -> packs.add(p.toString()));
    Map<String, String> env = job.scriptEnv(job.app().toString(), job.buildpackCache().toString(),
        job.meta().toString(), String.join(":", packs));
    try {
      int uid = (Integer) Files.getAttribute(job.app(), "unix:uid");
      int gid = (Integer) Files.getAttribute(job.app(), "unix:gid");
      ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
          "/bin/sh", job.script().toString());
      pb.environment().clear();
      pb.environment().putAll(env);
      pb.directory(job.app().toFile());
      pb.redirectErrorStream(true);
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process p = pb.start();
      try (InputStream in = p.getInputStream()) {
        in.transferTo(job.out());
      }
      job.out().flush();
      return p.waitFor();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
