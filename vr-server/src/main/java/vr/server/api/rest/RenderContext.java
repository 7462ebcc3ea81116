package vr.server.api.rest;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * State shared while one response is rendered: lookups already made (an app's name by id, a host's cached
 * procs) are kept, so a list of 1,000 swarms costs a few queries, not thousands.
 */
public final class RenderContext {
  private final Map<String, Object> memo = new HashMap<>();

  @SuppressWarnings("unchecked")
  public <T> T memo(String key, Function<String, T> compute) {
    return (T) memo.computeIfAbsent(key, compute);
  }

  /** Keeps {@code value} under {@code key} for the rest of the response. */
  public void put(String key, Object value) {
    memo.put(key, value);
  }
}
