package vr.builder;

import java.nio.file.Path;
import vr.common.model.Hashing;
import vr.common.repo.Repo;

/**
 * The builder's own directory ({@code /apps/builder}, or {@code $RAPTOR_HOME} as in the original): shared
 * repository stores under {@code repo/} and {@code buildpacks/}, per-app buildpack caches under {@code cache/},
 * lock files under {@code locks/} and each build's scratch directory under {@code build/} (on the same file
 * system as the caches, so that a successful build's cache replaces the old one by a rename).
 */
public record BuilderHome(Path root) {

  public static BuilderHome fromEnvironment() {
    String r = System.getenv("RAPTOR_HOME");
    return new BuilderHome(Path.of(r == null || r.isBlank() ? "/apps/builder" : r).toAbsolutePath());
  }

  public Path repos() {
    return root.resolve("repo");
  }

  public Path buildpacks() {
    return root.resolve("buildpacks");
  }

  public Path caches() {
    return root.resolve("cache");
  }

  public Path locks() {
    return root.resolve("locks");
  }

  public Path scratch() {
    return root.resolve("build");
  }

  /** {@code <home>/repo/<basename>-<md5 of the url without fragment>}. */
  public Path appStore(String url) {
    return repos().resolve(storeName(url));
  }

  /** {@code <home>/buildpacks/<basename>-<md5 of the url without fragment>}. */
  public Path buildpackStore(String url) {
    return buildpacks().resolve(storeName(url));
  }

  /** {@code <home>/cache/<app name>-<md5 of the app's url without fragment>}. */
  public Path cache(String appName, String appUrl) {
    return caches().resolve(appName + "-" + Hashing.md5Hex(Repo.withoutFragment(appUrl)));
  }

  /** The lock file for {@code key} (a URL): {@code <home>/locks/<md5 of key>}. */
  public Path lock(String key) {
    return locks().resolve(Hashing.md5Hex(Repo.withoutFragment(key)));
  }

  static String storeName(String url) {
    String base = Repo.basename(url).replaceAll("[^A-Za-z0-9_.-]", "_");
    if (base.isEmpty() || base.startsWith(".")) {
      base = "repo" + base;
    }
    return base + "-" + Hashing.md5Hex(Repo.withoutFragment(url));
  }
}
