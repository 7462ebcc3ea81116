package vr.common.supervisor;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where a {@link Host}'s proc list is cached between RPCs: meant for the Redis hash {@code host_procs:<host>}
 * (one JSON value per proc name, supervisord's own dictionary), which proc_publisher refreshes after every
 * batch of events (each event is a batch when they come one at a time); the suite has no Redis
 * implementation yet. Kept as an interface so vr-common needs no Redis client.
 */
public interface ProcCache {

  /** Every cached entry of {@code key}, name to JSON; empty when the key is absent or expired. */
  Map<String, String> all(String key);

  /** One entry. */
  Optional<String> get(String key, String name);

  /** Replaces the whole of {@code key} with {@code entries} (atomically) and lets it expire after {@code ttl}. */
  void replace(String key, Map<String, String> entries, Duration ttl);
}
