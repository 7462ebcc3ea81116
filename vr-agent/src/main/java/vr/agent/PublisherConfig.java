package vr.agent;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import redis.clients.jedis.util.JedisURIHelper;
import vr.common.InputException;

/**
 * proc_publisher's settings, from the environment as the seed documents them: {@code REDIS_URL} (required;
 * {@code redis://[[user]:password@]host[:port][/db]}), {@code HOSTNAME} (else the FQDN; must match the host's
 * name in VR), {@code SUPERVISOR_SERVER_URL} (required; supervisord sets it for its children:
 * {@code unix://...} or {@code http://...}), {@code SUPERVISOR_USERNAME}, {@code SUPERVISOR_PASSWORD}.
 */
public record PublisherConfig(URI redisUrl, String hostname, String supervisorUrl, String supervisorUsername,
    String supervisorPassword) {

  public static PublisherConfig fromEnv(Map<String, String> env) {
    String redis = env.get("REDIS_URL");
    if (redis == null || redis.isBlank()) {
      throw new InputException("REDIS_URL is not set: proc_publisher needs the Redis to publish to "
          + "(environment=REDIS_URL=\"redis://host:6379/0\" in its [eventlistener] section)");
    }
    URI uri;
    try {
      uri = URI.create(redis.strip());
    } catch (IllegalArgumentException e) {
      throw new InputException("REDIS_URL is not a URL: " + e.getMessage());
    }
    if (!(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri)) || uri.getHost() == null) {
      throw new InputException("REDIS_URL must look like redis://[:password@]host[:port][/db], not " + redact(uri));
    }
    if (uri.getPort() < 0) {
      // redis-py's from_url, which the original used, defaults the port
      uri = URI.create(uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
          + uri.getHost() + ":6379" + (uri.getRawPath() == null ? "" : uri.getRawPath()));
    }
    String sup = env.get("SUPERVISOR_SERVER_URL");
    if (sup == null || sup.isBlank()) {
      throw new InputException("SUPERVISOR_SERVER_URL is not set: run proc_publisher as a supervisord [eventlistener], "
          + "which sets it (supervisord needs an [inet_http_server] or [unix_http_server])");
    }
    String host = env.get("HOSTNAME");
    if (host == null || host.isBlank()) {
      host = fqdn();
    }
    return new PublisherConfig(uri, host.strip(), sup.strip(), blankToNull(env.get("SUPERVISOR_USERNAME")),
        blankToNull(env.get("SUPERVISOR_PASSWORD")));
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String fqdn() {
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      throw new InputException("HOSTNAME is not set and this machine's FQDN is unknown: " + e.getMessage());
    }
  }

  /** The Redis URL without its password, for logs. */
  public static String redact(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
        + (uri.getPath() == null ? "" : uri.getPath());
  }
}
