package vr.builder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import vr.common.VrException;

/** Runs a short external command (an argument array, never a shell string) and captures its output. */
final class Commands {
  private Commands() {}

  record Result(int exitCode, String stdout, String stderr) {
    /** The last non-blank line of stderr (or stdout): what a one-line error should quote. */
    String lastLine() {
      String s = stderr.isBlank() ? stdout : stderr;
      String[] lines = s.strip().split("\\R");
      String last = lines[lines.length - 1].strip();
      return last.isEmpty() ? "exit status " + exitCode : last;
    }
  }

  static Result run(List<String> command, Map<String, String> env) {
    return run(command, env, null);
  }

  static Result run(List<String> command, Map<String, String> env, java.nio.file.Path dir) {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    try {
      Process p = pb.start();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread t = new Thread(() -> copy(p.getErrorStream(), err), "stderr-" + command.get(0));
      t.start();
      byte[] out = p.getInputStream().readAllBytes();
      int code = p.waitFor();
      t.join();
      return new Result(code, new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new VrException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while running " + command.get(0), e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      // the process is gone; what was read is what there is
    }
  }
}
