package vr.common.ssh;
import vr.common.exec.Shell;

/**
 * The command line sent to sshd for one {@code exec}. The login shell first prints its PID on a line of
 * its own (which the client consumes and never shows), then {@code exec}s {@code sh -c <command>} under
 * the same PID: sshd made that shell the leader of a new session and process group, so the whole command
 * tree can be killed later with {@code kill -- -PID}. The original gave up waiting after two minutes and
 * left the command running on the host; closing an SSH channel does not stop a command without a terminal.
 */
final class RemoteCommand {
  static final String PID_PREFIX = "vr-remote-pid:";

  private RemoteCommand() {}

  /** The wrapped line for {@code command}, through {@code sudo -n} when root is wanted and the login user is not root. */
  static String wrap(String command, boolean sudo, HostAddress address) {
    String sh = "sh -c " + Shell.quote(command);
    String run = sudo && address.needsSudo() ? "sudo -n -- " + sh : sh;
    return "echo " + PID_PREFIX + "$$; exec " + run;
  }

  /**
   * Kills the process group of {@code pid}: TERM, one second's grace, then KILL. Through sudo when the command
   * ran through sudo, since its processes then belong to root. ({@code -s TERM}: dash, the usual {@code sh}, rejects
   * {@code kill -TERM -- -PID}.)
   */
  static String kill(long pid, boolean sudo, HostAddress address) {
    String k = "kill -s TERM -- -" + pid + " 2>/dev/null; sleep 1; kill -s KILL -- -" + pid + " 2>/dev/null; true";
    return sudo && address.needsSudo() ? "sudo -n -- sh -c " + Shell.quote(k) : k;
  }
}
