package vr.common.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vr.common.InputException;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/**
 * An app.yaml (what to build) or a build_result.yaml (what was built: the same keys plus
 * {@code build_md5}, the exact {@code buildpack_url#revision}, {@code buildpack_version} and
 * {@code release_data}). Feeding a build_result.yaml back to vbuild repeats the build.
 */
public record BuildData(
    String appName,
    String appRepoUrl,
    String appRepoType,
    String version,
    String buildpackUrl,
    List<String> buildpackUrls,
    String buildpackVersion,
    String imageUrl,
    String imageName,
    String imageMd5,
    String buildMd5,
    Map<String, Object> releaseData,
    Map<String, Object> extra) {

  public static final Set<String> KEYS =
      Set.of("app_name", "app_repo_url", "app_repo_type", "version", "buildpack_url", "buildpack_urls",
          "buildpack_version", "image_url", "image_name", "image_md5", "build_md5", "release_data");

  public BuildData {
    buildpackUrls = buildpackUrls == null ? null : List.copyOf(buildpackUrls);
    extra = extra == null ? Map.of() : extra;
  }

  public static BuildData load(Path file) {
    return from(Yaml.load(file));
  }

  public static BuildData from(YamlMap y) {
    String appName = y.requireString("app_name");
    if (!appName.matches("[A-Za-z0-9_.]+")) {
      throw y.error("app_name", "may contain only letters, digits, '_' and '.' (it is part of proc names)");
    }
    String type = y.requireString("app_repo_type");
    if (!type.equals("git") && !type.equals("hg")) {
      throw y.error("app_repo_type", "must be git or hg, not " + InputException.quote(type));
    }
    List<String> urls = null;
    List<Object> raw = y.list("buildpack_urls");
    if (raw != null) {
      urls = new ArrayList<>();
      for (Object o : raw) {
        if (!(o instanceof String s) || s.isBlank()) {
          throw y.error("buildpack_urls", "must be a list of URLs");
        }
        urls.add(s);
      }
    }
    String bp = y.string("buildpack_url");
    if ((bp == null || bp.isBlank()) && (urls == null || urls.isEmpty())) {
      throw InputException.at(y.file(), y.lineOf("buildpack_url"), "buildpack_url: a build needs buildpack_url or buildpack_urls");
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    for (String k : y.keys()) {
      if (!KEYS.contains(k)) {
        extra.put(k, y.get(k));
      }
    }
    String imageName = y.string("image_name");
    if (imageName != null) {
      String problem = Names.fileNameProblem(imageName);
      if (problem != null) {
        throw y.error("image_name", problem + ", not " + InputException.quote(imageName));
      }
    }
    String md5 = y.string("image_md5");
    checkMd5(y, "image_md5", md5);
    checkMd5(y, "build_md5", y.string("build_md5"));
    return new BuildData(appName, y.requireString("app_repo_url"), type, y.requireString("version"), bp, urls,
        y.string("buildpack_version"), y.string("image_url"), imageName, md5, y.string("build_md5"),
        y.map("release_data"), extra);
  }

  static void checkMd5(YamlMap y, String key, String v) {
    if (v != null && !v.matches("[0-9a-fA-F]{32}")) {
      throw y.error(key, "must be 32 hex digits");
    }
  }

  /** The buildpacks to try, in order: {@code buildpack_url} alone when set, else {@code buildpack_urls}. */
  public List<String> buildpacks() {
    return buildpackUrl != null && !buildpackUrl.isBlank() ? List.of(buildpackUrl) : buildpackUrls;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(extra);
    m.put("app_name", appName);
    m.put("app_repo_url", appRepoUrl);
    m.put("app_repo_type", appRepoType);
    m.put("version", version);
    m.put("buildpack_url", buildpackUrl);
    m.put("buildpack_urls", buildpackUrls);
    m.put("buildpack_version", buildpackVersion);
    m.put("image_url", imageUrl);
    m.put("image_name", imageName);
    m.put("image_md5", imageMd5);
    m.put("build_md5", buildMd5);
    m.put("release_data", releaseData);
    return m;
  }

  public String toYaml() {
    return Yaml.dump(toMap());
  }
}
