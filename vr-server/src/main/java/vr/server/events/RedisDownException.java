package vr.server.events;

/**
 * A Redis command refused because Redis is unreachable. {@link RedisLink} throws it at once while it knows Redis
 * is down (no connect attempt, no timeout), and after the command that found it down.
 */
public final class RedisDownException extends RuntimeException {
  public RedisDownException(String message, Throwable cause) {
    super(message, cause);
  }
}
