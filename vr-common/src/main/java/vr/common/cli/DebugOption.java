package vr.common.cli;

import picocli.CommandLine.Option;

/** The shared {@code --debug} flag: show stack traces for errors. Mix it into every command. */
public final class DebugOption {
  @Option(names = "--debug", description = "Print a stack trace with errors.", scope = picocli.CommandLine.ScopeType.INHERIT)
  boolean debug;

  public boolean enabled() {
    return debug;
  }
}
