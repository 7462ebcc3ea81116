package vr.common.balancer;

import java.util.List;
import vr.common.yaml.YamlMap;

/**
 * Builds one balancer from its settings: what a backend that holds other balancers (the chained one) is
 * given to build its members, so that it needs no static call back into {@link Balancers}, which names it.
 */
@FunctionalInterface
public interface BalancerFactory {
  /** Builds balancer {@code name} from {@code settings}, adding its warnings to {@code warnings}. */
  Balancer create(String name, YamlMap settings, List<String> warnings);
}
