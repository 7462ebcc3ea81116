package vr.server.hosts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import vr.common.VrException;
import vr.common.supervisor.CachedProcs;
import vr.common.supervisor.Host;
import vr.common.supervisor.Proc;
import vr.common.supervisor.ProcCache;
import vr.common.supervisor.ProcessInfo;
import vr.common.supervisor.SupervisorUnreachableException;
import vr.common.ssh.HostUnreachableException;

/**
 * A host's procs for the API: from the Redis cache when it is fresh, else asked of the host's supervisord
 * over SSH, falling back to a stale cache, flagged as such, when the host does not answer. Many hosts are
 * asked at once, each within the same deadline, so one dead host never delays the answer beyond it; a host
 * that has not answered by then is {@code unknown}, with what the cache last saw.
 */
public final class HostProcs implements AutoCloseable {

  /** How far to trust the cache ({@code ?cache=} on the API). */
  public enum CacheUse {
    /** The cache when fresh, else live (the default). */
    PREFER,
    /** The cache only, whatever its age; nothing is asked of the host. */
    ONLY,
    /** Live only (the cache serves only as a fallback when the host does not answer). */
    NEVER;

    /** The query parameter's value: absent or {@code yes}, {@code only}, {@code no}; null for anything else. */
    public static CacheUse parse(String value) {
      if (value == null || value.isEmpty() || value.equals("yes")) {
        return PREFER;
      }
      return switch (value) {
        case "only" -> ONLY;
        case "no" -> NEVER;
        default -> null;
      };
    }
  }

  private static final int MAX_REASON = 300;

  private final HostAccess access;
  private final ProcCache cache;
  private final Duration deadline;
  private final Clock clock;
  private final ExecutorService threads;

  /**
   * @param cache the hosts' Redis cache; null for none
   * @param deadline how long a host may take to answer, from the moment it is asked
   */
  public HostProcs(HostAccess access, ProcCache cache, Duration deadline, Clock clock) {
    this.access = access;
    this.cache = cache;
    this.deadline = deadline;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    // unbounded: the threads wait on the network, and a queue would eat into the later hosts' deadline
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "vr-host-procs-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public Duration deadline() {
    return deadline;
  }

  /** One host's procs, within the deadline. */
  public ProcList of(String host, CacheUse use) {
    return of(List.of(host), use).get(0);
  }

  /** Each host's procs, in the order given, asked in parallel; the whole takes at most about the deadline. */
  public List<ProcList> of(List<String> hosts, CacheUse use) {
    long end = System.nanoTime() + deadline.toNanos();
    List<AtomicReference<CachedProcs>> seen = new ArrayList<>();
    List<Future<ProcList>> futures = new ArrayList<>();
    for (String h : hosts) {
      AtomicReference<CachedProcs> s = new AtomicReference<>();
      seen.add(s);
      futures.add(threads.submit(() -> fetch(h, use, s)));
    }
    List<ProcList> out = new ArrayList<>(hosts.size());
    for (int i = 0; i < hosts.size(); i++) {
      Future<ProcList> f = futures.get(i);
      try {
        out.add(f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        f.cancel(true);
        out.add(failed(hosts.get(i), ProcList.State.UNKNOWN,
            "no answer within " + deadline.toMillis() + " ms", seen.get(i).get()));
      } catch (ExecutionException e) {
        out.add(failed(hosts.get(i), ProcList.State.UNKNOWN, reason(e.getCause()), seen.get(i).get()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(x -> x.cancel(true));
        throw new VrException("interrupted while asking hosts for their procs", e);
      }
    }
    return out;
  }

  private ProcList fetch(String host, CacheUse use, AtomicReference<CachedProcs> seen) {
    CachedProcs cached;
    String cacheTrouble = null;
    try {
      cached = cached(host);
    } catch (RuntimeException e) {
      cached = new CachedProcs(CachedProcs.State.MISSING, List.of(), null);
      cacheTrouble = "the cache cannot be read: " + reason(e);
    }
    seen.set(cached);
    if (use != CacheUse.NEVER && cached.state() == CachedProcs.State.FRESH) {
      Instant at = cached.updated() == null ? clock.instant() : cached.updated();
      return new ProcList(host, ProcList.State.UP, null, ProcList.Source.CACHE, at, cached.updated(), cached.procs());
    }
    if (use == CacheUse.ONLY) {
      String why = cacheTrouble != null ? cacheTrouble
          : cached.state() == CachedProcs.State.STALE
              ? "the cache was last written at " + cached.updated() + ": its proc_publisher, supervisord or the host is gone"
              : "nothing cached for this host: its proc_publisher has not written for 10 minutes, or never";
      if (cached.state() == CachedProcs.State.MISSING) {
        return new ProcList(host, ProcList.State.UNKNOWN, why, ProcList.Source.CACHE, clock.instant(), null, List.of());
      }
      return failed(host, ProcList.State.UNKNOWN, why, cached);
    }
    try (HostAccess.Supervisor s = access.supervisor(host, null)) {
      List<ProcessInfo> infos = s.client().getAllProcessInfo();
      Instant now = clock.instant();
      store(host, infos);
      List<Proc> procs = new ArrayList<>(infos.size());
      infos.forEach(i -> procs.add(new Proc(s.host(), i)));
      return new ProcList(host, ProcList.State.UP, null, ProcList.Source.LIVE, now, null, procs);
    } catch (HostUnreachableException | SupervisorUnreachableException e) {
      return failed(host, ProcList.State.DOWN, reason(e), cached);
    } catch (RuntimeException e) {
      return failed(host, ProcList.State.UNKNOWN, reason(e), cached);
    }
  }

  /** What the cache says of {@code host}; MISSING without a cache. */
  public CachedProcs cached(String host) {
    return new Host(host, null, cache).cachedProcs(clock.instant());
  }

  /** Writes a live list to the cache, as proc_publisher would; a cache that is away only costs the next reader. */
  private void store(String host, List<ProcessInfo> infos) {
    if (cache == null) {
      return;
    }
    try {
      cache.replace(new Host(host, null).cacheKey(), Host.cacheEntries(infos), Host.CACHE_LIFETIME);
    } catch (RuntimeException e) {
      // the live answer stands without it
    }
  }

  private ProcList failed(String host, ProcList.State state, String reason, CachedProcs cached) {
    Instant now = clock.instant();
    if (cached != null && cached.state() != CachedProcs.State.MISSING) {
      return new ProcList(host, state, reason, ProcList.Source.STALE_CACHE, now, cached.updated(), cached.procs());
    }
    return new ProcList(host, state, reason, ProcList.Source.LIVE, now, null, List.of());
  }

  /** The first line of an exception's message, bounded: for clients, never a stack trace. */
  static String reason(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    return m.length() > MAX_REASON ? m.substring(0, MAX_REASON) + "..." : m;
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
