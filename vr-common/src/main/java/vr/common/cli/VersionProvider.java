package vr.common.cli;

import picocli.CommandLine;

/** Supplies {@code --version} from the version the build stamped into the tools. */
public final class VersionProvider implements CommandLine.IVersionProvider {

  /** The suite's version, e.g. {@code 0.1.0}. */
  public static String version() {
    return Version.get();
  }

  @Override
  public String[] getVersion() {
    return new String[] {"${COMMAND-FULL-NAME} (vr-suite) " + Version.get()};
  }
}
