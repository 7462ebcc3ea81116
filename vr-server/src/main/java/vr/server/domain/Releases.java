package vr.server.domain;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import vr.common.model.Hashing;

/**
 * How a swarm's release is made (the original's {@code Swarm.get_config}, {@code get_env} and
 * {@code get_current_release}): config and env compiled from ingredients and the swarm, and an existing
 * release reused when an equal one exists, else a new one.
 */
public final class Releases {
  private Releases() {}

  /**
   * The compiled config: {@code {}}, updated with each ingredient's config in the order of their names, then
   * with the swarm's config. Shallow: a key of a later one replaces the whole value of an earlier one.
   */
  public static Map<String, Object> config(List<Ingredient> ingredients, Map<String, Object> swarmConfig) {
    Map<String, Object> out = new LinkedHashMap<>();
    byName(ingredients).forEach(i -> out.putAll(i.config()));
    if (swarmConfig != null) {
      out.putAll(swarmConfig);
    }
    return out;
  }

  /** The compiled env: the build's env (its buildpack's config_vars), then the ingredients', then the swarm's. */
  public static Map<String, Object> env(Map<String, Object> buildEnv, List<Ingredient> ingredients,
      Map<String, Object> swarmEnv) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (buildEnv != null) {
      out.putAll(buildEnv);
    }
    byName(ingredients).forEach(i -> out.putAll(i.env()));
    if (swarmEnv != null) {
      out.putAll(swarmEnv);
    }
    return out;
  }

  /** The release a swarm wants on a build: its compiled config and env, and its own volumes, user and limits. */
  public static ReleaseSpec compile(long buildId, Map<String, Object> buildEnv, SwarmSettings swarm) {
    return new ReleaseSpec(buildId, config(swarm.ingredients(), swarm.config()),
        env(buildEnv, swarm.ingredients(), swarm.env()), swarm.volumes(), swarm.runAs(), swarm.memLimit(),
        swarm.memswLimit());
  }

  /**
   * The original's {@code release_eq}: the same config, env and volumes, an absent one being empty. Values are
   * compared as the release hash sees them, so {@code 1} read from JSON equals {@code 1} read from YAML and
   * key order does not matter.
   */
  public static boolean releaseEquals(ReleaseSpec a, ReleaseSpec b) {
    return same(a.config(), b.config()) && same(a.env(), b.env()) && same(a.volumes(), b.volumes());
  }

  /** Whether {@code existing} can serve as {@code wanted}: the same build, user and limits, and release_eq. */
  public static boolean reusable(ReleaseSpec existing, ReleaseSpec wanted) {
    return existing.buildId() == wanted.buildId() && existing.runAs().equals(wanted.runAs())
        && Objects.equals(existing.memLimit(), wanted.memLimit())
        && Objects.equals(existing.memswLimit(), wanted.memswLimit()) && releaseEquals(existing, wanted);
  }

  /**
   * The release to reuse for {@code wanted}: the first (newest) of {@code newestFirst} that is
   * {@link #reusable}; empty when a new release must be made. The caller hashes a reused release that has no
   * hash yet once its build has one, as the original did.
   */
  public static Optional<ExistingRelease> choose(List<ExistingRelease> newestFirst, ReleaseSpec wanted) {
    return newestFirst.stream().filter(r -> reusable(r.spec(), wanted)).findFirst();
  }

  private static List<Ingredient> byName(List<Ingredient> ingredients) {
    if (ingredients == null) {
      return List.of();
    }
    return ingredients.stream().sorted(Comparator.comparing(Ingredient::name)).toList();
  }

  private static boolean same(Object a, Object b) {
    return Hashing.serialize(a).equals(Hashing.serialize(b));
  }
}
