package vr.server.domain;

import java.util.Map;

/** A config ingredient: a named piece of config and env that swarms share. */
public record Ingredient(String name, Map<String, Object> config, Map<String, Object> env) {
  public Ingredient {
    config = config == null ? Map.of() : config;
    env = env == null ? Map.of() : env;
  }
}
