package vr.server.swarm;

import java.time.Duration;
import java.util.Objects;
import vr.server.domain.Ports;

/**
 * How the swarm flow runs.
 *
 * @param baseUrl the server's URL as the hosts reach it ({@code http://vr.example.com:8000}); proc.yaml's build and
 *     image URLs are signed paths under it
 * @param urlTtl how long those URLs stay valid (a first {@code vrun setup} downloads within it)
 * @param ports the range new procs' ports come from
 * @param uptestTimeout each uptest's timeout ({@code vrun uptest --timeout})
 * @param drain how long to wait between taking procs out of a pool and stopping them, so that requests the
 *     balancer had already sent them finish
 * @param hostThreads how many hosts are deployed, uptested and cleaned at once
 * @param canaryWait how long a canary waits for a continue before its dispatch aborts it
 */
public record FlowSettings(String baseUrl, Duration urlTtl, Ports ports, Duration uptestTimeout, Duration drain,
    int hostThreads, Duration canaryWait) {
  public FlowSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
      throw new IllegalArgumentException("the server's base URL must be http:// or https://, not " + baseUrl);
    }
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(canaryWait, "canaryWait");
    if (hostThreads < 1) {
      throw new IllegalArgumentException("hostThreads must be at least 1");
    }
  }

  /** Defaults: URLs valid 6 hours, ports 5000-5999, uptests of 30 s, 1 s of drain, 16 hosts at once, canaries wait 24 hours. */
  public static FlowSettings of(String baseUrl) {
    return new FlowSettings(baseUrl, Duration.ofHours(6),
        new Ports(Ports.DEFAULT_START, Ports.DEFAULT_END, new java.security.SecureRandom()), Duration.ofSeconds(30),
        Duration.ofSeconds(1), 16, Duration.ofHours(24));
  }

  public FlowSettings withPorts(Ports p) {
    return new FlowSettings(baseUrl, urlTtl, p, uptestTimeout, drain, hostThreads, canaryWait);
  }

  public FlowSettings withDrain(Duration d) {
    return new FlowSettings(baseUrl, urlTtl, ports, uptestTimeout, d, hostThreads, canaryWait);
  }
}
