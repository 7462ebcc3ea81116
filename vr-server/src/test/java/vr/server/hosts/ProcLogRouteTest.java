package vr.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vr.server.TestServer;
import vr.server.api.Json;
import vr.server.api.Router;
import vr.server.records.ProcSource;
import vr.server.store.Database;

/**
 * The proc log route answers server-sent events when asked (or text), so the route table and the OpenAPI
 * document list it as a stream, as the other routes under {@code /api/streams/} are.
 */
class ProcLogRouteTest {
  private static final String PATH = "/api/streams/proc_log/{hostname}/{procname}/";

  @Test
  void theProcLogRouteIsListedAsAStream(@TempDir Path dir) throws Exception {
    Consumer<Router> hostRoutes = r -> HostRoutes.register(r, null, null, null, host -> false, id -> Optional.empty());
    try (TestServer s = new TestServer(Database.h2Url(dir), ProcSource.NONE, List.of(hostRoutes))) {
      Router.Route route = s.app.routes().stream().filter(r -> r.path().equals(PATH)).findFirst().orElseThrow();
      assertThat(route.sse()).isTrue();
      assertThat(route.method().name()).isEqualTo("GET");
      JsonNode doc = Json.MAPPER.readTree(s.get("/api/v1/openapi.json").body());
      assertThat(doc.at("/paths/~1api~1streams~1proc_log~1{hostname}~1{procname}~1/get/responses/200/description").asText())
          .isEqualTo("a text/event-stream");
      // still an ordinary handler behind the access check: an unknown host is a JSON 404, not a stream
      assertThat(s.get("/api/streams/proc_log/nohost/web/").statusCode()).isEqualTo(404);
      assertThat(s.send("GET", "/api/streams/proc_log/nohost/web/", null, false).statusCode()).isEqualTo(401);
    }
  }
}
