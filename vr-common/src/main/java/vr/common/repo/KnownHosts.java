package vr.common.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import vr.common.VrException;

/**
 * Strict host-key checking against OpenSSH known_hosts files: a server's key is accepted only when a line for
 * its host (plain, {@code [host]:port}, wildcard or hashed) holds exactly that key and no {@code @revoked} line
 * holds it. Nothing is ever added to a file and nothing asks: an unknown or changed key is refused with a
 * one-line reason naming the host and the key's SHA256 fingerprint. It uses only sshd-common, so that any
 * SSH client of the suite can share it (git over SSH does now; {@code vr.common.ssh} may later).
 */
public final class KnownHosts {
  private final List<Path> files;

  /** Checks against {@code files} in order; missing files hold no keys. */
  public KnownHosts(List<Path> files) {
    this.files = List.copyOf(files);
  }

  public List<Path> files() {
    return files;
  }

  /** The keys known for {@code host} at {@code port} (revoked ones left out): what to prefer in the handshake. */
  public List<PublicKey> keysOf(String host, int port) {
    List<PublicKey> keys = new ArrayList<>();
    for (Line l : lines()) {
      if (l.marker().isEmpty() && l.entry().isHostMatch(host, port)) {
        keys.add(l.key());
      }
    }
    return keys;
  }

  /**
   * Why {@code key}, offered by {@code host} at {@code port}, must be refused; empty when a known_hosts line
   * vouches for it.
   */
  public Optional<String> refusal(String host, int port, PublicKey key) {
    String who = port == 22 || port <= 0 ? host : "[" + host + "]:" + port;
    String offered = describe(key);
    List<Line> all = lines();
    for (Line l : all) {
      if ("revoked".equals(l.marker()) && KeyUtils.compareKeys(l.key(), key)) {
        return Optional.of("host key of " + who + " (" + offered + ") is marked @revoked in " + l.where() + "; refused");
      }
    }
    String other = null;
    for (Line l : all) {
      if (!l.marker().isEmpty() || !l.entry().isHostMatch(host, port)) {
        continue;
      }
      if (KeyUtils.compareKeys(l.key(), key)) {
        return Optional.empty();
      }
      other = other == null ? l.where() : other;
    }
    if (other != null) {
      return Optional.of("host key of " + who + " has changed: the server offered " + offered + " but " + other
          + " holds another key for it; refused (if the change is expected, replace that line after checking the fingerprint)");
    }
    return Optional.of("host key of " + who + " is unknown: the server offered " + offered + ", which is not in "
        + String.join(", ", names()) + "; refused (check the fingerprint, then add the key, e.g. from ssh-keyscan"
        + (port == 22 || port <= 0 ? "" : " -p " + port) + " " + host + ")");
  }

  /** {@code ssh-ed25519 SHA256:...}: the key's type and fingerprint as OpenSSH shows them. */
  public static String describe(PublicKey key) {
    return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
  }

  private List<String> names() {
    return files.stream().map(Path::toString).toList();
  }

  /** One usable known_hosts line: its parsed entry, the key, its marker ("" when none) and where it is. */
  private record Line(KnownHostEntry entry, PublicKey key, String marker, String where) {}

  /** Read on each check: a few lines, and an edit of the file is seen at the next connection. */
  private List<Line> lines() {
    List<Line> out = new ArrayList<>();
    for (Path f : files) {
      List<String> text;
      try {
        text = Files.readAllLines(f, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        continue;
      } catch (IOException e) {
        throw new VrException("cannot read known_hosts file " + f + ": " + e.getMessage(), e);
      }
      for (int i = 0; i < text.size(); i++) {
        String s = text.get(i).strip();
        if (s.isEmpty() || s.startsWith("#")) {
          continue;
        }
        try {
          KnownHostEntry e = KnownHostEntry.parseKnownHostEntry(s);
          PublicKey k = e == null || e.getKeyEntry() == null ? null
              : e.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
          if (k != null) {
            String marker = e.getMarker() == null ? "" : e.getMarker().replaceFirst("^@", "");
            out.add(new Line(e, k, marker, f + " line " + (i + 1)));
          }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
          // as OpenSSH does, a line it cannot read (a key type it does not know, a typo) vouches for nothing
        }
      }
    }
    return out;
  }
}
