package vr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import vr.cli.api.ServerClient;
import vr.common.InputException;
import vr.common.VrException;

/** Builds through the API (reference 1.4 {@code Build.assemble}): create the record, then start it. */
final class Builds {
  private Builds() {}

  /** A started build: its id and the trace of its events. */
  record Started(long id, String trace) {}

  static Started assemble(ServerClient client, String app, String tag) {
    String appUri;
    try {
      appUri = client.get("api/v1/apps/" + URLEncoder.encode(app, StandardCharsets.UTF_8) + "/").path("resource_uri").asText();
    } catch (ServerClient.NotFound e) {
      throw new InputException("no app " + InputException.quote(app) + " on the server");
    }
    HttpResponse<String> created = client.post("api/v1/builds/", Map.of("app", appUri, "tag", tag));
    String location = created.headers().firstValue("Location")
        .orElseThrow(() -> new VrException("the server made the build but did not say where (no Location header)"));
    String path = URI.create(location).getPath();
    JsonNode started = ServerClient.json(client.post(path.endsWith("/") ? path + "build/" : path + "/build/", Map.of()));
    return new Started(started.path("build_id").asLong(), started.path("trace_id").asText());
  }
}
