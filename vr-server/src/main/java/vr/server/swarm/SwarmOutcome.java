package vr.server.swarm;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import vr.common.model.Node;

/**
 * What one dispatch did.
 *
 * @param ok true when the swarm reached its size, routed; false with {@code message} saying why not
 * @param deployed procs deployed (and kept, when ok)
 * @param retired procs removed: the old release's and the surplus, or the new ones after a failed uptest
 * @param leftovers procs whose removal failed, with why
 * @param pool the pool's nodes as this dispatch set them (empty without a pool, or when routing was not reached)
 * @param steps each step's time, in order
 * @param routedAfter from the start of the dispatch to the end of routing; null when routing was not reached
 */
public record SwarmOutcome(long runId, String trace, boolean ok, String message, List<String> deployed,
    List<String> retired, List<String> leftovers, List<Node> pool, Long testRunId, Map<String, Duration> steps,
    Duration routedAfter) {}
