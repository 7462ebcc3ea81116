package vr.server.jobs;

/**
 * One accepted piece of work as its handler sees it: a row of the {@code jobs} table.
 *
 * @param attempt 1 on the first run; more when a server died while running it and another took it over
 *     ({@link #resumed()}): the handler then finds what the earlier attempt left and finishes or redoes it
 */
public record Job(long id, String kind, Long targetId, String params, String traceId, String username, int attempt) {
  /** True when an earlier attempt was cut off by its server's death. */
  public boolean resumed() {
    return attempt > 1;
  }
}
