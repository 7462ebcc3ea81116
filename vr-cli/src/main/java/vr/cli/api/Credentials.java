package vr.cli.api;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;
import vr.common.InputException;

/**
 * How {@code vr.cli} proves who it is to the server: the {@code Authorization} header value, or none. In order:
 * {@code VELOCIRAPTOR_USERNAME} with {@code VELOCIRAPTOR_PASSWORD} (the original's variables); a token file
 * ({@code --token-file} or {@code VELOCIRAPTOR_TOKEN_FILE}, a {@code vrt_...} token from {@code POST /api/v1/tokens/});
 * a password prompt when a terminal is attached. A password is never a command-line argument, never echoed and
 * never printed (not even in {@link #toString()}).
 */
public final class Credentials {
  private final String header;
  private final String who;

  private Credentials(String header, String who) {
    this.header = header;
    this.who = who;
  }

  /** No credentials: the server answers 401 to everything but its public routes. */
  public static final Credentials NONE = new Credentials(null, "no credentials");

  public static Credentials basic(String username, char[] password) {
    String pair = username + ":" + new String(password);
    java.util.Arrays.fill(password, '\0');
    return new Credentials("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
        "user " + username);
  }

  public static Credentials token(String token, Path file) {
    return new Credentials("Bearer " + token, "the token in " + file);
  }

  /**
   * Resolves the credentials from {@code env}, an explicit {@code tokenFile} (may be null), and {@code console}
   * (null when no terminal is attached). {@code username} is the --username option (may be null).
   */
  public static Credentials resolve(Map<String, String> env, String username, Path tokenFile, Supplier<Console> console,
      String host) {
    String user = username != null ? username : env.get("VELOCIRAPTOR_USERNAME");
    String password = env.get("VELOCIRAPTOR_PASSWORD");
    if (user != null && !user.isEmpty() && password != null && !password.isEmpty()) {
      return basic(user, password.toCharArray());
    }
    Path file = tokenFile != null ? tokenFile
        : env.get("VELOCIRAPTOR_TOKEN_FILE") == null || env.get("VELOCIRAPTOR_TOKEN_FILE").isEmpty() ? null
        : Path.of(env.get("VELOCIRAPTOR_TOKEN_FILE"));
    if (file != null) {
      return token(readToken(file), file);
    }
    Console c = console.get();
    if (c != null) {
      if (user == null || user.isEmpty()) {
        user = System.getProperty("user.name");
      }
      char[] typed = c.readPassword("%s@%s's password: ", user, host);
      if (typed != null && typed.length > 0) {
        return basic(user, typed);
      }
    }
    return NONE;
  }

  static String readToken(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new InputException(file + ": cannot read the token file: " + e.getMessage(), e);
    }
    if (!text.matches("vrt_[A-Za-z0-9_-]+")) {
      throw new InputException(file + " line 1: not a vr-server token (vrt_...; POST /api/v1/tokens/ makes one)");
    }
    return text;
  }

  /** The {@code Authorization} header, or null. */
  String header() {
    return header;
  }

  /** Who these credentials say one is, for messages ("user alice", "the token in FILE"); never a secret. */
  public String who() {
    return who;
  }

  @Override
  public String toString() {
    return who;
  }
}
