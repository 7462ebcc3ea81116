package vr.common.supervisor;

import java.util.List;

/** What {@code reloadConfig} found changed in the configuration files: group names added, changed, removed. */
public record ReloadResult(List<String> added, List<String> changed, List<String> removed) {
  public ReloadResult {
    added = List.copyOf(added);
    changed = List.copyOf(changed);
    removed = List.copyOf(removed);
  }
}
