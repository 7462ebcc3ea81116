package vr.agent;

/**
 * The {@code [eventlistener:proc_publisher]} section the suite writes and documents, in one place: {@code --help}
 * prints it, the tests configure supervisord with it, and {@code ListenerSectionTest} holds docs/supervisor.md
 * and scripts/quickstart-hosts to the same events and buffer size.
 */
public final class ListenerSection {
  public static final String NAME = "proc_publisher";
  public static final String EVENTS = "PROCESS_STATE,PROCESS_GROUP,TICK_60";

  /**
   * supervisord keeps at most this many events for the listener and discards the oldest beyond it ("event
   * buffer overflowed, discarding event"); its default is 10. A host's procs can all change state at once:
   * {@code stopAllProcesses} signals every proc in one pass of supervisord's loop, and {@code supervisorctl
   * restart all} stops the listener too, so all of a restart's events wait in the buffer while its JVM starts
   * again: 4 per proc (STOPPING, STOPPED, STARTING, RUNNING), 800 for 200 procs. 1024 holds that with room for
   * group and tick events; a buffered event costs supervisord a few hundred bytes.
   */
  public static final int BUFFER_SIZE = 1024;

  private ListenerSection() {}

  /** The section with this command line and {@code environment=} value (none when null), ending in a newline. */
  public static String render(String command, String environment) {
    return "[eventlistener:" + NAME + "]\n"
        + "command=" + command + "\n"
        + "events=" + EVENTS + "\n"
        + "buffer_size=" + BUFFER_SIZE + "\n"
        + (environment == null ? "" : "environment=" + environment + "\n");
  }
}
