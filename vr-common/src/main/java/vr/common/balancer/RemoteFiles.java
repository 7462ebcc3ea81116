package vr.common.balancer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import vr.common.VrException;
import vr.common.ssh.ExecResult;
import vr.common.ssh.Shell;
import vr.common.ssh.SshConnection;

/**
 * Reads and replaces balancer config files on a remote host, as root. A file is replaced atomically: the
 * new bytes go to a hidden temp file beside it (same file system, and not matched by {@code *} or
 * {@code *.conf} include globs) which is then renamed over it, so nginx or varnish never read half a file.
 * The content travels base64-encoded on the command line, so stdin stays free for a sudo password.
 */
public final class RemoteFiles {
  private static final int ABSENT = 3;

  private RemoteFiles() {}

  /** The file's text, or null when it does not exist. */
  public static String read(SshConnection c, String path) {
    String q = Shell.quote(path);
    ExecResult r = c.asRoot("if [ -e " + q + " ]; then exec cat -- " + q + "; else exit " + ABSENT + "; fi");
    if (r.exitCode() == ABSENT) {
      return null;
    }
    if (!r.ok()) {
      throw new VrException("cannot read " + path + ": " + r.summary());
    }
    return r.stdout();
  }

  /** Replaces (or creates) {@code path} with {@code text}, mode 0644, via temp file and rename. */
  public static void write(SshConnection c, String path, String text) {
    String b64 = Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    String tmp = tempName(path);
    String script = "umask 022 && printf %s " + Shell.quote(b64) + " | base64 -d > " + Shell.quote(tmp)
        + " && chmod 0644 " + Shell.quote(tmp) + " && mv -f -- " + Shell.quote(tmp) + " " + Shell.quote(path)
        + " || { rm -f -- " + Shell.quote(tmp) + "; exit 1; }";
    ExecResult r = c.asRoot(script);
    if (!r.ok()) {
      throw new VrException("cannot write " + path + ": " + r.summary());
    }
  }

  /** Removes {@code path}; a missing file is fine. */
  public static void remove(SshConnection c, String path) {
    ExecResult r = c.asRoot("rm -f -- " + Shell.quote(path));
    if (!r.ok()) {
      throw new VrException("cannot remove " + path + ": " + r.summary());
    }
  }

  /** Writes {@code text}, or removes the file when {@code text} is null. */
  public static void put(SshConnection c, String path, String text) {
    if (text == null) {
      remove(c, path);
    } else {
      write(c, path, text);
    }
  }

  /** {@code dir/.name.vr-tmp}: beside the target, hidden from include globs. */
  static String tempName(String path) {
    int slash = path.lastIndexOf('/');
    return path.substring(0, slash + 1) + "." + path.substring(slash + 1) + ".vr-tmp";
  }

  /** Runs an operator-configured command (test_cmd, reload_cmd) as root; throws with its output when it fails. */
  public static ExecResult run(SshConnection c, String what, String command) {
    ExecResult r = c.asRoot(command);
    if (!r.ok()) {
      throw new VrException(what + " failed (exit " + r.exitCode() + "): " + r.summary());
    }
    return r;
  }
}
