package vr.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import vr.common.InputException;
import vr.common.VrException;
import vr.common.container.ContainerSpec;
import vr.common.container.Lxc;
import vr.common.fs.AtomicFiles;
import vr.common.fs.VrPaths;

/**
 * What vrun's launcher needs to start a set-up proc's container, or its uptests' containers, without a JVM
 * reading anything first: in the proc's folder, {@code prepared-run}, {@code prepared-uptest} with the
 * uptest containers' config {@code prepared-uptest.conf}, and {@code prepared-proc.yaml}, a copy of the
 * proc.yaml they were made from. Setup and every start that went through Java write them all; uptests that
 * went through Java write their two again when the copy is still current. The launcher trusts a record only
 * when everything it was made from is unchanged: the proc.yaml's bytes (compared with the copy),
 * {@code $VR_ROOT}, the boot (a reboot may bring other cgroups), the runner's jar and its CDS archive,
 * {@code /etc/passwd} and {@code /etc/group} (older than the record), the files the containers need; and,
 * for a start, when no cgroup of an earlier container of the proc is left (a killed monitor's, which Java's
 * start removes first). Otherwise it asks Java, which reads the proc.yaml.
 *
 * <p>With a current {@code prepared-run} the launcher execs the recorded command line: no JVM at all. With a
 * current {@code prepared-uptest} it starts the uptest containers itself, each with
 * {@code lxc-execute -f prepared-uptest.conf -s lxc.rootfs.path=<its own upper dir>}, while a JVM, started at
 * the same time, times them out, reads their output and prints the JSON ({@link Uptests#judge}).
 *
 * <p>Records are only written when the proc.yaml is in the proc's folder, as the server puts it
 * ({@code /apps/procs/<name>/proc.yaml}), because that is where the launcher looks for them. Lines:
 * <pre>
 *   root &lt;VR_ROOT&gt;      boot &lt;boot id&gt;
 *   need &lt;path&gt;         must exist
 *   gone &lt;path&gt;         must not exist, nor &lt;path&gt;-&lt;n&gt;
 *   argv &lt;argument&gt;     the command line, one argument per line (prepared-run)
 *   data &lt;key&gt; &lt;value&gt;  how the uptests are started (prepared-uptest; see {@link #uptestRecord})
 * </pre>
 */
final class PreparedRun {
  static final String RECORD = "prepared-run";
  static final String UPTEST_RECORD = "prepared-uptest";
  static final String UPTEST_CONF = "prepared-uptest.conf";
  static final String YAML_COPY = "prepared-proc.yaml";
  static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
  private static final String HEADER = "# vrun's launcher uses this while it holds; see docs/runners.md\n";

  private PreparedRun() {}

  /** Removes the records, so that the next start and uptest go through Java (setup does this first). */
  static void forget(ProcLayout layout) {
    forget(layout.dir().resolve(RECORD));
    forget(layout.dir().resolve(UPTEST_RECORD));
    forget(layout.dir().resolve(UPTEST_CONF));
  }

  private static void forget(Path record) {
    try {
      Files.deleteIfExists(record);
    } catch (IOException e) {
      throw new VrException("cannot remove " + record + ": " + e.getMessage(), e);
    }
  }

  /**
   * Records how {@code spec}, just prepared, is started and how the proc's uptests are; {@code yamlFile}
   * holding {@code yamlText} is the proc.yaml they were made from. Nothing is recorded (and old records
   * removed) when that file is not in the proc's folder or the boot id cannot be read.
   */
  static void record(VrPaths paths, ProcLayout layout, ContainerSpec spec, UptestTemplate uptests, Path image,
      Path yamlFile, String yamlText) {
    forget(layout);
    try {
      if (!inProcFolder(layout, yamlFile, yamlText)) {
        return;
      }
      StringBuilder b = header(paths);
      for (Path p : List.of(Lxc.configFile(spec), spec.upper(), layout.layer().resolve(ProcScripts.PROC_SH.substring(1)),
          image)) {
        line(b, "need", p.toString());
      }
      for (Path h : uptests.cgroups().hierarchies()) {
        line(b, "gone", h.resolve("lxc.payload." + spec.name()).toString());
        line(b, "gone", h.resolve("lxc.monitor." + spec.name()).toString());
      }
      for (String a : Lxc.argv(spec)) {
        line(b, "argv", a);
      }
      String uptestRecord = uptestRecord(paths, uptests, image);
      // The copy first: a record is only ever trusted together with the copy it was made with.
      write(layout.dir().resolve(YAML_COPY), yamlText);
      write(layout.dir().resolve(RECORD), b.toString());
      write(layout.dir().resolve(UPTEST_CONF), uptests.configText());
      write(layout.dir().resolve(UPTEST_RECORD), uptestRecord);
    } catch (IOException | IllegalArgumentException | InputException e) {
      // Only a shortcut is lost: without a record the next start goes through Java, which tries again.
      warn(layout, e);
    }
  }

  /**
   * After uptests that went through Java: records their template again when the copy of the proc.yaml still
   * holds {@code yamlText} (after an upgrade of the runner, say). When it does not, the proc.yaml changed
   * since the last setup or start, and the next start records both. The copy is checked again after the
   * write, because a start may record a newer proc.yaml meanwhile (starts hold the proc.yaml's lock,
   * uptests do not); the record is removed if so.
   */
  static void recordUptests(VrPaths paths, ProcLayout layout, UptestTemplate uptests, Path image, Path yamlFile,
      String yamlText) {
    Path record = layout.dir().resolve(UPTEST_RECORD);
    try {
      if (!inProcFolder(layout, yamlFile, yamlText) || !copyHolds(layout, yamlText)) {
        return;
      }
      String text = uptestRecord(paths, uptests, image);
      write(layout.dir().resolve(UPTEST_CONF), uptests.configText());
      write(record, text);
      if (!copyHolds(layout, yamlText)) {
        Files.deleteIfExists(record);
      }
    } catch (IOException | IllegalArgumentException | InputException e) {
      warn(layout, e);
    }
  }

  /**
   * {@code prepared-uptest}: the check lines, then the launcher's {@code data} lines. It starts uptest
   * {@code <file>} (each {@code test} line: the proc's uptests as listed when the record was made, see
   * {@link UptestTemplate#names}; the launcher itself lists nothing in the app, which the proc owns) as container
   * {@code <container>-l<its pid>.<n>}, with {@code <scratch>/<name>/upper} as its writable layer and its
   * output in {@code <scratch>/<name>/output}:
   * <pre>
   *   &lt;lxc-execute&gt; -P &lt;lxcpath&gt; -n &lt;name&gt; -f prepared-uptest.conf -s lxc.rootfs.path=&lt;rootfs&gt;&lt;upper&gt;
   *       -- &lt;argv...&gt; &lt;inside&gt;/&lt;file&gt; &lt;host&gt; &lt;port&gt;
   * </pre>
   * and passes all {@code data} lines on to Java, which finds the containers' cgroups from {@code cgroups}
   * (version, memory controller, swap limit) and the {@code hierarchy} lines.
   */
  private static String uptestRecord(VrPaths paths, UptestTemplate t, Path image) throws IOException {
    StringBuilder b = header(paths);
    ProcLayout layout = t.layout();
    for (Path p : List.of(layout.layer().resolve(ProcScripts.PROC_SH.substring(1)), layout.app(), image,
        layout.lxcPath(), layout.dir().resolve(UPTEST_CONF))) {
      line(b, "need", p.toString());
    }
    line(b, "data lxc-execute", Lxc.lxcExecute());
    line(b, "data lxcpath", layout.lxcPath().toString());
    line(b, "data container", layout.containerName());
    line(b, "data scratch", layout.scratch().toString());
    line(b, "data rootfs", t.rootfs());
    if (t.procName() != null) {
      StringBuilder tests = new StringBuilder();
      for (String n : t.names()) {
        if (n.indexOf('\n') >= 0 || n.indexOf('\r') >= 0) {
          tests.setLength(0);
          line(tests, "data by-java", "a name has a line break"); // the launcher reports a line each
          break;
        }
        line(tests, "data test", n);
      }
      b.append(tests);
      line(b, "data inside", UptestTemplate.INSIDE + t.procName());
    }
    for (String a : ProcContainers.wrapped(List.of())) {
      line(b, "data argv", a);
    }
    line(b, "data host", t.host());
    line(b, "data port", Integer.toString(t.port()));
    line(b, "data cgroups", t.cgroups().version() + " " + t.cgroups().memory() + " " + t.cgroups().swapLimit());
    for (Path h : t.cgroups().hierarchies()) {
      line(b, "data hierarchy", h.toString());
    }
    return b.toString();
  }

  private static StringBuilder header(VrPaths paths) throws IOException {
    StringBuilder b = new StringBuilder(HEADER);
    line(b, "root", paths.root().toString());
    line(b, "boot", Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip());
    return b;
  }

  private static boolean inProcFolder(ProcLayout layout, Path yamlFile, String yamlText) throws IOException {
    Path parent = yamlFile.toAbsolutePath().getParent();
    return yamlText != null && parent != null && Files.isSameFile(parent, layout.dir());
  }

  private static boolean copyHolds(ProcLayout layout, String yamlText) throws IOException {
    Path copy = layout.dir().resolve(YAML_COPY);
    return Files.isRegularFile(copy) && Files.readString(copy, StandardCharsets.UTF_8).equals(yamlText);
  }

  private static void warn(ProcLayout layout, Exception e) {
    System.err.println("vrun: warning: cannot record the prepared start in " + layout.dir() + ": " + e.getMessage());
  }

  private static void line(StringBuilder b, String key, String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("'" + value + "' has a line break");
    }
    b.append(key).append(' ').append(value).append('\n');
  }

  /**
   * Writes {@code file} atomically, readable by its owner only (the proc.yaml's copy may hold secrets), without
   * fsync: a record torn by a crash is not current and is made again by the next start through Java.
   */
  private static void write(Path file, String text) {
    AtomicFiles.writeString(file, text, null, false);
  }

}
