package vr.server.domain;

import java.util.List;
import java.util.Map;

/**
 * What a swarm contributes to its release besides the build: its own config and env (laid over its
 * ingredients'), volumes, user and memory limits.
 */
public record SwarmSettings(Map<String, Object> config, Map<String, Object> env, List<List<String>> volumes,
    String runAs, String memLimit, String memswLimit, List<Ingredient> ingredients) {
  public SwarmSettings {
    config = config == null ? Map.of() : config;
    env = env == null ? Map.of() : env;
    volumes = volumes == null ? List.of() : volumes;
    ingredients = ingredients == null ? List.of() : List.copyOf(ingredients);
  }
}
