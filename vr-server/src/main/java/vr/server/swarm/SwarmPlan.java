package vr.server.swarm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import vr.common.model.Node;
import vr.server.domain.Ports;

/**
 * What a dispatch would do, changing nothing (Nomad's {@code job plan}): the build it would use or make, the
 * hosts and ports of the new procs, the procs it would stop, and how each pool would change. Its id is made of
 * four hashes of what the dispatch depends on, eight hex digits each: the swarm and its release, the squad's
 * hosts, the pool's nodes, and the procs (every program on the squad's hosts and the swarm's recorded procs). A
 * dispatch that names a plan recomputes them and is refused, naming each that differs, when any changed (as
 * Nomad refuses a stale check index); the ports are drawn from a generator seeded by the id, so a dispatch of
 * an unchanged plan takes the ports it showed (unless another deploy locked one meanwhile).
 */
public record SwarmPlan(String id, Map<String, Object> body) {
  /** The inputs, in the order their hashes make up the id. */
  static final List<String> INPUTS = List.of("release", "hosts", "pool", "procs");

  /** The four input hashes of a surveyed dispatch ({@link DeployStep#survey}) and the pool's nodes now. */
  static List<String> inputs(SwarmContext ctx, List<Node> pool) {
    SwarmRecord s = ctx.swarm;
    List<String> in = new ArrayList<>();
    in.add(hash(String.join("\n", s.app(), s.configName(), s.procName(), String.valueOf(s.size()), String.valueOf(s.pool()),
        String.valueOf(s.balancer()), s.squad(), s.releaseInputs())));
    StringBuilder hosts = new StringBuilder(s.squad());
    s.hosts().forEach(h -> hosts.append('\n').append(h.name()).append(h.active() ? " active" : " inactive"));
    in.add(hash(hosts.toString()));
    in.add(hash(s.balancer() + " " + s.pool() + " " + new TreeSet<>(pool.stream().map(SwarmPlan::node).toList())));
    StringBuilder procs = new StringBuilder();
    new TreeMap<>(ctx.hostProcs).forEach((h, names) -> procs.append(h).append(' ').append(new TreeSet<>(names)).append('\n'));
    ctx.rows.forEach(r -> procs.append(r.host()).append(' ').append(r.proc()).append(' ').append(r.pool()).append(' ')
        .append(r.balancer()).append(r.gone() ? " gone" : "").append('\n'));
    in.add(hash(procs.toString()));
    return in;
  }

  static String id(List<String> inputs) {
    return String.join("", inputs);
  }

  /** What changed between a plan's id and the inputs now, e.g. {@code [pool, procs]}. */
  static List<String> changed(String planId, List<String> now) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < INPUTS.size(); i++) {
      if (!planId.substring(i * 8, i * 8 + 8).equals(now.get(i))) {
        out.add(INPUTS.get(i));
      }
    }
    return out;
  }

  /** The ports a plan shows and its dispatch takes: the range of {@code ports}, drawn from a generator seeded by the id. */
  static Ports seeded(Ports ports, String planId) {
    return new Ports(ports.start(), ports.end(), new Random(Long.parseUnsignedLong(planId.substring(0, 16), 16)));
  }

  /** The plan of a surveyed and placed context. */
  static SwarmPlan of(SwarmContext ctx, List<String> inputs, List<Node> poolNow,
      java.util.function.Function<List<String>, List<Node>> poolOf) {
    SwarmRecord s = ctx.swarm;
    String id = id(inputs);
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("plan", id);
    Map<String, Object> in = new LinkedHashMap<>();
    for (int i = 0; i < INPUTS.size(); i++) {
      in.put(INPUTS.get(i), inputs.get(i));
    }
    b.put("inputs", in);
    b.put("swarm", map("id", s.id(), "name", s.app() + "-" + s.release().tag() + "-" + s.configName() + "-" + s.procName(),
        "size", s.size(), "squad", s.squad()));
    SwarmRecord.Build build = s.build();
    b.put("build", map("id", build.id(), "tag", s.release().tag(), "status", build.status(),
        "action", build.usable() ? "use" : "started".equals(build.status()) ? "wait" : "build"));
    b.put("release", map("id", s.release().id(), "hash", s.release().hash()));
    b.put("deploy", procs(ctx.placements, s.release().hash() != null, null));
    b.put("keep", procs(ctx.keep(), true, null));
    List<Map<String, Object>> stop = new ArrayList<>();
    stop.addAll(procs(ctx.old, true, "old release"));
    stop.addAll(procs(ctx.surplus, true, "surplus"));
    for (SwarmContext.Defunct d : ctx.defunct) {
      stop.addAll(procs(List.of(d.proc()), true, d.gone() ? "defunct, host gone" : "defunct"));
    }
    b.put("stop", stop);
    List<Map<String, Object>> pools = new ArrayList<>();
    if (s.routed()) {
      List<PlacedProc> after = new ArrayList<>(ctx.keep());
      after.addAll(ctx.placements);
      pools.add(pool(s.balancer(), s.pool(), poolNow, SwarmContext.nodes(after)));
    }
    Map<List<String>, List<Node>> others = new LinkedHashMap<>();
    for (SwarmContext.Defunct d : ctx.defunct) {
      if (d.routed() && !(d.balancer().equals(s.balancer()) && d.pool().equals(s.pool()))) {
        others.computeIfAbsent(List.of(d.balancer(), d.pool()), k -> new ArrayList<>()).add(d.proc().node());
      }
    }
    others.forEach((k, nodes) -> {
      List<Node> before = poolOf.apply(k);
      List<Node> after = new ArrayList<>(before);
      after.removeAll(nodes);
      pools.add(pool(k.get(0), k.get(1), before, after));
    });
    b.put("pools", pools);
    return new SwarmPlan(id, b);
  }

  private static Map<String, Object> pool(String balancer, String pool, List<Node> before, List<Node> after) {
    List<Node> add = new ArrayList<>(after);
    add.removeAll(before);
    List<Node> delete = new ArrayList<>(before);
    delete.removeAll(after);
    return map("balancer", balancer, "pool", pool, "before", nodes(before), "after", nodes(after), "add", nodes(add),
        "delete", nodes(delete));
  }

  private static List<String> nodes(List<Node> n) {
    return new TreeSet<>(n.stream().map(SwarmPlan::node).toList()).stream().toList();
  }

  private static String node(Node n) {
    return n.host() + ":" + n.port();
  }

  private static List<Map<String, Object>> procs(List<PlacedProc> procs, boolean named, String why) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (PlacedProc p : procs) {
      Map<String, Object> m = map("host", p.host(), "port", p.name().port(), "proc", named ? p.name().format() : null);
      if (why != null) {
        m.put("why", why);
      }
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
