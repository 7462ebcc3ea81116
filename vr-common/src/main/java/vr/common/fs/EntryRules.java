package vr.common.fs;

import java.util.HashSet;
import java.util.Set;
import vr.common.VrException;

/**
 * The safety rules of extraction, applied to every entry of an archive in order, before anything is written.
 * Builds and stack images are untrusted (docs/security.md), and extraction runs as root, so:
 * <ul>
 *   <li>a name is relative and stays below the target: absolute names, {@code ..} components and NUL are
 *       refused;</li>
 *   <li>nothing is written through a symbolic link the archive made earlier (a later entry {@code link/x} is
 *       refused), nor is a hard link made to a name below one;</li>
 *   <li>a hard link points to an earlier entry by a safe name, never to the target itself;</li>
 *   <li>the archive stays within {@link Limits}: its unpacked size and its number of entries (a tar bomb is
 *       refused before it fills the disk).</li>
 * </ul>
 * The writer ({@link Extractor}) then creates files with {@code O_EXCL} and never applies an owner, mode or
 * time through a link; these rules are what makes the names it is given safe to use.
 */
final class EntryRules {
  private final Limits limits;
  private final Set<String> symlinks = new HashSet<>();
  private long bytes;
  private long entries;

  EntryRules(Limits limits) {
    this.limits = limits;
  }

  /**
   * What an archive may unpack to.
   *
   * @param maxBytes the total size of its files, after decompression
   * @param maxEntries how many entries it may hold
   */
  record Limits(long maxBytes, long maxEntries) {
    /** Environment variables that change the defaults (docs/security.md). */
    static final String MAX_BYTES = "VR_UNPACK_MAX_BYTES";
    static final String MAX_RATIO = "VR_UNPACK_MAX_RATIO";
    static final String MAX_ENTRIES = "VR_UNPACK_MAX_ENTRIES";
    static final long FLOOR = 1L << 30;
    static final long CEILING = 32L << 30;
    static final long RATIO = 100;
    static final long ENTRIES = 1_000_000;
    static final Limits NONE = new Limits(Long.MAX_VALUE, Long.MAX_VALUE);

    /**
     * The defaults for an archive of {@code compressed} bytes: it may unpack to {@value #RATIO} times its size,
     * at least 1 GiB and at most 32 GiB (real builds and images stay far below 20 times; a tar bomb of zeros
     * reaches 1000), and hold a million entries. The environment can set each.
     */
    static Limits forArchive(long compressed) {
      long ratio = env(MAX_RATIO, RATIO);
      long bytes = env(MAX_BYTES, -1);
      if (bytes < 0) {
        long scaled = compressed > CEILING / Math.max(1, ratio) ? CEILING : compressed * ratio;
        bytes = Math.min(CEILING, Math.max(FLOOR, scaled));
      }
      return new Limits(bytes, env(MAX_ENTRIES, ENTRIES));
    }

    private static long env(String name, long dflt) {
      String v = System.getenv(name);
      if (v == null || v.isBlank()) {
        return dflt;
      }
      try {
        long n = Long.parseLong(v.strip());
        if (n <= 0) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new VrException(name + " must be a positive whole number, not '" + v + "'");
      }
    }
  }

  /** A directory entry; its name, which may be empty (the target itself). */
  String directory(String raw) {
    String name = entry(raw);
    symlinks.remove(name);
    return name;
  }

  /** A regular file of {@code size} bytes (its real size when sparse); its name. */
  String file(String raw, long size) {
    String name = nonEmpty(entry(raw), raw);
    if (size < 0 || size > limits.maxBytes - bytes) {
      throw new VrException("the archive unpacks to more than " + human(limits.maxBytes) + " (at '" + shorten(raw)
          + "'); a larger one needs " + Limits.MAX_BYTES + " (docs/security.md)");
    }
    bytes += size;
    symlinks.remove(name);
    return name;
  }

  /** A symbolic link, which may point anywhere: nothing is ever written or read through it. */
  String symlink(String raw) {
    String name = nonEmpty(entry(raw), raw);
    symlinks.add(name);
    return name;
  }

  /** A device node or fifo. */
  String special(String raw) {
    String name = nonEmpty(entry(raw), raw);
    symlinks.remove(name);
    return name;
  }

  /** A hard link {@code raw} to the earlier entry {@code target}; the safe name of the target. */
  String hardLinkTarget(String raw, String target) {
    String t = safeName(target);
    if (t.isEmpty()) {
      throw new VrException("unsafe archive entry '" + shorten(raw) + "': hard link to the target directory itself");
    }
    checkNoSymlinkAbove(t, target);
    return t;
  }

  /** The name of hard link {@code raw} to {@code target} (the result of {@link #hardLinkTarget}). */
  String hardLink(String raw, String target) {
    String name = nonEmpty(entry(raw), raw);
    if (symlinks.contains(target)) {
      symlinks.add(name); // a hard link to a symlink is a symlink
    } else {
      symlinks.remove(name);
    }
    return name;
  }

  private String entry(String raw) {
    if (++entries > limits.maxEntries) {
      throw new VrException("the archive has more than " + limits.maxEntries + " entries; a larger one needs "
          + Limits.MAX_ENTRIES + " (docs/security.md)");
    }
    String name = safeName(raw);
    checkNoSymlinkAbove(name, raw);
    return name;
  }

  private static String nonEmpty(String name, String raw) {
    if (name.isEmpty()) {
      throw new VrException("unsafe archive entry '" + shorten(raw) + "': not a directory but names the target itself");
    }
    return name;
  }

  /**
   * The entry name relative to the target: {@code ./} and empty segments dropped; absolute names, {@code ..}
   * and NUL refused.
   */
  static String safeName(String raw) {
    if (raw.startsWith("/")) {
      throw new VrException("unsafe archive entry '" + shorten(raw) + "': absolute path");
    }
    StringBuilder sb = new StringBuilder(raw.length());
    int i = 0;
    int n = raw.length();
    while (i < n) {
      int j = raw.indexOf('/', i);
      if (j < 0) {
        j = n;
      }
      int len = j - i;
      if (len == 2 && raw.charAt(i) == '.' && raw.charAt(i + 1) == '.') {
        throw new VrException("unsafe archive entry '" + shorten(raw) + "': '..' leaves the target directory");
      }
      if (len > 0 && !(len == 1 && raw.charAt(i) == '.')) {
        if (sb.length() > 0) {
          sb.append('/');
        }
        sb.append(raw, i, j);
      }
      i = j + 1;
    }
    if (sb.indexOf("\0") >= 0) {
      throw new VrException("unsafe archive entry '" + shorten(raw) + "': NUL in name");
    }
    return sb.toString();
  }

  private void checkNoSymlinkAbove(String name, String raw) {
    if (symlinks.isEmpty()) {
      return;
    }
    for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
      String prefix = name.substring(0, i);
      if (symlinks.contains(prefix)) {
        throw new VrException("unsafe archive entry '" + shorten(raw) + "': it would be written through the symbolic link '"
            + shorten(prefix) + "'");
      }
    }
  }

  /** An entry name as errors quote it: a hostile one can be megabytes long. */
  static String shorten(String s) {
    String flat = s.replace('\n', '?').replace('\r', '?');
    return flat.length() <= 120 ? flat : flat.substring(0, 100) + "... (" + flat.length() + " characters)";
  }

  static String human(long bytes) {
    if (bytes % (1L << 30) == 0) {
      return (bytes >> 30) + " GiB";
    }
    if (bytes % (1L << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    return bytes + " bytes";
  }
}
