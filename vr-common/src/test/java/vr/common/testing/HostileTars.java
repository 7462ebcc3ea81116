package vr.common.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Entries of hostile archives for the tools' tests (docs/security.md). */
public final class HostileTars {
  private HostileTars() {}

  /**
   * A directory {@code name/} owned by root with {@code mode}, then a symlink of the same name to {@code target}:
   * an extractor that applied the directory's owner and mode when it finished once applied them to the host
   * file the link points at (issue 14, case 1).
   */
  public static void directoryThenLink(TarArchiveOutputStream tar, String name, int mode, Path target) throws IOException {
    TarArchiveEntry d = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
    d.setMode(mode);
    d.setIds(0, 0);
    tar.putArchiveEntry(d);
    tar.closeArchiveEntry();
    TarArchiveEntry l = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    l.setLinkName(target.toString());
    tar.putArchiveEntry(l);
    tar.closeArchiveEntry();
  }
}
