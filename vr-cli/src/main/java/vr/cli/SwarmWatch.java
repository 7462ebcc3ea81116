package vr.cli;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import vr.cli.api.EventStream;
import vr.common.VrException;

/**
 * Follows dispatched swarms through the server's deployment events and prints each step as it happens: build,
 * deploy (one line per host), uptests, route, cleanup. A swarm ends with an event tagged {@code done} ("Swarm X
 * finished"), or {@code failed}: the flow's "Swarm X aborted", a failed build, or a failed uptest (whose output
 * is printed; the flow then removes the new procs and sends no further end event).
 */
final class SwarmWatch {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final PrintWriter out;
  private final Terminal term;
  /** trace → swarm name, for the swarms still running. */
  private final Map<String, String> running;
  private int failed;

  SwarmWatch(PrintWriter out, Terminal term, Map<String, String> traces) {
    this.out = out;
    this.term = term;
    this.running = new LinkedHashMap<>(traces);
  }

  /** Reads events until every followed swarm ended; returns how many failed. */
  int follow(EventStream events) {
    while (!running.isEmpty()) {
      EventStream.Event e = events.next();
      if (e == null) {
        throw new VrException("the server closed the event stream while " + String.join(", ", running.values())
            + " still ran; it goes on there ('vr.cli list-swarms' and the server's log show it)");
      }
      if (running.containsKey(e.trace())) {
        show(e);
      }
    }
    out.flush();
    return failed;
  }

  /** The swarms still running (trace → name), for the message on Ctrl-C. */
  Map<String, String> running() {
    return Map.copyOf(running);
  }

  private void show(EventStream.Event e) {
    String name = running.get(e.trace());
    String prefix = term.dim(LocalTime.now().format(TIME)) + " " + (running.size() > 1 || failed > 0 ? name + " " : "");
    String first = firstLine(e.message());
    if (e.tagged("done")) {
      out.println(prefix + term.green("finished") + "  " + first);
      running.remove(e.trace());
    } else if (e.tagged("uptest") && e.tagged("failed")) {
      out.println(prefix + term.red("uptest failed") + "  " + e.title());
      e.message().lines().forEach(l -> out.println("    " + l));
      end(e, prefix, "the new procs are being removed; the old ones keep serving");
    } else if (e.tagged("build") && e.tagged("failed")) {
      out.println(prefix + term.red("build failed") + "  " + e.title());
      e.message().lines().limit(40).forEach(l -> out.println("    " + l));
      end(e, prefix, null);
    } else if (e.tagged("proc") && e.tagged("deleted")) {
      out.println(prefix + step("cleanup") + first);
    } else if (e.tagged("failed")) {
      out.println(prefix + term.red("failed") + "  " + e.title() + ": " + first);
      end(e, prefix, null);
    } else if (e.tagged("build")) {
      if (!e.tagged("log")) {
        out.println(prefix + step("build") + first);
      }
    } else if (e.tagged("deploy")) {
      out.println(prefix + step("deploy") + first);
    } else if (e.tagged("uptest")) {
      out.println(prefix + step("uptests") + e.title());
    } else if (e.tagged("route")) {
      out.println(prefix + step("route") + first);
    } else {
      out.println(prefix + step(e.tags().isEmpty() ? "event" : e.tags().get(0)) + (e.title().isEmpty() ? first : e.title()));
    }
    out.flush();
  }

  private void end(EventStream.Event e, String prefix, String note) {
    failed++;
    String name = running.remove(e.trace());
    out.println(prefix + term.red("swarm " + name + " failed") + (note == null ? "" : " (" + note + ")"));
  }

  private String step(String s) {
    return term.bold(String.format("%-8s", s)) + "  ";
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
