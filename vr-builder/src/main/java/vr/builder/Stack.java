package vr.builder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import vr.common.InputException;
import vr.common.fs.VrPaths;
import vr.common.model.BuildData;
import vr.common.model.Names;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/**
 * The stack (OS image) a build runs on: the app's {@code image_url}/{@code image_name}/{@code image_md5}, or
 * the build host's default stack. The original fell back to a runner that no longer existed, so image-less
 * builds could not work at all; here the default comes from {@code VBUILD_DEFAULT_IMAGE_URL} (with
 * {@code _NAME} and {@code _MD5}) or from {@code image_url}/{@code image_name}/{@code image_md5} in
 * {@code /etc/vr/vbuild.yaml}, and without either the missing {@code image_url} is an input error.
 */
public record Stack(String url, String name, String md5) {

  /** Where a build host's default stack is configured unless {@code --config} names another file. */
  public static final Path DEFAULT_CONFIG = Path.of("/etc/vr/vbuild.yaml");

  /** The app's own stack, or {@code defaults}; throws an exit-2 error naming {@code image_url} when neither. */
  public static Stack of(BuildData data, Path appYaml, Stack defaults) {
    if (data.imageUrl() != null && !data.imageUrl().isBlank()) {
      return new Stack(data.imageUrl(), nameOrDerived(data.imageName(), data.imageUrl()), data.imageMd5());
    }
    if (defaults != null) {
      return defaults;
    }
    throw InputException.at(appYaml, 0, "image_url is missing and this host has no default stack "
        + "(set VBUILD_DEFAULT_IMAGE_URL or image_url in " + DEFAULT_CONFIG + ")");
  }

  /**
   * The host's default stack from the environment ({@code VBUILD_DEFAULT_IMAGE_URL}, {@code _NAME},
   * {@code _MD5}) or else from {@code config} when it exists; null when neither configures one.
   */
  public static Stack defaults(Map<String, String> env, Path config) {
    String url = env.get("VBUILD_DEFAULT_IMAGE_URL");
    if (url != null && !url.isBlank()) {
      String md5 = blankToNull(env.get("VBUILD_DEFAULT_IMAGE_MD5"));
      if (md5 != null && !md5.matches("[0-9a-fA-F]{32}")) {
        throw new InputException("VBUILD_DEFAULT_IMAGE_MD5 must be 32 hex digits");
      }
      String name = blankToNull(env.get("VBUILD_DEFAULT_IMAGE_NAME"));
      if (name != null && Names.fileNameProblem(name) != null) {
        throw new InputException("VBUILD_DEFAULT_IMAGE_NAME " + Names.fileNameProblem(name) + ", not " + InputException.quote(name));
      }
      return new Stack(url, nameOrDerived(name, url), md5);
    }
    if (config == null || !Files.exists(config)) {
      return null;
    }
    YamlMap y = Yaml.load(config);
    String u = y.string("image_url");
    if (u == null || u.isBlank()) {
      return null;
    }
    String md5 = y.string("image_md5");
    if (md5 != null && !md5.matches("[0-9a-fA-F]{32}")) {
      throw y.error("image_md5", "must be 32 hex digits");
    }
    String name = y.string("image_name");
    if (name != null && !name.matches("[A-Za-z0-9_.]+")) {
      throw y.error("image_name", "may contain only letters, digits, '_' and '.'");
    }
    if (name != null && Names.fileNameProblem(name) != null) {
      throw y.error("image_name", Names.fileNameProblem(name) + ", not " + InputException.quote(name));
    }
    return new Stack(u, nameOrDerived(name, u), md5);
  }

  /** Without {@code image_name} the image is cached under its tarball's name without the extension. */
  static String nameOrDerived(String name, String url) {
    if (name != null && !name.isBlank()) {
      return name;
    }
    String base = VrPaths.basename(url).replaceAll("\\.(tar\\.gz|tgz|tar\\.bz2|tar\\.xz|tar)$", "");
    return base.replaceAll("[^A-Za-z0-9_.]", "_");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
