package vr.common.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The suite's version as the build stamped it. Kept free of picocli types so that it loads cheaply. */
public final class Version {
  private Version() {}

  /** e.g. {@code 0.1.0}; {@code unknown} outside a Maven build. */
  public static String get() {
    // The tools' jars carry it in their manifest (cheap: the JVM has read it already for -jar).
    String fromManifest = Version.class.getPackage().getImplementationVersion();
    if (fromManifest != null) {
      return fromManifest;
    }
    try (InputStream in = Version.class.getResourceAsStream("/vr/common/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
