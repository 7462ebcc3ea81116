package vr.server.records;

import java.util.List;
import java.util.Map;

/** The procs a host's Redis cache holds, as {@code Proc.as_dict()} maps (for the hosts and swarms resources). */
public interface ProcSource {
  List<Map<String, Object>> cached(String host);

  ProcSource NONE = host -> List.of();
}
