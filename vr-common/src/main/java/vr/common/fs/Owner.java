package vr.common.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import vr.common.InputException;
import vr.common.VrException;

/**
 * A numeric owner (uid, gid) for extracted files: the proc's {@code user}/{@code group} from proc.yaml,
 * resolved against the host's {@code /etc/passwd} and {@code /etc/group} (the build is unpacked on the host,
 * so the host's ids are the ones the container sees through its bind of the rootfs).
 */
public record Owner(int uid, int gid) {
  private static final Path PASSWD = Path.of("/etc/passwd");
  private static final Path GROUP = Path.of("/etc/group");

  /**
   * Resolves {@code user} and {@code group} (names or numbers) from the host. A null or blank group means the
   * user's primary group.
   *
   * @throws InputException naming the user or group when the host does not know it
   */
  public static Owner resolve(String user, String group) {
    return resolve(user, group, PASSWD, GROUP);
  }

  /** As {@link #resolve(String, String)}, reading the given passwd and group files (for tests). */
  public static Owner resolve(String user, String group, Path passwdFile, Path groupFile) {
    if (user == null || user.isBlank()) {
      throw new InputException("user must not be empty");
    }
    String[] pw = find(passwdFile, user.strip(), 4);
    int uid;
    int primaryGid;
    if (pw != null) {
      uid = Integer.parseInt(pw[2]);
      primaryGid = Integer.parseInt(pw[3]);
    } else if (user.strip().matches("\\d+")) {
      uid = Integer.parseInt(user.strip());
      primaryGid = -1;
    } else {
      throw new InputException("unknown user " + InputException.quote(user) + " (not in " + passwdFile + ")");
    }
    int gid;
    if (group == null || group.isBlank()) {
      if (primaryGid < 0) {
        throw new InputException("user " + InputException.quote(user) + " has no entry in " + passwdFile + "; give a group");
      }
      gid = primaryGid;
    } else {
      String[] gr = find(groupFile, group.strip(), 3);
      if (gr != null) {
        gid = Integer.parseInt(gr[2]);
      } else if (group.strip().matches("\\d+")) {
        gid = Integer.parseInt(group.strip());
      } else {
        throw new InputException("unknown group " + InputException.quote(group) + " (not in " + groupFile + ")");
      }
    }
    return new Owner(uid, gid);
  }

  /** The colon-separated fields of the line whose first field is {@code name}, or null. */
  private static String[] find(Path file, String name, int numericFields) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new VrException("cannot read " + file + ": " + AtomicFiles.reason(e), e);
    }
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(":", -1);
      if (f.length >= numericFields && f[0].equals(name) && f[2].matches("\\d+") && (numericFields < 4 || f[3].matches("\\d+"))) {
        return f;
      }
    }
    return null;
  }
}
