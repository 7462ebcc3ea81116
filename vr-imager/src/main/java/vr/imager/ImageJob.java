package vr.imager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import vr.common.InputException;
import vr.common.fs.VrPaths;
import vr.common.model.ImageData;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/**
 * An image.yaml checked and resolved for a build: where the base image and the provisioning script come from.
 * A relative {@code base_image_url} or {@code script_url} is a path relative to the directory holding the
 * image.yaml (not the current directory), so an image.yaml and its script can be kept and used together from
 * anywhere. Every problem with the file is an input error naming its line, found before anything is touched.
 *
 * @param data the image.yaml as read
 * @param file the image.yaml itself
 * @param baseSource the base tarball: an http(s) or file URL, or an absolute path
 * @param scriptSource the provisioning script: an http(s) URL, or an absolute path
 */
public record ImageJob(ImageData data, Path file, String baseSource, String scriptSource) {

  /** Tarball suffixes the extractor knows. */
  static final List<String> TARBALL_SUFFIXES = List.of(".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".tar");

  /** Reads and checks {@code imageYaml}; throws an {@link vr.common.InputException} (exit 2) on any problem. */
  public static ImageJob load(Path imageYaml) {
    Path file = imageYaml.toAbsolutePath().normalize();
    YamlMap y = Yaml.load(file);
    ImageData d = ImageData.from(y);
    Path dir = file.getParent();

    String base = resolve(y, "base_image_url", d.baseImageUrl(), dir, true);
    String name = VrPaths.basename(d.baseImageUrl()).toLowerCase(Locale.ROOT);
    if (TARBALL_SUFFIXES.stream().noneMatch(name::endsWith)) {
      throw y.error("base_image_url", "must name a tarball (" + String.join(", ", TARBALL_SUFFIXES) + "), not '"
          + VrPaths.basename(d.baseImageUrl()) + "'");
    }
    String script = resolve(y, "script_url", d.scriptUrl(), dir, false);
    String scriptName = VrPaths.basename(d.scriptUrl());
    if (scriptName.isEmpty() || scriptName.equals(".") || scriptName.equals("..")) {
      throw y.error("script_url", "must name a file, not " + InputException.quote(d.scriptUrl()));
    }
    return new ImageJob(d, file, base, script);
  }

  /**
   * The source of a {@code *_url} value: URLs as given, paths made absolute against the image.yaml's directory.
   * A local file that is missing is reported here, at its line, rather than halfway through the build.
   */
  static String resolve(YamlMap y, String key, String value, Path dir, boolean fileUrlAllowed) {
    String v = value.strip();
    if (v.isEmpty()) {
      throw y.error(key, "must not be empty");
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return v;
    }
    Path local;
    if (lower.startsWith("file:")) {
      try {
        local = Path.of(java.net.URI.create(v));
      } catch (IllegalArgumentException e) {
        throw y.error(key, "is not a valid file URL: " + e.getMessage());
      }
    } else if (v.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      throw y.error(key, "has an unsupported URL scheme (use http://, https://, "
          + (fileUrlAllowed ? "file:// " : "") + "or a path): " + v);
    } else {
      local = dir.resolve(v).normalize();
    }
    if (!Files.isRegularFile(local)) {
      throw y.error(key, (Files.exists(local) ? "is not a regular file: " : "names a missing file: ") + local);
    }
    return local.toString();
  }

  public String newImageName() {
    return data.newImageName();
  }

  /** The name the provisioning script keeps inside the container (the last segment of its URL). */
  public String scriptName() {
    return VrPaths.basename(data.scriptUrl());
  }

  /** The cached base tarball's file name: the last segment of its URL, as the original cached it. */
  public String baseTarballName() {
    return VrPaths.basename(data.baseImageUrl());
  }
}
