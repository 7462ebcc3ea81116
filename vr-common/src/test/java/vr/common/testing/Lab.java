package vr.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A squad of real app hosts on this machine ({@code scripts/lab}) for a test class: registered as a static
 * extension, it brings the lab up before the class and takes it down after it, also when tests failed. Each
 * instance has a name of its own (from this JVM's pid and a counter), so its namespaces, devices, address
 * range and state directory never meet another run's.
 *
 * <pre>
 * {@literal @}RegisterExtension static final Lab lab = Lab.of(2, () -&gt; toolsDir);
 * ... lab.hosts().get(0).name() ...
 * </pre>
 */
public final class Lab implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  /** One host as {@code scripts/lab status --json} describes it. */
  public record Host(String name, String address, int sshPort, String user, Path keyFile, Path knownHosts,
      Path supervisorSocket, Path includeDir, String root, Path rootDir, Path vrun, String netns, Path logs) {
    /** The host as the SSH client names it: {@code user@name} (port 22). */
    public String ssh() {
      return user + "@" + name + (sshPort == 22 ? "" : ":" + sshPort);
    }

    /** A pid file of the host's daemons: {@code sshd}, {@code supervisord} or {@code init}. */
    public Path pidFile(String daemon) {
      return supervisorSocket.getParent().resolve(daemon + ".pid");
    }
  }

  /** Where the lab's tools (vrun, proc_publisher) are; asked when the lab comes up. */
  public interface Tools {
    Path dir() throws Exception;
  }

  private final String name;
  private final int count;
  private final Tools tools;
  private String redisUrl;
  private Path stateDir;
  private List<Host> hosts = List.of();

  private Lab(String name, int count, Tools tools) {
    this.name = name;
    this.count = count;
    this.tools = tools;
  }

  /** A lab of {@code count} hosts with a fresh name, not up yet. */
  public static Lab of(int count, Tools tools) {
    // at most 12 characters: "t", a pid (at most 5 in base 36), "x", a counter
    return new Lab("t" + Long.toString(ProcessHandle.current().pid(), 36) + "x" + COUNTER.incrementAndGet(), count, tools);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    up();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    down();
  }

  @Override
  public void close() {
    down();
  }

  /** {@code scripts/lab up}; on failure the script has rolled back, and the error names its logs. */
  public Lab up() throws Exception {
    Prereqs.root();
    Result r = lab(List.of("--tools", tools.dir().toString(), "-q", "up", Integer.toString(count)));
    if (r.exit != 0) {
      throw new AssertionError("scripts/lab up " + count + " failed (exit " + r.exit + "): " + r.output);
    }
    JsonNode s = status();
    redisUrl = s.get("redis_url").asText();
    stateDir = Path.of(s.get("state_dir").asText());
    List<Host> hs = new ArrayList<>();
    for (JsonNode h : s.get("hosts")) {
      JsonNode sup = h.get("supervisor");
      hs.add(new Host(h.get("name").asText(), h.get("address").asText(), h.get("ssh_port").asInt(), h.get("user").asText(),
          Path.of(h.get("key_file").asText()), Path.of(h.get("known_hosts").asText()),
          Path.of(sup.get("socket").asText()), Path.of(sup.get("include_dir").asText()), h.get("root").asText(),
          Path.of(h.get("root_dir").asText()), Path.of(h.get("vrun").asText()), h.get("netns").asText(),
          Path.of(h.get("logs").asText())));
    }
    hosts = List.copyOf(hs);
    return this;
  }

  /** {@code scripts/lab down}: quiet when it is down already; fails when the script did. */
  public void down() {
    Result r = lab(List.of("-q", "down"));
    if (r.exit != 0) {
      throw new AssertionError("scripts/lab down failed (exit " + r.exit + "): " + r.output);
    }
  }

  /** {@code scripts/lab status --json}, parsed. */
  public JsonNode status() throws IOException {
    Result r = lab(List.of("status", "--json"));
    if (r.exit != 0) {
      throw new AssertionError("scripts/lab status failed (exit " + r.exit + "): " + r.output);
    }
    return new ObjectMapper().readTree(r.output);
  }

  public String name() {
    return name;
  }

  public List<Host> hosts() {
    return hosts;
  }

  /** The Redis every host's proc_publisher publishes to, with its password. */
  public String redisUrl() {
    return redisUrl;
  }

  public Path stateDir() {
    return stateDir;
  }

  /** The checkout's {@code scripts/lab}, found from the working directory up. */
  public static Path script() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isExecutable(d.resolve("scripts/lab"))) {
        return d.resolve("scripts/lab");
      }
    }
    throw new AssertionError("scripts/lab not found above " + Path.of("").toAbsolutePath());
  }

  /** Runs {@code scripts/lab --name NAME ARGS} and returns its exit code and output (stdout, then stderr). */
  public Result lab(List<String> args) {
    return lab(java.util.Map.of(), args);
  }

  /** {@link #lab(List)} with extra environment variables (e.g. {@code VR_LAB_DIR}). */
  public Result lab(java.util.Map<String, String> env, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(script().toString(), "--name", name));
    cmd.addAll(args);
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("scripts/lab " + args + " did not finish within 3 minutes");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** An exit code and what the script printed. */
  public record Result(int exit, String output) {}

  /**
   * vrun and proc_publisher as scripts/build lays them out (its launcher, the modules' self-contained jars from
   * their target folders), without CDS: what a lab needs during {@code mvn verify}, before dist/ exists. The test's
   * module must depend on the tools' modules (vr-runner, vr-agent, ...) so that their jars are built first.
   */
  public static Path toolsFromTargets(Path dist) throws IOException {
    return toolsFromTargets(dist, Set.of("vrun", "proc_publisher"));
  }

  /** The named tools ({@code vrun}, {@code vbuild}, ...) laid out the same way; see {@link #toolsFromTargets(Path)}. */
  public static Path toolsFromTargets(Path dist, Set<String> names) throws IOException {
    Path top = script().getParent().getParent();
    Files.createDirectories(dist.resolve("bin"));
    Files.createDirectories(dist.resolve("lib"));
    String launcher = Files.readString(top.resolve("scripts/lib/launcher.sh"));
    for (String line : Files.readAllLines(top.resolve("scripts/lib/tools.sh"))) {
      String[] f = line.replace("TOOLS=\"", "").replace("\"", "").split(":", 3);
      if (f.length < 3 || !names.contains(f[0])) {
        continue;
      }
      String module = f[1];
      Path jar;
      try (Stream<Path> s = Files.list(top.resolve(module).resolve("target"))) {
        jar = s.filter(p -> p.getFileName().toString().endsWith("-all.jar")).findFirst()
            .orElseThrow(() -> new AssertionError(module + "'s self-contained jar is not built (mvn package)"));
      }
      String main = Files.readString(top.resolve(module).resolve("pom.xml")).replaceAll("(?s).*<vr.tool.main>(.*?)</vr.tool.main>.*", "$1");
      Files.copy(jar, dist.resolve("lib").resolve(module + ".jar"));
      Path bin = dist.resolve("bin").resolve(f[0]);
      Files.writeString(bin, launcher.replace("@TOOL@", f[0]).replace("@MODULE@", module).replace("@MAIN@", main)
          .replace("@JAVA_OPTS@", f[2]));
      Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return dist.resolve("bin");
  }
}
