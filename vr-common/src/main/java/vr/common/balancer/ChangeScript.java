package vr.common.balancer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import vr.common.VrException;
import vr.common.ssh.CommandResult;
import vr.common.exec.Shell;

/**
 * The one remote shell script that makes a pool change on a balancer host, so that a change costs one SSH
 * round trip instead of six (lock, read, write, validate, apply, unlock each took a channel and a remote
 * shell). Under an exclusive {@code flock} on the lock file, it compares the pool's files with the contents
 * the change was computed from (compare-and-swap: when another process changed them meanwhile it answers
 * {@code stale} with their current contents, for the caller to compute again); writes each changed file
 * atomically (a hidden temp file beside it, renamed over it); runs the backend's activation (validate and
 * apply); and when that fails puts the old contents back and runs the backend's undo. It answers on stdout in
 * lines the caller parses ({@code vr-result}, {@code vr-file}, {@code vr-fail}, ...), texts base64-encoded.
 *
 * <p>Activation and undo are shell function bodies that may call {@code vr_run <what> <command>} (runs an
 * operator's command with the lock's descriptor closed, so a daemon it starts cannot hold the lock; on failure
 * reports "<what> failed (exit n): <output>" and returns 1), {@code vr_try <message> <command>} (the same,
 * reporting "<message>: <output>"), {@code vr_fail <message> [output]} and {@code vr_warn <message> [output]};
 * {@code $vr_out} holds the last command's output. Activation returns non-zero on failure.
 */
final class ChangeScript {
  /**
   * The largest script sent: the kernel takes a single argument of at most 128 KiB ({@code MAX_ARG_STRLEN}), and
   * the script is one ({@code sh -c <script>}). It carries a changed file's old and new contents.
   */
  static final int MAX_CHARS = 120_000;

  static final String PRELUDE = """
      umask 022
      vr_phase=fail
      vr_b64() { printf %s "$1" | base64 | tr -d '\\n'; }
      vr_say() { printf '%s %s %s\\n' "$1" "$(vr_b64 "$2")" "$(vr_b64 "${3-}")"; }
      vr_fail() { vr_say "vr-$vr_phase" "$1" "${2-}"; return 1; }
      vr_warn() { vr_say vr-warn "$1" "${2-}"; }
      vr_run() { vr_out=$(exec 9>&-; eval "$2" 2>&1); vr_rc=$?; [ $vr_rc = 0 ] || vr_fail "$1 failed (exit $vr_rc)" "$vr_out"; }
      vr_try() { vr_out=$(exec 9>&-; eval "$2" 2>&1); vr_rc=$?; [ $vr_rc = 0 ] || vr_fail "$1" "$vr_out"; }
      vr_dump() { if [ -e "$2" ]; then printf 'vr-file %s %s\\n' "$1" "$(base64 < "$2" | tr -d '\\n')"; else printf 'vr-file %s -\\n' "$1"; fi; }
      vr_same() {
        if [ ! -e "$1" ]; then [ "$2" = absent ]; return; fi
        [ "$2" = present ] || return 1
        vr_c=
        while IFS= read -r vr_l || [ -n "$vr_l" ]; do vr_c="$vr_c$vr_l
      "; done < "$1"
        [ "$vr_c" = "$3" ]
      }
      vr_put() { [ ! -e "$2" ] || rm -f -- "$2"; printf %s "$3" > "$2" && mv -f -- "$2" "$1" || { rm -f -- "$2"; vr_fail "cannot write $1"; }; }
      vr_del() { [ ! -e "$1" ] || rm -f -- "$1" || vr_fail "cannot remove $1"; }
      """;

  private ChangeScript() {}

  /** A script that prints the files' contents (no lock: every file is replaced atomically). */
  static String read(List<String> files) {
    StringBuilder sb = new StringBuilder(PRELUDE);
    for (int i = 0; i < files.size(); i++) {
      sb.append("vr_dump ").append(i).append(' ').append(Shell.quote(files.get(i))).append('\n');
    }
    return sb.append("echo vr-result read\n").toString();
  }

  /**
   * The change script. {@code current}: the contents the change was computed from (null = absent), in the
   * order of the pool's files; {@code next}: the new contents of the files to write (null = remove), or null
   * when nothing changes (the script then only confirms the files are as expected). {@code lock}: take the
   * lock (false when the caller holds it already).
   */
  static String change(String lockFile, Duration lockTimeout, boolean lock, Map<String, String> current, Map<String, String> next,
      String activation, String undo) {
    StringBuilder sb = new StringBuilder(PRELUDE);
    if (lock) {
      String dir = lockFile.substring(0, Math.max(1, lockFile.lastIndexOf('/')));
      String lockTries = "could not lock " + lockFile + " within " + Math.max(1, lockTimeout.toSeconds()) + " s";
      sb.append("[ -d ").append(Shell.quote(dir)).append(" ] || mkdir -p -- ").append(Shell.quote(dir))
          .append(" || { vr_fail ").append(Shell.quote("cannot create " + dir)).append("; echo vr-result untouched; exit 0; }\n");
      sb.append("exec 9>>").append(Shell.quote(lockFile)).append(" && flock -x -w ").append(Math.max(1, lockTimeout.toSeconds()))
          .append(" 9 || { vr_fail ").append(Shell.quote(lockTries)).append("; echo vr-result untouched; exit 0; }\n");
    }
    List<String> files = new ArrayList<>(current.keySet());
    for (int i = 0; i < files.size(); i++) {
      String old = current.get(files.get(i));
      sb.append("vr_o").append(i).append('=').append(Shell.quote(old == null ? "" : lines(old))).append('\n');
      sb.append("vr_same ").append(Shell.quote(files.get(i))).append(old == null ? " absent" : " present").append(" \"$vr_o").append(i)
          .append("\" || vr_stale=1\n");
    }
    sb.append("if [ \"${vr_stale-}\" = 1 ]; then\n");
    for (int i = 0; i < files.size(); i++) {
      sb.append("  vr_dump ").append(i).append(' ').append(Shell.quote(files.get(i))).append('\n');
    }
    sb.append("  echo vr-result stale; exit 0\nfi\n");
    if (next == null) {
      return sb.append("echo vr-result unchanged\n").toString();
    }
    sb.append("vr_activate() {\n").append(activation).append("\n}\n");
    sb.append("vr_undo() {\n").append(undo).append("\n:\n}\n");
    sb.append("vr_ok=1\n");
    StringBuilder restore = new StringBuilder();
    for (Map.Entry<String, String> e : next.entrySet()) {
      String file = e.getKey();
      sb.append("[ $vr_ok = 0 ] || ").append(put(file, e.getValue() == null ? null : Shell.quote(e.getValue()))).append(" || vr_ok=0\n");
      int i = files.indexOf(file);
      String old = i < 0 ? null : current.get(file);
      restore.append(put(file, old == null ? null : "\"$vr_o" + i + "\"")).append('\n');
    }
    sb.append("[ $vr_ok = 0 ] || vr_activate || vr_ok=0\n");
    sb.append("if [ $vr_ok = 1 ]; then echo vr-result ok; exit 0; fi\n");
    sb.append("vr_phase=restore-fail\n").append(restore);
    sb.append("vr_phase=undo-fail\nvr_undo\necho vr-result failed\n");
    return sb.toString();
  }

  private static String put(String file, String quotedContent) {
    return quotedContent == null ? "vr_del " + Shell.quote(file)
        : "vr_put " + Shell.quote(file) + " " + Shell.quote(tempName(file)) + " " + quotedContent;
  }

  /** The text as the script reads it back line by line: ending with a newline unless empty. */
  static String lines(String text) {
    return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
  }

  /** {@code dir/.name.vr-tmp}: beside the target (same file system, so the rename is atomic), hidden from include globs. */
  static String tempName(String path) {
    int slash = path.lastIndexOf('/');
    return path.substring(0, slash + 1) + "." + path.substring(slash + 1) + ".vr-tmp";
  }

  /** What the script answered. */
  record Answer(String result, Map<Integer, String> files, List<String> failures, List<String> restoreFailures, List<String> undoFailures,
      List<String> warnings) {

    static Answer parse(CommandResult r) {
      String result = null;
      Map<Integer, String> files = new LinkedHashMap<>();
      List<String> fail = new ArrayList<>();
      List<String> restore = new ArrayList<>();
      List<String> undo = new ArrayList<>();
      List<String> warn = new ArrayList<>();
      for (String line : r.stdout().split("\n")) {
        String[] f = line.split(" ", -1);
        switch (f[0]) {
          case "vr-result" -> result = f.length > 1 ? f[1] : "";
          case "vr-file" -> files.put(Integer.parseInt(f[1]), f[2].equals("-") ? null : decode(f[2]));
          case "vr-fail" -> fail.add(message(f));
          case "vr-restore-fail" -> restore.add(message(f));
          case "vr-undo-fail" -> undo.add(message(f));
          case "vr-warn" -> warn.add(message(f));
          default -> { } // anything a login script printed
        }
      }
      if (r.exitCode() != 0 || result == null) {
        throw new VrException("the change script failed (exit " + r.exitCode() + "): " + summary(r.stderr().isBlank() ? r.stdout() : r.stderr()));
      }
      return new Answer(result, files, fail, restore, undo, warn);
    }

    /** The files' current contents, by name, from a {@code stale} or {@code read} answer. */
    Map<String, String> contents(List<String> names) {
      Map<String, String> out = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), files.get(i));
      }
      return out;
    }

    /** The failure as one message: what failed, then whether the old config is back. */
    String failureMessage() {
      String m = failures.isEmpty() ? "failed" : String.join("; ", failures);
      String more = "";
      for (String s : restoreFailures) {
        more += "; restoring failed too: " + s;
      }
      for (String s : undoFailures) {
        more += "; undoing failed too: " + s;
      }
      return m + (more.isEmpty() ? " (previous config restored)" : more);
    }
  }

  private static String message(String[] f) {
    String what = f.length > 1 ? decode(f[1]) : "";
    String out = f.length > 2 ? decode(f[2]) : "";
    return out.isBlank() ? what : what + ": " + summary(out);
  }

  /** Output trimmed to one line of at most 300 characters, for messages. */
  static String summary(String output) {
    String s = output.strip().replaceAll("\\s*\\n\\s*", " | ");
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static String decode(String b64) {
    return new String(Base64.getMimeDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  static boolean same(String a, String b) {
    return Objects.equals(a == null ? null : lines(a), b == null ? null : lines(b));
  }
}
