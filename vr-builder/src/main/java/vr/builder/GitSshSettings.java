package vr.builder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import vr.common.InputException;
import vr.common.repo.GitSsh;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/**
 * How vbuild reaches git repositories over SSH: each of the key, the known_hosts file and the ssh client config
 * from the environment ({@code VR_GIT_SSH_KEY}, {@code VR_GIT_KNOWN_HOSTS}, {@code VR_GIT_SSH_CONFIG}), else from
 * {@code git_ssh_key}, {@code git_known_hosts}, {@code git_ssh_config} in the settings file, else from the
 * running user's {@code ~/.ssh} ({@link GitSsh#of}). A file that is named must exist: a typo in a setting is an
 * input error at once, not an SSH failure later.
 */
public final class GitSshSettings {
  private GitSshSettings() {}

  /** One setting: its environment variable and its key in the settings file. */
  private enum Setting {
    KEY("VR_GIT_SSH_KEY", "git_ssh_key"),
    KNOWN_HOSTS("VR_GIT_KNOWN_HOSTS", "git_known_hosts"),
    CONFIG("VR_GIT_SSH_CONFIG", "git_ssh_config");

    final String env;
    final String key;

    Setting(String env, String key) {
      this.env = env;
      this.key = key;
    }
  }

  /** The settings from {@code env}, else from {@code config} when it exists, else the defaults. */
  public static GitSsh of(Map<String, String> env, Path config) {
    YamlMap y = config != null && Files.exists(config) ? Yaml.load(config) : null;
    return GitSsh.of(file(Setting.KEY, env, y), file(Setting.KNOWN_HOSTS, env, y), file(Setting.CONFIG, env, y));
  }

  private static Path file(Setting s, Map<String, String> env, YamlMap y) {
    String v = env.get(s.env);
    if (v != null && !v.isBlank()) {
      String problem = problem(v.strip());
      if (problem != null) {
        throw new InputException(s.env + " " + problem);
      }
      return Path.of(v.strip());
    }
    String fromFile = y == null ? null : y.string(s.key);
    if (fromFile == null || fromFile.isBlank()) {
      return null;
    }
    String problem = problem(fromFile.strip());
    if (problem != null) {
      throw y.error(s.key, problem);
    }
    return Path.of(fromFile.strip());
  }

  /** What is wrong with a named file (only its path is ever shown, never its content), or null. */
  private static String problem(String path) {
    Path p = Path.of(path);
    if (!p.isAbsolute()) {
      return "must be an absolute path, not " + InputException.quote(path);
    }
    if (!Files.isRegularFile(p)) {
      return "names " + path + ", which is not a file";
    }
    if (!Files.isReadable(p)) {
      return "names " + path + ", which cannot be read";
    }
    return null;
  }
}
