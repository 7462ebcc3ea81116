package vr.server.files;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Audit;
import vr.server.api.Json;
import vr.server.api.Router;

/**
 * Blobs over HTTP: {@code GET|HEAD /files/<key>[/<name>]} for runners (signed URLs) and users, and
 * {@code POST /api/v1/blobs/} to upload a prebuilt build or image (the original's {@code /upload/} form).
 *
 * <p>The original's {@code /files/<path>} was anonymous (section 7.5); here the route is {@link Access#SIGNED}. The
 * optional {@code <name>} after the key is the file name a runner keeps the download under (vrun names its cache
 * file and the image after the URL's last segment), and picks the {@code Content-Type}. Responses stream from the
 * store: ETag (the md5), {@code If-None-Match}, one byte range, never the whole blob in memory.
 */
public final class FileRoutes {
  public static final String FILES = "/files/";
  public static final String UPLOAD = "/api/v1/blobs/";
  /** Header or query parameter naming the md5 an upload must have. */
  public static final String MD5_HEADER = "X-Vr-Md5";
  public static final String MD5_PARAM = "md5";

  private static final int BUFFER = 256 * 1024;
  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._~-]+");

  private final BlobStore store;
  private final long maxUploadBytes;
  private final Audit audit;

  public FileRoutes(BlobStore store, long maxUploadBytes, Audit audit) {
    this.store = store;
    this.maxUploadBytes = maxUploadBytes;
    this.audit = audit;
  }

  /** Adds the file routes to {@code r}; uploads longer than {@code maxUploadBytes} get a 413. */
  public static FileRoutes register(Router r, BlobStore store, long maxUploadBytes, Audit audit) {
    FileRoutes f = new FileRoutes(store, maxUploadBytes, audit);
    r.get(FILES + "<path>", Access.SIGNED, "Download a build, image or log by key (signed URL or user); ranges, ETag", f::serve);
    r.head(FILES + "<path>", Access.SIGNED, "The headers of a download: size, md5 as ETag", f::serve);
    r.post(UPLOAD, Access.USER, "Upload a prebuilt build or image (raw body; md5 in " + MD5_HEADER + " or ?md5=); returns the blob",
        f::uploadRoute);
    return f;
  }

  /** The path under which a blob is served, with a file name for the runner ({@code name} may be null). */
  public static String path(String key, String name) {
    if (!BlobStore.isKey(key)) {
      throw new IllegalArgumentException("not a blob key: " + key);
    }
    if (name == null || name.isEmpty()) {
      return FILES + key;
    }
    if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("a file name for a URL uses only letters, digits, '.', '_', '~' and '-': " + name);
    }
    return FILES + key + "/" + name;
  }

  /** The signed relative URL for proc.yaml ({@code build_url}/{@code image_url}, after the server's base URL). */
  public static String signedUrl(SignedUrls urls, String key, String name, Duration ttl) {
    return urls.sign(path(key, name), ttl);
  }

  void serve(Context ctx) throws IOException {
    String rest = ctx.pathParam("path");
    int slash = rest.indexOf('/');
    String key = slash < 0 ? rest : rest.substring(0, slash);
    String name = slash < 0 ? "" : rest.substring(slash + 1);
    Blob blob = store.stat(key).orElseThrow(() -> ApiException.notFound("no such file"));
    String etag = "\"" + blob.md5() + "\"";
    ctx.header("ETag", etag);
    ctx.header("Accept-Ranges", "bytes");
    // Content-addressed: the bytes behind a key never change. Private: the URL is a credential.
    ctx.header("Cache-Control", "private, max-age=31536000, immutable");
    if (matches(ctx.header("If-None-Match"), blob.md5())) {
      ctx.status(304);
      return;
    }
    ByteRange range = ByteRange.FULL;
    String ifRange = ctx.header("If-Range");
    if (ifRange == null || ifRange.strip().equals(etag)) {
      range = ByteRange.parse(ctx.header("Range"), blob.size());
    }
    var res = ctx.res();
    if (range instanceof ByteRange.Unsatisfiable) {
      ctx.header("Content-Range", "bytes */" + blob.size());
      ctx.status(416);
      res.setContentLengthLong(0);
      return;
    }
    long first = 0;
    long length = blob.size();
    if (range instanceof ByteRange.Part p) {
      first = p.first();
      length = p.length();
      ctx.status(206);
      ctx.header("Content-Range", p.contentRange(blob.size()));
    } else {
      ctx.status(200);
    }
    res.setContentType(contentType(name));
    res.setContentLengthLong(length);
    if (ctx.method() == io.javalin.http.HandlerType.HEAD) {
      return;
    }
    // Straight to the servlet stream: Javalin's compressing stream would gzip a tarball again and drop the length.
    try (InputStream in = store.open(blob.key(), first)) {
      OutputStream out = res.getOutputStream();
      byte[] buf = new byte[BUFFER];
      long left = length;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException("blob " + key + " ended early");
        }
        if (!write(out, buf, n)) {
          return;
        }
        left -= n;
      }
      out.flush();
    }
  }

  /** False when the client went away (a runner killed mid-download): nothing to answer, nothing to log. */
  private static boolean write(OutputStream out, byte[] buf, int n) {
    try {
      out.write(buf, 0, n);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void uploadRoute(Context ctx) {
    Blob blob = upload(ctx);
    audit.record(Router.principal(ctx), "upload", "blob " + blob.key(), blob.size() + " bytes, md5 " + blob.md5(), false);
    ctx.status(201);
    ctx.header("Location", path(blob.key(), null));
    ctx.contentType("application/json");
    ctx.result(Json.write(json(blob)));
  }

  /**
   * Stores the request body (streamed) as a blob, for the build and image handlers to record. The expected md5
   * comes from the {@value #MD5_HEADER} header or the {@code md5} query parameter.
   *
   * @throws ApiException 400 on a malformed or mismatched md5, 413 above the size limit (nothing stored either way)
   */
  public Blob upload(Context ctx) {
    String fromHeader = ctx.header(MD5_HEADER);
    String fromQuery = ctx.queryParam(MD5_PARAM);
    String md5;
    try {
      String h = BlobStore.normalizeMd5(fromHeader);
      String q = BlobStore.normalizeMd5(fromQuery);
      if (h != null && q != null && !h.equals(q)) {
        throw ApiException.badField("md5", "md5: the " + MD5_HEADER + " header and the md5 parameter differ");
      }
      md5 = h != null ? h : q;
    } catch (IllegalArgumentException e) {
      throw ApiException.badField("md5", "md5: " + e.getMessage());
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxUploadBytes) {
      throw tooLarge();
    }
    try (InputStream in = ctx.req().getInputStream()) {
      return store.put(in, md5, maxUploadBytes);
    } catch (BlobStoreException.Md5Mismatch e) {
      throw ApiException.badField("md5", "md5: " + e.getMessage());
    } catch (BlobStoreException.TooLarge e) {
      throw tooLarge();
    } catch (IOException e) {
      throw ApiException.badRequest("the upload was interrupted: " + e.getMessage());
    }
  }

  /** The JSON shape of a blob in API responses. */
  public static Map<String, Object> json(Blob b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", b.key());
    m.put("md5", b.md5());
    m.put("sha256", b.sha256());
    m.put("size", b.size());
    return m;
  }

  private ApiException tooLarge() {
    return ApiException.of(413, "the upload is larger than the limit of " + maxUploadBytes + " bytes; nothing stored");
  }

  /** If-None-Match: {@code *} or a list of (weak or strong) entity tags, compared weakly (RFC 9110 13.1.2). */
  static boolean matches(String ifNoneMatch, String md5) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String t : ifNoneMatch.split(",")) {
      String tag = t.strip();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals("\"" + md5 + "\"")) {
        return true;
      }
    }
    return false;
  }

  static String contentType(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".tar.gz") || n.endsWith(".tgz") || n.endsWith(".gz")) {
      return "application/gzip";
    }
    if (n.endsWith(".tar")) {
      return "application/x-tar";
    }
    if (n.endsWith(".tar.xz") || n.endsWith(".xz")) {
      return "application/x-xz";
    }
    if (n.endsWith(".log") || n.endsWith(".txt")) {
      return "text/plain; charset=utf-8";
    }
    if (n.endsWith(".sh")) {
      return "text/x-shellscript; charset=utf-8";
    }
    return "application/octet-stream";
  }
}
