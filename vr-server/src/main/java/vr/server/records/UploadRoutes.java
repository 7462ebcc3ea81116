package vr.server.records;

import io.javalin.http.Context;
import java.time.OffsetDateTime;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import vr.common.model.Hashing;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Json;
import vr.server.api.Router;
import vr.server.api.rest.Records;
import vr.server.api.rest.RenderContext;
import vr.server.api.rest.RestResource;
import vr.server.domain.Rules;
import vr.server.files.Blob;
import vr.server.files.FileRoutes;

/**
 * Prebuilt builds and images uploaded through the API (the original's {@code /upload/} form): the body is stored
 * (md5 checked) and recorded as a successful build of an app at a tag, or as an image's file. The request is
 * checked before its body is read, so bad input stores nothing.
 */
public final class UploadRoutes {
  private final Jdbi jdbi;
  private final Audit audit;
  private final FileRoutes files;
  private final Map<String, RestResource> rest;

  public UploadRoutes(Jdbi jdbi, Audit audit, FileRoutes files, Map<String, RestResource> rest) {
    this.jdbi = jdbi;
    this.audit = audit;
    this.files = files;
    this.rest = rest;
  }

  public void register(Router r) {
    r.post("/api/v1/builds/upload/", Access.USER,
        "Upload a prebuilt build (?app=NAME&tag=TAG, md5 in X-Vr-Md5 or ?md5=): a successful build of it (201)", this::build);
    r.post("/api/v1/images/{name}/upload/", Access.USER,
        "Upload an OS image's file (md5 in X-Vr-Md5 or ?md5=)", this::image);
  }

  void build(Context ctx) {
    String app = ctx.queryParam("app");
    String tag = Rules.tag("tag", ctx.queryParam("tag"));
    long appId = jdbi.withHandle(h -> Records.idByName(h, "apps", app == null ? "" : app))
        .orElseThrow(() -> ApiException.badField("app", "app: no app '" + app + "'"));
    Long image = jdbi.withHandle(h -> ReleaseService.osImage(h, appId).orElse(null));
    Blob blob = files.upload(ctx);
    Map<String, Object> out = jdbi.inTransaction(h -> {
      String imageMd5 = image == null ? null
          : (String) Records.byId(h, "os_images", image).orElseThrow().get("file_md5");
      OffsetDateTime now = OffsetDateTime.now();
      long id = h.createUpdate("INSERT INTO builds (app_id, tag, os_image_id, file, file_md5, hash, status, start_time, end_time) "
              + "VALUES (:a, :t, :i, :f, :m, :h, 'success', :n, :n)")
          .bind("a", appId).bind("t", tag).bind("i", image).bind("f", blob.key()).bind("m", blob.md5())
          .bind("h", Hashing.buildHash(blob.md5(), imageMd5)).bind("n", now)
          .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
      return rest.get("builds").render(h, Records.byId(h, "builds", id).orElseThrow(), new RenderContext());
    });
    audit.record(Router.principal(ctx), "upload", app + "-" + tag, blob.size() + " bytes, md5 " + blob.md5(), false);
    ctx.status(201).header("Location", (String) out.get("resource_uri"));
    ctx.contentType("application/json").result(Json.write(out));
  }

  void image(Context ctx) {
    String name = ctx.pathParam("name");
    long id = jdbi.withHandle(h -> Records.idByName(h, "os_images", name))
        .orElseThrow(() -> ApiException.notFound("no image '" + name + "'"));
    Blob blob = files.upload(ctx);
    Map<String, Object> out = jdbi.inTransaction(h -> {
      h.createUpdate("UPDATE os_images SET file = :f, file_md5 = :m WHERE id = :i")
          .bind("f", blob.key()).bind("m", blob.md5()).bind("i", id).execute();
      return rest.get("images").render(h, Records.byId(h, "os_images", id).orElseThrow(), new RenderContext());
    });
    audit.record(Router.principal(ctx), "upload", "image " + name, blob.size() + " bytes, md5 " + blob.md5(), false);
    ctx.contentType("application/json").result(Json.write(out));
  }
}
