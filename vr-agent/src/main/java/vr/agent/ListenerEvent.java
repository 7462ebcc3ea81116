package vr.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event from supervisord: the envelope's header tokens ({@code ver server serial pool poolserial
 * eventname len}), the payload's first line as {@code key:value} tokens, and whatever followed that line.
 */
public record ListenerEvent(Map<String, String> headers, Map<String, String> payloadHeaders, String payloadData) {

  public ListenerEvent {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    payloadHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(payloadHeaders));
    payloadData = payloadData == null ? "" : payloadData;
  }

  public String eventName() {
    return headers.getOrDefault("eventname", "");
  }

  /** A payload header, e.g. {@code processname}; null when absent. */
  public String payload(String key) {
    return payloadHeaders.get(key);
  }

  /** Builds the event from the header line and the raw payload. */
  public static ListenerEvent parse(String headerLine, String payload) {
    int nl = payload.indexOf('\n');
    String first = nl < 0 ? payload : payload.substring(0, nl);
    String data = nl < 0 ? "" : payload.substring(nl + 1);
    return new ListenerEvent(tokens(headerLine), tokens(first), data);
  }

  /** {@code a:1 b:2} to a map; a token without a colon is kept with an empty value. */
  static Map<String, String> tokens(String line) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String t : line.strip().split(" ")) {
      if (t.isEmpty()) {
        continue;
      }
      int colon = t.indexOf(':');
      if (colon < 0) {
        m.put(t, "");
      } else {
        m.put(t.substring(0, colon), t.substring(colon + 1));
      }
    }
    return m;
  }
}
