package vr.server.auth;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import vr.common.InputException;
import vr.common.VrException;
import vr.server.store.Database;

/**
 * {@code vr-server create-user NAME}: adds a user to the server's database (the first admin, typically). The
 * password comes from stdin, one line, or on a terminal is typed twice without echo; never from the command
 * line, where {@code ps} and shell history would show it.
 */
@Command(name = "create-user", mixinStandardHelpOptions = true,
    description = {"Create a user of the server (or, with --update, set an existing user's password).",
        "The password is read from stdin (one line); on a terminal it is asked for twice, without echo.",
        "Example: printf '%%s\\n' \"$PASSWORD\" | vr-server create-user alice --admin --data-dir /var/lib/vr-server"})
public final class CreateUserCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "The username: letters, digits and @ . + - _ (at most 150).")
  String name;

  @Option(names = "--admin", negatable = true,
      description = "Make the user an admin (--no-admin: take the flag away, with --update). Default: not an admin.")
  Boolean admin;

  @Option(names = "--update", description = "When the user exists, set its password (and --admin/--no-admin) and reactivate it.")
  boolean update;

  @Option(names = "--config", paramLabel = "<file>",
      description = "The server's settings file (default $APP_SETTINGS_YAML); its database is used.")
  Path config;

  @Option(names = "--data-dir", paramLabel = "<dir>", description = "The server's data directory (its H2 database).")
  Path dataDir;

  @Option(names = "--database-url", paramLabel = "<url>", defaultValue = "${env:VR_DATABASE_URL}",
      description = "A jdbc:postgresql: URL instead of the data directory's H2 (default: $VR_DATABASE_URL). "
          + "User and password from $VR_DATABASE_USER and $VR_DATABASE_PASSWORD.")
  String databaseUrl;

  @Spec CommandSpec spec;

  private final InputStream stdin;
  private final Supplier<Console> console;

  public CreateUserCommand() {
    this(System.in, CreateUserCommand::terminal);
  }

  /** For tests: {@code console} gives null when there is no terminal. */
  CreateUserCommand(InputStream stdin, Supplier<Console> console) {
    this.stdin = stdin;
    this.console = console;
  }

  @Override
  public Integer call() {
    String p = Users.problem(name);
    if (p != null) {
      throw new InputException("NAME " + InputException.quote(name) + ": " + p);
    }
    String password = readPassword();
    p = Passwords.problem(password);
    if (p != null) {
      throw new InputException(p);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Database db = open()) {
      Users users = new Users(db.jdbi(), new Passwords(), Clock.systemUTC());
      Optional<User> existing = users.find(name);
      if (existing.isPresent()) {
        if (!update) {
          throw new InputException("user '" + name + "' exists (--update sets its password)");
        }
        long id = existing.get().id();
        users.setPassword(id, password);
        users.setActive(id, true);
        if (admin != null) {
          users.setAdmin(id, admin);
        }
        new Sessions(db.jdbi(), Clock.systemUTC(), AuthSettings.defaults().sessionLifetime()).deleteForUser(id);
        out.println("updated user " + name + (users.find(name).orElseThrow().admin() ? " (admin)" : ""));
      } else {
        try {
          users.create(name, password, Boolean.TRUE.equals(admin));
        } catch (Users.Exists e) {
          throw new InputException(e.getMessage() + " (--update sets its password)");
        }
        out.println("created user " + name + (Boolean.TRUE.equals(admin) ? " (admin)" : ""));
      }
    }
    return 0;
  }

  /** The server's own database: --database-url, else --data-dir's H2, else what the server's settings say. */
  private Database open() {
    if (databaseUrl != null && !databaseUrl.isBlank()) {
      return Database.open(databaseUrl, System.getenv("VR_DATABASE_USER"), System.getenv("VR_DATABASE_PASSWORD"));
    }
    if (dataDir == null) {
      vr.server.config.ServerSettings s = vr.server.config.ServerSettings.load(
          vr.server.config.ServerSettings.file(config, System.getenv()), System.getenv());
      if (s.databaseUrl() != null) {
        return Database.open(s.databaseUrl(), s.databaseUser(), s.databasePassword());
      }
      dataDir = s.dataDir();
    }
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new VrException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
    }
    return Database.open(Database.h2Url(dataDir), null, null);
  }

  private String readPassword() {
    Console c = console.get();
    if (c != null) {
      char[] one = c.readPassword("Password for %s: ", name);
      char[] two = one == null ? null : c.readPassword("Password again: ");
      try {
        if (one == null || two == null) {
          throw new InputException("no password given");
        }
        if (!Arrays.equals(one, two)) {
          throw new InputException("the passwords differ");
        }
        return new String(one);
      } finally {
        if (one != null) {
          Arrays.fill(one, '\0');
        }
        if (two != null) {
          Arrays.fill(two, '\0');
        }
      }
    }
    try {
      String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
      return line == null ? "" : line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    } catch (IOException e) {
      throw new VrException("cannot read the password from stdin: " + e.getMessage(), e);
    }
  }

  /** The terminal, or null when stdin/stdout are not one (JDK 22+ gives a Console either way: ask it). */
  private static Console terminal() {
    Console c = System.console();
    if (c == null) {
      return null;
    }
    try {
      Object t = Console.class.getMethod("isTerminal").invoke(c);
      return Boolean.TRUE.equals(t) ? c : null;
    } catch (ReflectiveOperationException e) {
      return c; // JDK 17-21: a Console exists only on a terminal
    }
  }
}
