package vr.common.supervisor;

import java.time.Instant;
import java.util.List;

/**
 * A host's procs as its cache ({@code host_procs:<host>}) last saw them, and how far to trust that.
 *
 * @param state whether the cache is current, stale or absent
 * @param procs what it lists (empty when missing)
 * @param updated when the listener wrote it, or null when unknown
 */
public record CachedProcs(State state, List<Proc> procs, Instant updated) {

  public enum State {
    /** Written within the last {@code HOST_PROCS_STALE_AFTER}: the procs are the host's, even when none. */
    FRESH,
    /** Older: the host's listener, supervisord or the host is gone; the procs are what it last saw. */
    STALE,
    /** No hash: expired after ten silent minutes, or never written. Says nothing about the host's procs. */
    MISSING
  }

  public CachedProcs {
    procs = List.copyOf(procs);
  }
}
