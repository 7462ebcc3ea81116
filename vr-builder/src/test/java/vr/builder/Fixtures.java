package vr.builder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import vr.common.exec.Exec;
import vr.common.fs.Trees;

/** Test repositories: git and hg repos made from the apps and buildpacks in test resources. */
final class Fixtures {
  private Fixtures() {}

  static Path resource(String path) {
    try {
      return Path.of(Fixtures.class.getResource("/" + path).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A git repository at {@code dir} holding a copy of {@code src}, committed; executables under bin/ marked. */
  static Path gitRepo(Path src, Path dir) {
    copyTree(src, dir);
    run(dir, "git", "init", "-q", "-b", "main");
    commitGit(dir, "initial");
    return dir;
  }

  static String commitGit(Path dir, String message) {
    markExecutables(dir);
    run(dir, "git", "add", "-A");
    run(dir, "git", "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "--allow-empty",
        "-m", message);
    return run(dir, "git", "rev-parse", "HEAD").strip();
  }

  static void tagGit(Path dir, String tag) {
    run(dir, "git", "tag", "-f", tag);
  }

  static Path hgRepo(Path src, Path dir) {
    copyTree(src, dir);
    run(dir, "hg", "init");
    commitHg(dir, "initial");
    return dir;
  }

  static String commitHg(Path dir, String message) {
    markExecutables(dir);
    run(dir, "hg", "addremove", "-q");
    run(dir, "hg", "commit", "-u", "test", "-m", message);
    return run(dir, "hg", "log", "-r", ".", "--template", "{node}").strip();
  }

  static void tagHg(Path dir, String tag) {
    run(dir, "hg", "tag", "-f", "-u", "test", tag);
  }

  /** A git repository of the test buildpack {@code name} at {@code parent/name}. */
  static Path buildpack(String name, Path parent) {
    return gitRepo(resource("buildpacks/" + name), parent.resolve(name));
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void markExecutables(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> !p.toString().contains("/.git/") && !p.toString().contains("/.hg/"))
          .filter(p -> p.getParent().getFileName().toString().equals("bin") || p.getFileName().toString().endsWith(".sh")
              || p.getParent().getFileName().toString().equals("web"))
          .filter(Files::isRegularFile)
          .forEach(p -> p.toFile().setExecutable(true, false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void copyTree(Path src, Path dest) {
    try {
      Files.createDirectories(dest.getParent());
      Trees.copy(src, dest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a command in {@code dir}, returns stdout, fails the test on a non-zero exit. */
  static String run(Path dir, String... cmd) {
    Exec.Result r = Exec.of(List.of(cmd)).env(Map.of("HGPLAIN", "1", "GIT_CONFIG_NOSYSTEM", "1")).dir(dir).capture();
    if (r.exitCode() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + r.stderr() + r.stdout());
    }
    return r.stdout();
  }

  /** An app.yaml text. */
  static String appYaml(String name, String type, Path repo, String version, List<String> buildpacks, boolean single) {
    List<String> lines = new ArrayList<>();
    lines.add("app_name: " + name);
    lines.add("app_repo_type: " + type);
    lines.add("app_repo_url: " + repo);
    lines.add("version: '" + version + "'");
    if (single) {
      lines.add("buildpack_url: " + buildpacks.get(0));
    } else {
      lines.add("buildpack_urls:");
      buildpacks.forEach(b -> lines.add("- " + b));
    }
    return String.join("\n", lines) + "\n";
  }
}
