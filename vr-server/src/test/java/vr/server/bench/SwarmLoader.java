package vr.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a running vr-server through its API with the records of {@code scripts/bench server}: 5 squads of 3
 * hosts, 10 ingredients, 50 apps and N swarms (default 1,000), each swarm with 2 or 3 ingredients, its own
 * config and env, and a version, so that it has a release and a build (builds are shared by the swarms of an
 * app at one tag). Everything goes through POST, as a client would make it, so the rows are what the API
 * writes.
 *
 * <p>Usage: {@code SwarmLoader BASE_URL USER PASSWORD [SWARMS]}; prints the number of swarms created.
 */
public final class SwarmLoader {
  static final int SQUADS = 5;
  static final int HOSTS_PER_SQUAD = 3;
  static final int APPS = 50;
  static final int INGREDIENTS = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String auth;

  SwarmLoader(String base, String user, String password) {
    this.base = base;
    this.auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public static void main(String[] args) throws Exception {
    int swarms = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
    SwarmLoader l = new SwarmLoader(args[0], args[1], args[2]);
    System.out.println(l.load(swarms));
  }

  int load(int swarms) throws Exception {
    for (int s = 0; s < SQUADS; s++) {
      post("/api/v1/squads/", Map.of("name", "squad" + s));
      for (int h = 0; h < HOSTS_PER_SQUAD; h++) {
        post("/api/v1/hosts/", Map.of("name", "host" + s + "-" + h + ".example", "squad", "/api/v1/squads/squad" + s + "/"));
      }
    }
    for (int i = 0; i < INGREDIENTS; i++) {
      post("/api/v1/ingredients/", Map.of("name", "ingredient" + i,
          "config_yaml", Map.of("db_host", "db" + i + ".example", "pool_size", 5 + i, "feature_" + i, true),
          "env_yaml", Map.of("INGREDIENT_" + i, "on", "TZ", "UTC")));
    }
    for (int a = 0; a < APPS; a++) {
      post("/api/v1/apps/", Map.of("name", "app" + a, "repo_url", "https://git.example/app" + a + ".git"));
    }
    int made = 0;
    for (int i = 0; i < swarms; i++) {
      int app = i % APPS;
      int squad = (i / APPS) % SQUADS;
      List<String> ingredients = new ArrayList<>();
      for (int k = 0; k < 2 + i % 2; k++) {
        ingredients.add("/api/v1/ingredients/" + (1 + (i + 3 * k) % INGREDIENTS) + "/");
      }
      Map<String, Object> swarm = new LinkedHashMap<>();
      swarm.put("app", "/api/v1/apps/app" + app + "/");
      swarm.put("squad", "/api/v1/squads/squad" + squad + "/");
      swarm.put("config_name", "conf" + (i / (APPS * SQUADS)));
      swarm.put("proc_name", "web");
      swarm.put("size", 1 + i % 3);
      swarm.put("version", "v1." + (i % 3));
      swarm.put("config_ingredients", ingredients);
      swarm.put("config_yaml", Map.of("workers", 1 + i % 8, "name", "swarm" + i));
      swarm.put("env_yaml", Map.of("SWARM", Integer.toString(i)));
      swarm.put("volumes", List.of(List.of("/srv/data/app" + app, "/data")));
      post("/api/v1/swarms/", swarm);
      made++;
    }
    return made;
  }

  private JsonNode post(String path, Object body) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", auth).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
