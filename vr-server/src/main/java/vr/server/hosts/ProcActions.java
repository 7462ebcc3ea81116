package vr.server.hosts;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import vr.common.VrException;
import vr.common.model.ProcName;
import vr.common.supervisor.Proc;
import vr.common.supervisor.ProcessInfo;
import vr.common.supervisor.SupervisorFault;
import vr.server.api.Audit;
import vr.server.api.Principal;

/**
 * What a user does to one proc on a host (reference 7.5, the proc detail route): look at it live, start, stop or
 * restart it through its supervisord, or delete it (reference 7.7 {@code delete_proc}). Each action is recorded
 * with its user in the deployment log, failed or not. Failures are the suite's exceptions:
 * {@link ProcNotFoundException}, {@link SupervisorFault}, {@code HostUnreachableException},
 * {@code SupervisorUnreachableException}; the routes turn them into answers.
 */
public final class ProcActions {

  /** Releases the port lock of a proc that is gone (the lead's {@code PortLock} for host and port). */
  @FunctionalInterface
  public interface PortRelease {
    void release(String host, int port);

    PortRelease NONE = (host, port) -> {};
  }

  public enum Action {
    START, STOP, RESTART;

    /** {@code start}, {@code stop} or {@code restart}; null for anything else. */
    public static Action parse(String s) {
      for (Action a : values()) {
        if (a.word().equals(s)) {
          return a;
        }
      }
      return null;
    }

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A delete of a program that is not a VR proc (proc_publisher, say): refused, it has no folder or port. */
  public static final class NotAVrProcException extends VrException {
    private static final long serialVersionUID = 1L;

    NotAVrProcException(String proc) {
      super(proc + " is not a VR proc (<app>-<version>-<config>-<hash>-<proc>-<port>); only those are deleted here");
    }
  }

  private final HostAccess access;
  private final Audit audit;
  private final PortRelease ports;

  public ProcActions(HostAccess access, Audit audit, PortRelease ports) {
    this.access = access;
    this.audit = audit;
    this.ports = ports;
  }

  /** The proc as supervisord sees it now, as the original's {@code as_dict()}. */
  public Map<String, Object> info(String host, String proc) {
    try (HostAccess.Supervisor s = access.supervisor(host, null)) {
      return new Proc(s.host(), lookup(s, host, proc)).asMap();
    }
  }

  /** Starts, stops or restarts the proc and returns it as it is afterwards. */
  public Map<String, Object> act(Principal who, String host, String proc, Action action) {
    try (HostAccess.Supervisor s = access.supervisor(host, null)) {
      ProcessInfo info = lookup(s, host, proc);
      Proc p = new Proc(s.host(), info);
      try {
        switch (action) {
          case START -> p.start();
          case STOP -> p.stop();
          case RESTART -> p.restart();
          default -> throw new IllegalArgumentException(action.toString());
        }
      } catch (RuntimeException e) {
        audit.record(who, action.word(), object(host, proc), HostProcs.reason(e), true);
        throw e;
      }
      audit.record(who, action.word(), object(host, proc), null, false);
      return new Proc(s.host(), s.client().getProcessInfo(info.namespec())).asMap();
    }
  }

  /**
   * Stops the proc, removes it from supervisord, tears it down ({@code vrun teardown}, which removes its folder)
   * and releases its port lock: {@code {"name": proc, "deleted": true}}.
   */
  public Map<String, Object> delete(Principal who, String host, String proc) {
    try (HostAccess.Supervisor s = access.supervisor(host, null)) {
      lookup(s, host, proc);
    }
    ProcName name = ProcName.parse(proc).orElseThrow(() -> new NotAVrProcException(proc));
    try {
      access.remoteProcs(host).remove(access.setup(host).ssh(), name);
    } catch (RuntimeException e) {
      audit.record(who, "destroy", object(host, proc), HostProcs.reason(e), true);
      throw e;
    } finally {
      // a proc that is still there keeps its port in use anyway: the lock only guarded its deploy
      ports.release(host, name.port());
    }
    audit.record(who, "destroy", object(host, proc), null, false);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", proc);
    m.put("deleted", true);
    return m;
  }

  private static ProcessInfo lookup(HostAccess.Supervisor s, String host, String proc) {
    try {
      return s.client().getProcessInfo(proc);
    } catch (SupervisorFault f) {
      if (f.is(SupervisorFault.Fault.BAD_NAME)) {
        throw new ProcNotFoundException(host, proc);
      }
      throw f;
    }
  }

  private static String object(String host, String proc) {
    return proc + " on " + host;
  }
}
