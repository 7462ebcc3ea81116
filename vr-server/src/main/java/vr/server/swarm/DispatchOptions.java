package vr.server.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import vr.server.api.ApiException;
import vr.server.api.Json;

/**
 * How one dispatch goes, from the JSON body of {@code POST /api/v1/swarms/{id}/swarm/}:
 * {@code {"batch": K}} replaces at most K procs at a time (each batch uptested and routed before the next),
 * {@code {"canary": true}} deploys one proc first, routes it beside the old ones and waits for a continue or an
 * abort, {@code {"plan": "<id>"}} applies a plan only if nothing it depends on changed. All optional.
 *
 * @param batch at most this many procs replaced at a time; 0 for all at once
 */
public record DispatchOptions(int batch, boolean canary, String plan) {
  public static final DispatchOptions NONE = new DispatchOptions(0, false, null);
  private static final Pattern PLAN = Pattern.compile("[0-9a-f]{32}");

  public DispatchOptions {
    if (batch < 0) {
      throw new IllegalArgumentException("batch must be 0 or more");
    }
  }

  /** The options of a request body; an unknown key or a bad value is a 400 naming it. */
  public static DispatchOptions of(ObjectNode body) {
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("batch") && !k.equals("canary") && !k.equals("plan")) {
        throw ApiException.badField(k, k + ": unknown option; a dispatch takes batch, canary and plan");
      }
    }
    int batch = 0;
    JsonNode b = body.get("batch");
    if (b != null && !b.isNull()) {
      if (!b.isIntegralNumber() || !b.canConvertToInt() || b.intValue() < 1) {
        throw ApiException.badField("batch", "batch: must be a whole number of procs, 1 or more");
      }
      batch = b.intValue();
    }
    boolean canary = false;
    JsonNode c = body.get("canary");
    if (c != null && !c.isNull()) {
      if (!c.isBoolean()) {
        throw ApiException.badField("canary", "canary: must be true or false");
      }
      canary = c.booleanValue();
    }
    String plan = null;
    JsonNode p = body.get("plan");
    if (p != null && !p.isNull()) {
      if (!p.isTextual() || !PLAN.matcher(p.asText()).matches()) {
        throw ApiException.badField("plan", "plan: must be a plan id (32 hex digits) from POST /api/v1/swarms/{id}/plan/");
      }
      plan = p.asText();
    }
    return new DispatchOptions(batch, canary, plan);
  }

  /** The options as a job's params (null when there are none), read back by {@link #ofJson}. */
  public String toJson() {
    if (equals(NONE)) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    if (batch > 0) {
      m.put("batch", batch);
    }
    if (canary) {
      m.put("canary", true);
    }
    if (plan != null) {
      m.put("plan", plan);
    }
    return Json.write(m);
  }

  /** A job's params as options; null or blank is {@link #NONE}. */
  public static DispatchOptions ofJson(String json) {
    if (json == null || json.isBlank()) {
      return NONE;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      if (!(n instanceof ObjectNode o)) {
        throw new SwarmFailedException("the dispatch's options are not a JSON object: " + json);
      }
      return of(o);
    } catch (ApiException e) {
      throw new SwarmFailedException("the dispatch's options: " + e.getMessage(), e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SwarmFailedException("the dispatch's options are not JSON: " + json, e);
    }
  }
}
