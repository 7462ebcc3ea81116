package vr.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import vr.common.VrException;
import vr.common.container.Cgroups;
import vr.common.container.ContainerSpec;
import vr.common.container.Lxc;
import vr.common.fs.VrPaths;

/**
 * What vrun's launcher needs to start a set-up proc without a JVM: {@code prepared-run} and
 * {@code prepared-proc.yaml} in the proc's folder, written after setup and after every start that went
 * through Java. The launcher execs the recorded command line only when everything it was made from is
 * unchanged: the proc.yaml's bytes (compared with the copy), {@code $VR_ROOT}, the boot (a reboot may bring
 * other cgroups), the runner's jar and its CDS archive, {@code /etc/passwd} and {@code /etc/group} (older
 * than the record), the
 * files the container needs; and when no cgroup of an earlier container of the proc is left (a killed
 * monitor's, which Java's start removes first). Otherwise it asks Java, which prepares the container and
 * writes the record again.
 *
 * <p>The record is only written when the proc.yaml is in the proc's folder, as the server puts it
 * ({@code /apps/procs/<name>/proc.yaml}), because that is where the launcher looks for it. Lines:
 * <pre>
 *   root &lt;VR_ROOT&gt;      boot &lt;boot id&gt;
 *   need &lt;path&gt;         must exist
 *   gone &lt;path&gt;         must not exist, nor &lt;path&gt;-&lt;n&gt;
 *   argv &lt;argument&gt;     the command line, one argument per line
 * </pre>
 */
final class PreparedRun {
  static final String RECORD = "prepared-run";
  static final String YAML_COPY = "prepared-proc.yaml";
  static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

  private PreparedRun() {}

  /** Removes the record, so that the next start goes through Java (setup does this first). */
  static void forget(ProcLayout layout) {
    try {
      Files.deleteIfExists(layout.dir().resolve(RECORD));
    } catch (IOException e) {
      throw new VrException("cannot remove " + layout.dir().resolve(RECORD) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Records how {@code spec}, just prepared, is started; {@code yamlFile} holding {@code yamlText} is the
   * proc.yaml it was made from. Nothing is recorded (and an old record removed) when that file is not in
   * the proc's folder or the boot id cannot be read.
   */
  static void record(VrPaths paths, ProcLayout layout, ContainerSpec spec, Cgroups cgroups, Path image,
      Path yamlFile, String yamlText) {
    forget(layout);
    Path parent = yamlFile.toAbsolutePath().getParent();
    try {
      if (yamlText == null || parent == null || !Files.isSameFile(parent, layout.dir())) {
        return;
      }
      String boot = Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
      StringBuilder b = new StringBuilder("# vrun's launcher starts the proc from this without a JVM while it holds;"
          + " see docs/runners.md\n");
      line(b, "root", paths.root().toString());
      line(b, "boot", boot);
      for (Path p : List.of(Lxc.configFile(spec), spec.upper(), layout.layer().resolve(ProcScripts.PROC_SH.substring(1)),
          image)) {
        line(b, "need", p.toString());
      }
      for (Path h : cgroups.hierarchies()) {
        line(b, "gone", h.resolve("lxc.payload." + spec.name()).toString());
        line(b, "gone", h.resolve("lxc.monitor." + spec.name()).toString());
      }
      for (String a : Lxc.argv(spec)) {
        line(b, "argv", a);
      }
      write(layout.dir().resolve(YAML_COPY), yamlText);
      write(layout.dir().resolve(RECORD), b.toString());
    } catch (IOException | IllegalArgumentException e) {
      // Only a shortcut is lost: without a record the next start goes through Java, which tries again.
      System.err.println("vrun: warning: cannot record the prepared start in " + layout.dir() + ": " + e.getMessage());
    }
  }

  private static void line(StringBuilder b, String key, String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("'" + value + "' has a line break");
    }
    b.append(key).append(' ').append(value).append('\n');
  }

  /** Writes {@code file} atomically, readable by its owner only: the proc.yaml's copy may hold secrets. */
  private static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
