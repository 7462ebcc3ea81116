package vr.common.repo;

import java.nio.file.Path;
import java.util.List;

/**
 * How git reaches repositories over SSH: the private key to log in with, the known_hosts files every host key
 * is checked against, and the OpenSSH client config read for {@code Host} aliases ({@code HostName}, {@code Port},
 * {@code User}, {@code IdentityFile}). What is not set comes from the {@code ~/.ssh} of the user running the
 * JVM, as with OpenSSH: {@code id_ed25519}, {@code id_ecdsa}, {@code id_rsa}; {@code known_hosts} and
 * {@code /etc/ssh/ssh_known_hosts}; {@code config}.
 *
 * @param sshDir the directory the defaults are taken from
 * @param key the one key to log in with (it replaces the defaults and any {@code IdentityFile}), or null
 * @param knownHosts the known_hosts files, in order
 * @param config the ssh client config file (need not exist)
 */
public record GitSsh(Path sshDir, Path key, List<Path> knownHosts, Path config) {
  /** Where OpenSSH keeps the host keys every user trusts. */
  public static final Path GLOBAL_KNOWN_HOSTS = Path.of("/etc/ssh/ssh_known_hosts");

  public GitSsh {
    knownHosts = List.copyOf(knownHosts);
  }

  /** Everything from the running user's {@code ~/.ssh}. */
  public static GitSsh defaults() {
    return of(null, null, null);
  }

  /** The given key, known_hosts file and config file (each null for the default), the rest from {@code ~/.ssh}. */
  public static GitSsh of(Path key, Path knownHosts, Path config) {
    Path dir = Path.of(System.getProperty("user.home"), ".ssh");
    return new GitSsh(dir, key,
        knownHosts != null ? List.of(knownHosts) : List.of(dir.resolve("known_hosts"), GLOBAL_KNOWN_HOSTS),
        config != null ? config : dir.resolve("config"));
  }

  /** The keys tried, in order, when the config names none for the host ({@link #key} alone when set). */
  public List<Path> identities() {
    return key != null ? List.of(key)
        : List.of(sshDir.resolve("id_ed25519"), sshDir.resolve("id_ecdsa"), sshDir.resolve("id_rsa"));
  }
}
