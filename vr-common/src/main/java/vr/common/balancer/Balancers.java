package vr.common.balancer;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.balancer.chained.ChainedBalancer;
import vr.common.balancer.dummy.DummyBalancer;
import vr.common.balancer.haproxy.HaproxyBalancer;
import vr.common.balancer.nginx.NginxBalancer;
import vr.common.balancer.stingray.StingrayBalancer;
import vr.common.balancer.varnish.VarnishBalancer;
import vr.common.ssh.SshHosts;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/**
 * The balancers a site configured, by name, from YAML of the seed's shape:
 * <pre>
 * BALANCERS:
 *   default: {BACKEND: dummy}
 *   web: {BACKEND: vr.common.balancer.nginx.NginxBalancer, hosts: [lb1, lb2], user: deploy}
 * </pre>
 * Every balancer is built once, when the file is read (so configuration errors show up at once, naming
 * file, line and key), and the same instance is returned on every {@link #get}: the original built a new
 * one per call, so the dummy balancer forgot its pools between calls. The SSH backends reach their hosts
 * through the {@link SshHosts} given here, which the caller owns and closes (the server its own; {@code vr.cli
 * pool} one opened for its run from {@link BalancerSsh#settings}); closing it closes their connections.
 */
public final class Balancers {
  private static final Map<String, BiFunction<BalancerConfig, SshHosts, Balancer>> BACKENDS = new LinkedHashMap<>();

  static {
    for (String n : new String[] {"dummy", "vr.common.balancer.dummy.DummyBalancer", "vr.server.balancer.dummy.DummyBalancer"}) {
      BACKENDS.put(n, (c, ssh) -> new DummyBalancer(c));
    }
    for (String n : new String[] {"nginx", "vr.common.balancer.nginx.NginxBalancer", "vr.server.balancer.nginx.NginxBalancer"}) {
      BACKENDS.put(n, NginxBalancer::new);
    }
    for (String n : new String[] {"varnish", "vr.common.balancer.varnish.VarnishBalancer", "vr.server.balancer.varnish.VarnishBalancer"}) {
      BACKENDS.put(n, VarnishBalancer::new);
    }
    for (String n : new String[] {"haproxy", "vr.common.balancer.haproxy.HaproxyBalancer"}) {
      BACKENDS.put(n, HaproxyBalancer::new);
    }
    for (String n : new String[] {"stingray", "zxtm", "vr.common.balancer.zxtm.ZXTMBalancer", "vr.common.balancer.stingray.StingrayBalancer",
        "vr.server.balancer.zxtm.ZXTMBalancer"}) {
      BACKENDS.put(n, (c, ssh) -> new StingrayBalancer(c));
    }
    for (String n : new String[] {"chained", "vr.common.balancer.chained.ChainedBalancer"}) {
      BACKENDS.put(n, (c, ssh) -> new ChainedBalancer(c, (name, y, w) -> create(name, y, w, ssh)));
    }
  }

  private final Path file;
  private final Map<String, Balancer> byName;
  private final List<String> warnings;

  private Balancers(Path file, Map<String, Balancer> byName, List<String> warnings) {
    this.file = file;
    this.byName = Collections.unmodifiableMap(byName);
    this.warnings = List.copyOf(warnings);
  }

  /** One line for each setting that was accepted but does nothing (see {@link BalancerConfig#obsolete}). */
  public List<String> warnings() {
    return warnings;
  }

  /** Reads the {@code BALANCERS} mapping of {@code file}; the SSH backends use {@code ssh}. */
  public static Balancers load(Path file, SshHosts ssh) {
    return from(Yaml.load(file), ssh);
  }

  /**
   * Builds the balancers from settings held in memory, e.g. a server's settings file or database, in the
   * structure of the YAML file ({@code {BALANCERS: {web: {BACKEND: nginx, hosts: [lb1]}}}}), with the same
   * checks; errors name {@code source} and the key's path, e.g. {@code settings: BALANCERS.web.ssh_port must
   * be between 1 and 65535}.
   */
  public static Balancers from(Map<String, ?> settings, Path source, SshHosts ssh) {
    return from(YamlMap.of(settings, source), ssh);
  }

  /** Builds every balancer of {@code root}'s {@code BALANCERS} mapping; the SSH backends use {@code ssh}. */
  public static Balancers from(YamlMap root, SshHosts ssh) {
    Objects.requireNonNull(ssh, "ssh");
    YamlMap all = root.child("BALANCERS");
    if (all == null) {
      throw InputException.at(root.file(), 0, "missing required key BALANCERS (a mapping of balancer names to settings)");
    }
    Map<String, Balancer> out = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (String name : all.keys()) {
      YamlMap cfg = all.child(name);
      if (cfg == null) {
        throw all.error(name, "must be a mapping with at least BACKEND");
      }
      out.put(name, create(name, cfg, warnings, ssh));
    }
    return new Balancers(root.file(), out, warnings);
  }

  /**
   * Builds one balancer from its settings, adding its warnings to {@code warnings} (the chained backend's
   * members too); the SSH backends use {@code ssh}.
   */
  public static Balancer create(String name, YamlMap cfg, List<String> warnings, SshHosts ssh) {
    String backend = cfg.string("BACKEND");
    if (backend == null || backend.isBlank()) {
      throw InputException.at(cfg.file(), cfg.lineOf("BACKEND"), "balancer " + name + ": missing required key BACKEND");
    }
    BalancerConfig c = new BalancerConfig(name, cfg, warnings);
    BiFunction<BalancerConfig, SshHosts, Balancer> f = BACKENDS.get(backend);
    Balancer b = f != null ? f.apply(c, ssh) : custom(backend, c, ssh);
    c.checkNoOtherKeys();
    return b;
  }

  /**
   * A backend outside the suite: a class with a public constructor taking a {@link BalancerConfig} and an
   * {@link SshHosts} (an {@link SshBalancer}), or only a {@link BalancerConfig}.
   */
  private static Balancer custom(String className, BalancerConfig c, SshHosts ssh) {
    Class<?> cls;
    try {
      cls = Class.forName(className);
    } catch (ClassNotFoundException | LinkageError e) {
      throw c.error("BACKEND", InputException.quote(className) + " is not a known backend (" + String.join(", ", BACKENDS.keySet().stream()
          .filter(k -> !k.contains(".")).toList()) + ") nor a class on the class path");
    }
    if (!Balancer.class.isAssignableFrom(cls)) {
      throw c.error("BACKEND", "class " + className + " does not implement " + Balancer.class.getName());
    }
    try {
      try {
        Constructor<?> k = cls.getConstructor(BalancerConfig.class, SshHosts.class);
        return (Balancer) k.newInstance(c, ssh);
      } catch (NoSuchMethodException e) {
        Constructor<?> k = cls.getConstructor(BalancerConfig.class);
        return (Balancer) k.newInstance(c);
      }
    } catch (NoSuchMethodException e) {
      throw c.error("BACKEND", "class " + className + " has no public constructor taking a BalancerConfig (and an SshHosts)");
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof VrException v) {
        throw v;
      }
      throw new VrException("balancer " + c.name() + ": " + className + " failed to start: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new VrException("balancer " + c.name() + ": cannot create " + className + ": " + e, e);
    }
  }

  /** The balancer called {@code name}; an unknown name is bad input. */
  public Balancer get(String name) {
    Balancer b = byName.get(name);
    if (b == null) {
      throw InputException.at(file, 0, "no balancer named " + InputException.quote(name) + "; configured: " + String.join(", ", byName.keySet()));
    }
    return b;
  }

  public Set<String> names() {
    return byName.keySet();
  }
}
