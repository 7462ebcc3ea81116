package vr.common.supervisor;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vr.common.VrException;
import vr.common.supervisor.SupervisorFault.Fault;

/**
 * A client for supervisord's XML-RPC interface ({@code supervisor.*}), over HTTP with basic auth or over
 * its Unix socket. Every call has a timeout; a call that could not reach supervisord is retried with
 * sleeps of 1 s, 2 s, ... ({@code 2^i} s, as the original), and then fails with
 * {@link SupervisorUnreachableException}. Calls that change state are retried only when the connection
 * itself failed, so a request supervisord may already have carried out is never sent twice. Faults become
 * {@link SupervisorFault}; a 401 becomes {@link SupervisorAuthException}.
 */
public final class SupervisorClient {

  /**
   * Timeouts and retries: {@code timeout} bounds each attempt (connect to last byte), {@code retries} more
   * attempts follow a failed one after {@code retryBase * 2^i}, and responses larger than
   * {@code maxResponseBytes} are refused.
   */
  public record Options(Duration timeout, Duration waitTimeout, int retries, Duration retryBase, int maxResponseBytes) {
    /**
     * The original's values: 10 s socket timeout, 2 retries, 1 s then 2 s between them; 16 MiB. A start or stop
     * that waits for the process may take 60 s: supervisord answers a stop only after the program's
     * {@code stopwaitsecs} (10 s by default) when it has to escalate to KILL, so the plain 10 s would report a
     * slow but successful stop as an unreachable supervisor.
     */
    public static Options defaults() {
      return new Options(Duration.ofSeconds(10), Duration.ofSeconds(60), 2, Duration.ofSeconds(1), 16 * 1024 * 1024);
    }

    public Options withTimeout(Duration t) {
      return new Options(t, waitTimeout, retries, retryBase, maxResponseBytes);
    }

    public Options withWaitTimeout(Duration t) {
      return new Options(timeout, t, retries, retryBase, maxResponseBytes);
    }

    public Options withRetries(int n, Duration base) {
      return new Options(timeout, waitTimeout, n, base, maxResponseBytes);
    }

    public Options withMaxResponseBytes(int max) {
      return new Options(timeout, waitTimeout, retries, retryBase, max);
    }
  }

  private final RpcTransport transport;
  private final Options options;

  public SupervisorClient(RpcTransport transport, Options options) {
    this.transport = transport;
    this.options = options;
  }

  /**
   * A client for {@code url}: {@code http://host:port[/RPC2]} (credentials may also be given in the URL's
   * user info, as the original's ServerProxy took them) or {@code unix:///path/to/supervisor.sock}.
   */
  public static SupervisorClient connect(String url, String username, String password, Options options) {
    if (url == null || url.isBlank()) {
      throw new VrException("no supervisor URL given");
    }
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new VrException("bad supervisor URL '" + url + "': " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    String user = username;
    String pass = password;
    if (uri.getRawUserInfo() != null && (user == null || user.isEmpty())) {
      String[] up = uri.getRawUserInfo().split(":", 2);
      user = URLDecoder.decode(up[0], StandardCharsets.UTF_8);
      pass = up.length > 1 ? URLDecoder.decode(up[1], StandardCharsets.UTF_8) : "";
    }
    switch (scheme) {
      case "http", "https" -> {
        if (uri.getHost() == null) {
          throw new VrException("bad supervisor URL '" + url + "': no host");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")
            ? "/RPC2" : uri.getRawPath();
        URI clean = URI.create(scheme + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + path);
        return new SupervisorClient(
            new HttpRpcTransport(clean, user, pass, options.timeout(), options.maxResponseBytes()), options);
      }
      case "unix" -> {
        String p = uri.getPath();
        if (p == null || p.isEmpty()) {
          throw new VrException("bad supervisor URL '" + url + "': no socket path (use unix:///path/to/supervisor.sock)");
        }
        return new SupervisorClient(
            new UnixRpcTransport(Path.of(p), user, pass, options.maxResponseBytes()), options);
      }
      default -> throw new VrException("bad supervisor URL '" + url + "': the scheme must be http:// or unix://");
    }
  }

  public static SupervisorClient connect(String url, String username, String password) {
    return connect(url, username, password, Options.defaults());
  }

  /** Where this client connects, for messages. */
  public String describe() {
    return transport.describe();
  }

  public Options options() {
    return options;
  }

  /** Every process supervisord knows, in its order. */
  public List<ProcessInfo> getAllProcessInfo() {
    Object r = call("getAllProcessInfo", true);
    if (!(r instanceof List<?> list)) {
      throw new XmlRpcProtocolException("getAllProcessInfo did not return an array");
    }
    List<ProcessInfo> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> m)) {
        throw new XmlRpcProtocolException("getAllProcessInfo returned a non-struct entry");
      }
      out.add(ProcessInfo.from(m));
    }
    return out;
  }

  /** One process, by {@code name} or {@code group:name}; a {@code BAD_NAME} fault when unknown. */
  public ProcessInfo getProcessInfo(String name) {
    Object r = call("getProcessInfo", true, name);
    if (!(r instanceof Map<?, ?> m)) {
      throw new XmlRpcProtocolException("getProcessInfo did not return a struct");
    }
    return ProcessInfo.from(m);
  }

  /**
   * Starts a process and waits until it is running (or failed to). Returns false when it was already
   * running: {@code ALREADY_STARTED} is the outcome the caller wanted.
   */
  public boolean startProcess(String name) {
    return startProcess(name, true);
  }

  public boolean startProcess(String name, boolean wait) {
    try {
      return Boolean.TRUE.equals(callWaiting("startProcess", wait, name, wait));
    } catch (SupervisorFault f) {
      if (f.is(Fault.ALREADY_STARTED)) {
        return false;
      }
      throw f;
    }
  }

  /** Stops a process and waits until it has stopped. Returns false when it was not running. */
  public boolean stopProcess(String name) {
    return stopProcess(name, true);
  }

  public boolean stopProcess(String name, boolean wait) {
    try {
      return Boolean.TRUE.equals(callWaiting("stopProcess", wait, name, wait));
    } catch (SupervisorFault f) {
      if (f.is(Fault.NOT_RUNNING)) {
        return false;
      }
      throw f;
    }
  }

  /** Re-reads the configuration files; nothing starts or stops until groups are added or removed. */
  public ReloadResult reloadConfig() {
    Object r = call("reloadConfig", false);
    // supervisord answers [[added, changed, removed]]
    if (r instanceof List<?> outer && outer.size() == 1 && outer.get(0) instanceof List<?> inner && inner.size() == 3) {
      return new ReloadResult(strings(inner.get(0)), strings(inner.get(1)), strings(inner.get(2)));
    }
    throw new XmlRpcProtocolException("reloadConfig returned an unexpected value: " + r);
  }

  private static List<String> strings(Object o) {
    if (!(o instanceof List<?> l)) {
      throw new XmlRpcProtocolException("reloadConfig returned a non-array");
    }
    List<String> out = new ArrayList<>();
    for (Object s : l) {
      out.add(String.valueOf(s));
    }
    return out;
  }

  /** Activates a group that {@link #reloadConfig()} reported as added (autostart applies). */
  public void addProcessGroup(String name) {
    call("addProcessGroup", false, name);
  }

  /** Removes a stopped group from the running configuration ({@code STILL_RUNNING} if it is not stopped). */
  public void removeProcessGroup(String name) {
    call("removeProcessGroup", false, name);
  }

  /** Up to {@code length} bytes of a process's stdout log from {@code offset} (see supervisord's docs). */
  public LogTail tailProcessStdoutLog(String name, int offset, int length) {
    Object r = call("tailProcessStdoutLog", true, name, offset, length);
    if (r instanceof List<?> l && l.size() == 3 && l.get(0) instanceof String text && l.get(1) instanceof Number off
        && l.get(2) instanceof Boolean overflow) {
      return new LogTail(text, off.longValue(), overflow);
    }
    throw new XmlRpcProtocolException("tailProcessStdoutLog returned an unexpected value");
  }

  /** supervisord's own state, e.g. {@code RUNNING}; a cheap liveness probe. */
  public String getState() {
    Object r = call("getState", true);
    if (r instanceof Map<?, ?> m && m.get("statename") instanceof String s) {
      return s;
    }
    throw new XmlRpcProtocolException("getState returned an unexpected value");
  }

  private Object call(String method, boolean idempotent, Object... params) {
    return call(method, idempotent, false, List.of(params));
  }

  /** A state change (never retried after it may have arrived); with {@code waits} it gets the longer timeout. */
  private Object callWaiting(String method, boolean waits, Object... params) {
    return call(method, false, waits, List.of(params));
  }

  private Object call(String method, boolean idempotent, boolean waits, List<Object> params) {
    Duration timeout = waits ? max(options.timeout(), options.waitTimeout()) : options.timeout();
    byte[] body = XmlRpcCodec.encodeCall("supervisor." + method, params);
    IOException last = null;
    int attempts = 0;
    for (int i = 0; i <= options.retries(); i++) {
      if (i > 0) {
        sleep(options.retryBase().multipliedBy(1L << (i - 1)));
      }
      attempts++;
      try {
        return XmlRpcCodec.decodeResponse(transport.post(body, timeout));
      } catch (XmlRpcFault f) {
        throw new SupervisorFault(method, f.code(), f.faultString());
      } catch (RpcTransport.ConnectFailedException e) {
        last = e;
      } catch (IOException e) {
        last = e;
        if (!idempotent) {
          break; // it may have happened: do not do it twice
        }
      }
    }
    throw new SupervisorUnreachableException("supervisor at " + transport.describe() + " is unreachable: "
        + last.getMessage() + " (" + attempts + (attempts == 1 ? " attempt)" : " attempts)"), last);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while waiting to retry a supervisor call", e);
    }
  }
}
