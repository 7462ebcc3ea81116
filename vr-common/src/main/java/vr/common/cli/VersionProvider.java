package vr.common.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** Supplies {@code --version} from the version the build stamped into vr-common. */
public final class VersionProvider implements CommandLine.IVersionProvider {

  /** The suite's version, e.g. {@code 0.1.0}, or {@code unknown} outside a Maven build. */
  public static String version() {
    try (InputStream in = VersionProvider.class.getResourceAsStream("/vr/common/version.properties")) {
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

  @Override
  public String[] getVersion() {
    return new String[] {"${COMMAND-FULL-NAME} (vr-suite) " + version()};
  }
}
