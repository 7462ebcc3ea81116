package vr.server.api;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** Counters for {@code GET /metrics}, in Prometheus's text format. */
public final class Metrics {
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final LongAdder nanos = new LongAdder();
  private final Map<String, Supplier<Number>> gauges = new ConcurrentHashMap<>();

  public void request(String method, int status, long durationNanos) {
    requests.computeIfAbsent(method + " " + status, k -> new LongAdder()).increment();
    nanos.add(durationNanos);
  }

  /** A value read when metrics are scraped (pool connections, SSE clients, Redis up). */
  public void gauge(String name, Supplier<Number> value) {
    gauges.put(name, value);
  }

  public String text() {
    StringBuilder b = new StringBuilder();
    b.append("# HELP vr_http_requests_total HTTP requests by method and status.\n# TYPE vr_http_requests_total counter\n");
    requests.forEach((k, v) -> {
      String[] p = k.split(" ");
      b.append("vr_http_requests_total{method=\"").append(p[0]).append("\",status=\"").append(p[1]).append("\"} ")
          .append(v.sum()).append('\n');
    });
    b.append("# HELP vr_http_request_seconds_sum Time spent answering requests.\n# TYPE vr_http_request_seconds_sum counter\n");
    b.append("vr_http_request_seconds_sum ").append(nanos.sum() / 1e9).append('\n');
    var mem = ManagementFactory.getMemoryMXBean();
    b.append("# TYPE vr_jvm_heap_used_bytes gauge\nvr_jvm_heap_used_bytes ").append(mem.getHeapMemoryUsage().getUsed()).append('\n');
    b.append("# TYPE vr_uptime_seconds gauge\nvr_uptime_seconds ")
        .append(ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0).append('\n');
    gauges.forEach((name, v) -> {
      Number n;
      try {
        n = v.get();
      } catch (RuntimeException e) {
        return;
      }
      b.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(n).append('\n');
    });
    return b.toString();
  }
}
