package vr.server.swarm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import vr.common.VrException;
import vr.common.yaml.Yaml;

/**
 * What one build needs, read from the records: the app, the tag, the buildpacks and the OS image. Becomes the
 * {@code build_job.yaml} vbuild reads (reference 2.1, the original's {@code get_build_parameters}): the app's own
 * buildpack alone, else every buildpack in order for vbuild to detect; the image by a signed URL to the server.
 */
public record BuildInputs(long buildId, long appId, String appName, String repoUrl, String repoType, String tag,
    Long osImageId, String buildpackUrl, List<String> buildpackUrls, Image image) {

  /** An active OS image of the app's stack: its name, stored file (blob key) and md5. */
  public record Image(String name, String fileKey, String md5) {}

  /** {@code <app>-<tag>}: the title of the build's events. */
  public String title() {
    return appName + "-" + tag;
  }

  /** Reads the build's inputs; fails (one line) when there is nothing to build with. */
  public static BuildInputs read(Handle h, long buildId) {
    Map<String, Object> b = h.createQuery("SELECT b.id, b.tag, b.os_image_id, a.id AS app_id, a.name, a.repo_url, "
            + "a.repo_type, a.buildpack_id FROM builds b JOIN apps a ON a.id = b.app_id WHERE b.id = :b")
        .bind("b", buildId).mapToMap().findOne().orElseThrow(() -> new VrException("no build " + buildId));
    String own = null;
    List<String> all = null;
    if (b.get("buildpack_id") != null) {
      own = h.createQuery("SELECT repo_url FROM buildpacks WHERE id = :i").bind("i", b.get("buildpack_id"))
          .mapTo(String.class).one();
    } else {
      all = h.createQuery("SELECT repo_url FROM buildpacks ORDER BY sort_order, id").mapTo(String.class).list();
      if (all.isEmpty()) {
        throw new VrException("no buildpacks: app " + b.get("name") + " has none and none are defined");
      }
    }
    Long imageId = b.get("os_image_id") == null ? null : ((Number) b.get("os_image_id")).longValue();
    Image image = null;
    if (imageId != null) {
      Optional<Map<String, Object>> img = h.createQuery("SELECT name, file, file_md5 FROM os_images WHERE id = :i")
          .bind("i", imageId).mapToMap().findOne();
      if (img.isEmpty() || img.get().get("file") == null) {
        throw new VrException("OS image " + imageId + " of build " + buildId + " has no stored file");
      }
      image = new Image((String) img.get().get("name"), (String) img.get().get("file"), (String) img.get().get("file_md5"));
    }
    return new BuildInputs(buildId, ((Number) b.get("app_id")).longValue(), (String) b.get("name"),
        (String) b.get("repo_url"), (String) b.get("repo_type"), (String) b.get("tag"), imageId, own, all, image);
  }

  /**
   * The build_job.yaml for vbuild; {@code imageUrl} is the image's full signed URL (null without an image, when
   * vbuild uses the build host's default stack).
   */
  public String yaml(String imageUrl) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("app_name", appName);
    m.put("app_repo_url", repoUrl);
    m.put("app_repo_type", repoType);
    m.put("version", tag);
    if (buildpackUrl != null) {
      m.put("buildpack_url", buildpackUrl);
    } else {
      m.put("buildpack_urls", buildpackUrls);
    }
    if (image != null) {
      m.put("image_name", image.name());
      m.put("image_url", imageUrl);
      if (image.md5() != null) {
        m.put("image_md5", image.md5());
      }
    }
    return Yaml.dump(m);
  }
}
