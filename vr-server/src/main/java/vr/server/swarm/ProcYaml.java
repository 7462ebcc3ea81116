package vr.server.swarm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import vr.common.model.ProcData;
import vr.server.files.BlobStore;
import vr.server.files.FileRoutes;
import vr.server.files.SignedUrls;

/**
 * A new proc's proc.yaml (the original's {@code build_proc_info}): the release's config, env, volumes, user and
 * limits, the build's buildpack, and build and image URLs that are signed and expire, under the server's base
 * URL. The original's URLs were plain {@code /files/} paths that anyone could fetch.
 */
final class ProcYaml {
  private static final Pattern URL_NAME = Pattern.compile("[A-Za-z0-9._~-]+");

  private final SignedUrls urls;
  private final FlowSettings settings;

  ProcYaml(SignedUrls urls, FlowSettings settings) {
    this.urls = urls;
    this.settings = settings;
  }

  ProcData procData(SwarmRecord s, String host, int port) {
    SwarmRecord.Release r = s.release();
    String buildUrl = url(r.buildFile(), fileName(s.app() + "-" + r.tag() + "-" + r.buildMd5() + ".tar.gz", r.buildMd5()));
    String imageUrl = null;
    String imageName = null;
    String imageMd5 = null;
    if (r.image() != null) {
      imageName = r.image().name();
      imageMd5 = r.image().md5();
      imageUrl = url(r.image().file(), fileName(imageName + ".tar.gz", imageMd5));
    }
    List<ProcData.Volume> volumes = new ArrayList<>();
    for (Object v : r.volumes()) {
      List<?> pair = (List<?>) v;
      volumes.add(new ProcData.Volume(String.valueOf(pair.get(0)), String.valueOf(pair.get(1))));
    }
    return new ProcData(s.app(), s.repoUrl(), s.repoType(), r.buildpackUrl(), r.buildpackVersion(), s.configName(),
        r.env(), host, port, r.tag(), r.hash(), r.config(), r.runAs() == null ? "nobody" : r.runAs(), "nogroup",
        s.procName(), null, null, buildUrl, r.buildMd5(), imageUrl, imageName, imageMd5, volumes, r.memLimit(),
        r.memswLimit(), null, null, null);
  }

  byte[] bytes(SwarmRecord s, String host, int port) {
    return procData(s, host, port).toYaml().getBytes(StandardCharsets.UTF_8);
  }

  private String url(String key, String name) {
    if (!BlobStore.isKey(key)) {
      throw new SwarmFailedException("stored file '" + key + "' is not a blob key; upload the file through /api/v1/blobs/");
    }
    return settings.baseUrl() + FileRoutes.signedUrl(urls, key, name, settings.urlTtl());
  }

  /** The runner keeps a download under the URL's last segment; an app name a URL cannot carry falls back to the md5. */
  private static String fileName(String preferred, String md5) {
    return URL_NAME.matcher(preferred).matches() ? preferred : md5 + ".tar.gz";
  }
}
