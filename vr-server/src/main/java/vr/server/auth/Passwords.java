package vr.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Password hashes: bcrypt ({@code $2y$}, cost 12 by default) through BouncyCastle's {@link OpenBSDBCrypt}.
 *
 * <p>bcrypt rather than Argon2id: BouncyCastle's bcrypt writes and reads the self-describing
 * {@code $2y$<cost>$<salt><hash>} string and compares in constant time, where its Argon2 generator gives raw
 * bytes and leaves the encoding, the parameter parsing and the comparison to us; and Argon2id's memory cost
 * (tens of MiB per login) on a 2-core control plane turns a burst of Basic-auth requests into memory pressure.
 * bcrypt's one limit, 72 bytes of password, is enforced here rather than silently truncated.
 */
public final class Passwords {
  public static final int DEFAULT_COST = 12;
  /** bcrypt reads no further than this many bytes. */
  public static final int MAX_BYTES = 72;

  private final int cost;
  private final SecureRandom random = new SecureRandom();
  private volatile String dummy;

  public Passwords() {
    this(DEFAULT_COST);
  }

  /** {@code cost} is bcrypt's log2 rounds, 4 to 30; tests use 4. */
  public Passwords(int cost) {
    if (cost < 4 || cost > 30) {
      throw new IllegalArgumentException("bcrypt cost must be 4..30, not " + cost);
    }
    this.cost = cost;
  }

  public int cost() {
    return cost;
  }

  /** Why {@code password} cannot be set, or null when it can. */
  public static String problem(String password) {
    if (password == null || password.isEmpty()) {
      return "the password is empty";
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return "the password is longer than " + MAX_BYTES + " bytes (bcrypt's limit)";
    }
    return null;
  }

  /** A new salted hash of {@code password}; refuses what {@link #problem} refuses. */
  public String hash(String password) {
    String p = problem(password);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    return OpenBSDBCrypt.generate("2y", password.getBytes(StandardCharsets.UTF_8), salt, cost);
  }

  /**
   * True when {@code password} matches {@code hash}. The comparison is constant-time (BouncyCastle's); a
   * malformed hash or an unsettable password is false, after the same work as a real check.
   */
  public boolean verify(String password, String hash) {
    if (password == null || hash == null || problem(password) != null) {
      dummyVerify(password);
      return false;
    }
    try {
      return OpenBSDBCrypt.checkPassword(hash, password.getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      dummyVerify(password);
      return false;
    }
  }

  /**
   * A check against a hash of a random password, for a name that does not exist: the caller then takes as
   * long as for a real user with a wrong password, so timing does not tell which names exist.
   */
  public void dummyVerify(String password) {
    OpenBSDBCrypt.checkPassword(dummyHash(), password == null || password.isEmpty() ? new byte[] {0}
        : password.getBytes(StandardCharsets.UTF_8));
  }

  /** The hash dummy checks run against: made once, with this instance's cost (bcrypt's work is set by it). */
  String dummyHash() {
    String d = dummy;
    if (d == null) {
      byte[] secret = new byte[18];
      random.nextBytes(secret);
      byte[] salt = new byte[16];
      random.nextBytes(salt);
      d = OpenBSDBCrypt.generate("2y", secret, salt, cost);
      dummy = d;
    }
    return d;
  }
}
