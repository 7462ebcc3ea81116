package vr.server.swarm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Work on procs spread over hosts: hosts in parallel, the procs of one host one after another (two deploys on a
 * host would fetch the same build at once; reference 7.7 step 4). The original ran one host's procs in series
 * too, but its chord waited on Celery workers; here the threads are the flow's own.
 */
final class HostFanout {
  /** Work on one proc; an exception fails that proc. */
  interface Work {
    void run(PlacedProc proc) throws Exception;
  }

  /** What became of one proc. */
  record Done(PlacedProc proc, Exception failure) {
    boolean ok() {
      return failure == null;
    }
  }

  private final ExecutorService threads;

  HostFanout(ExecutorService threads) {
    this.threads = threads;
  }

  /**
   * Runs {@code work} on each proc, hosts in parallel; with {@code stopHostOnFailure} a host's later procs are
   * skipped after one fails (they come back with the same failure). Returns the outcomes in the order given.
   */
  List<Done> run(List<PlacedProc> procs, boolean stopHostOnFailure, Work work) {
    Map<String, List<PlacedProc>> byHost = new LinkedHashMap<>();
    procs.forEach(p -> byHost.computeIfAbsent(p.host(), h -> new ArrayList<>()).add(p));
    return run(byHost, procs, stopHostOnFailure, work);
  }

  /**
   * Runs {@code work} on every proc at once (up to the pool's size): for work that reads only, such as uptests,
   * which each run in a container of their own and need not wait for another proc's.
   */
  List<Done> runAll(List<PlacedProc> procs, Work work) {
    Map<String, List<PlacedProc>> each = new LinkedHashMap<>();
    procs.forEach(p -> each.put(p.toString(), List.of(p)));
    return run(each, procs, false, work);
  }

  private List<Done> run(Map<String, List<PlacedProc>> byHost, List<PlacedProc> procs, boolean stopHostOnFailure, Work work) {
    List<Future<List<Done>>> futures = new ArrayList<>();
    for (List<PlacedProc> mine : byHost.values()) {
      futures.add(threads.submit(() -> {
        List<Done> out = new ArrayList<>();
        Exception failed = null;
        for (PlacedProc p : mine) {
          if (failed != null && stopHostOnFailure) {
            out.add(new Done(p, failed));
            continue;
          }
          try {
            work.run(p);
            out.add(new Done(p, null));
          } catch (Exception e) {
            failed = e;
            out.add(new Done(p, e));
          }
        }
        return out;
      }));
    }
    Map<PlacedProc, Done> all = new LinkedHashMap<>();
    try {
      for (Future<List<Done>> f : futures) {
        f.get().forEach(d -> all.put(d.proc(), d));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      futures.forEach(f -> f.cancel(true));
      throw new SwarmFailedException("interrupted while working on the hosts", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    List<Done> ordered = new ArrayList<>();
    procs.forEach(p -> ordered.add(all.get(p)));
    return ordered;
  }
}
