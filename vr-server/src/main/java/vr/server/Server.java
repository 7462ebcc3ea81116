package vr.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vr.common.VrException;
import vr.common.ssh.SshSettings;
import vr.server.api.Audit;
import vr.server.api.Router;
import vr.server.auth.AuthRoutes;
import vr.server.auth.AuthSettings;
import vr.server.auth.ServerAuthenticator;
import vr.server.config.ServerSettings;
import vr.server.events.EventSender;
import vr.server.events.EventStreams;
import vr.server.events.RedisLink;
import vr.server.files.BlobStore;
import vr.server.files.DbBlobStore;
import vr.server.files.DirBlobStore;
import vr.server.files.SignedUrlCheck;
import vr.server.files.SignedUrls;
import vr.server.hosts.HostAccess;
import vr.server.hosts.HostProcs;
import vr.server.hosts.HostRoutes;
import vr.server.hosts.LinkProcCache;
import vr.server.hosts.ProcActions;
import vr.server.hosts.ProcLog;
import vr.server.hosts.SwarmScope;
import vr.server.jobs.JobRunner;
import vr.server.records.DbAudit;
import vr.server.records.ProcSource;
import vr.server.records.Validation;
import vr.server.store.Database;
import vr.server.store.ServerSecrets;
import vr.server.swarm.BuildStep;
import vr.server.swarm.FlowSettings;
import vr.server.swarm.SwarmFlow;
import vr.server.swarm.SwarmBusyException;
import vr.server.swarm.SwarmOutcome;
import vr.common.events.DeployEvent;
import vr.server.swarm.SwarmStore;
import vr.server.domain.Ports;
import java.security.SecureRandom;
import vr.common.balancer.Balancers;

/**
 * A running server: opens the database (migrating it), Redis (or starts without it), the SSH client and the
 * file store, then serves HTTP. {@link #close()} stops in the reverse order: HTTP first (requests in flight
 * finish), then streams, SSH, Redis and the database.
 */
public final class Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Server.class);
  static final long MAX_UPLOAD_BYTES = 8L << 30;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private ServerApp app;
  private EventStreams streams;

  private Server() {}

  /** Starts a server on {@code settings}; {@code say} gets one-line notices (Redis down, ...). */
  public static Server start(ServerSettings settings, Consumer<String> say) {
    return start(settings, say, name -> HostAccess.HostSetup.packaged(name, settings.sshSudo()));
  }

  /**
   * Starts a server whose hosts are reached as {@code setups} says (the packages' layout in production; a lab's
   * folders and sockets in tests that drive the whole server over real hosts).
   */
  public static Server start(ServerSettings settings, Consumer<String> say, java.util.function.Function<String, HostAccess.HostSetup> setups) {
    Server s = new Server();
    try {
      s.open(settings, say, setups);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void open(ServerSettings settings, Consumer<String> say, java.util.function.Function<String, HostAccess.HostSetup> setups) {
    if (settings.databaseUrl() == null) {
      try {
        Files.createDirectories(settings.dataDir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new VrException("cannot create the data directory " + settings.dataDir() + ": " + e.getMessage(), e);
      }
    }
    Database db = Database.open(settings.jdbcUrl(), settings.databaseUser(), settings.databasePassword());
    closeables.add(db);

    RedisLink redis = new RedisLink(settings.redisUrl(), RedisLink.Options.DEFAULTS);
    closeables.add(redis);
    EventSender events = new EventSender(redis, settings.eventsChannel(), settings.eventsBufferKey(), settings.eventsBufferLength());
    streams = new EventStreams(redis, new EventStreams.Options(settings.eventsChannel(),
        settings.eventsBufferKey(), settings.eventsBufferLength(), settings.procEventsChannel(), Duration.ofSeconds(15), 1000)).start();
    Audit audit = new DbAudit(db.jdbi(), (user, action, object, detail, failed) -> events.userAction(user, action, object, detail, failed));

    BlobStore store = settings.fileStore().equals("database") ? new DbBlobStore(db)
        : new DirBlobStore(settings.dataDir().resolve("blobs"));
    SignedUrls urls = new SignedUrls(ServerSecrets.getOrCreate(db.jdbi(), "signed_urls"));
    SignedUrlCheck signed = new SignedUrlCheck(urls);
    ServerAuthenticator auth = new ServerAuthenticator(db, AuthSettings.defaults(), ctx -> signed.present(ctx) && signed.verify(ctx) != null);

    List<java.nio.file.Path> keys = Files.isReadable(settings.sshKey()) ? List.of(settings.sshKey()) : List.of();
    if (keys.isEmpty()) {
      say.accept("no SSH key at " + settings.sshKey() + " (SSH_KEY): hosts answer 'down' until there is one");
    }
    HostAccess access = HostAccess.start(SshSettings.of(settings.sshKnownHosts(), keys)
            .withDefaultUser(settings.sshUser()).withConnectTimeout(Duration.ofSeconds(5)),
        setups, Duration.ofSeconds(10));
    closeables.add(access);
    HostProcs hostProcs = new HostProcs(access, new LinkProcCache(redis), Duration.ofSeconds(5), Clock.systemUTC());
    closeables.add(hostProcs);
    ProcActions actions = new ProcActions(access, audit, (host, port) -> db.jdbi().useHandle(h -> h.createUpdate(
        "DELETE FROM port_locks WHERE port = :p AND host_id IN (SELECT id FROM hosts WHERE name = :h)")
        .bind("p", port).bind("h", host).execute()));
    ProcLog log = new ProcLog(access, Duration.ofMillis(500), Duration.ofSeconds(15), 64 * 1024);
    ProcSource cached = host -> hostProcs.of(host, HostProcs.CacheUse.ONLY).objects();

    List<Consumer<Router>> routes = List.of(
        r -> AuthRoutes.register(r, auth, audit),
        r -> EventStreams.register(r, streams),
        r -> HostRoutes.register(r, hostProcs, actions, log,
            name -> db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM hosts WHERE name = :n")
                .bind("n", name).mapTo(Long.class).one() > 0),
            id -> swarmScope(db, id)));
    // Jobs queued by the API run here and on every other server of this database (vr.server.jobs).
    JobRunner jobs = new JobRunner(db.dataSource(), db.jdbi(), JobRunner.Options.defaults());
    closeables.add(jobs);
    Map<String, Supplier<Object>> health = new LinkedHashMap<>();
    health.put("database", () -> ping(db));
    health.put("redis", () -> redis.up() ? "up" : "down: " + redis.downReason().orElse("no answer"));
    app = new ServerApp(new ServerApp.Parts(db, auth, audit,
        new Validation(settings.balancers().keySet(), java.nio.file.Path.of(System.getProperty("user.home"), ".hgrc")),
        cached, settings.apiLimitPerPage(), store, MAX_UPLOAD_BYTES, routes, health, jobs));
    app.metrics().gauge("vr_redis_up", () -> redis.up() ? 1 : 0);
    app.metrics().gauge("vr_sse_clients", streams::clients);
    app.metrics().gauge("vr_events_dropped_total", events::dropped);
    app.start(settings.bind(), settings.port());
    LOG.info("serving on {}:{}", settings.bind(), app.port());
    String publicUrl = settings.publicUrl() != null ? settings.publicUrl() : "http://" + settings.bind() + ":" + app.port();
    BuildStep builds = new BuildStep(db.jdbi(), access.ssh(), store, urls, events::publish,
        BuildStep.Settings.of(settings.buildHost(), Duration.ofSeconds(settings.buildTimeoutSeconds()), publicUrl));
    Balancers balancers = Balancers.from(Map.of("BALANCERS", settings.balancers()), java.nio.file.Path.of("settings"), access.ssh());
    balancers.warnings().forEach(say);
    SwarmFlow flow = new SwarmFlow(new SwarmStore(db.jdbi()), access, hostProcs, balancers::get, urls, events::send,
        FlowSettings.of(publicUrl).withPorts(new Ports(settings.portRangeStart(), settings.portRangeEnd(), new SecureRandom())));
    closeables.add(flow);
    closeables.remove(jobs);
    closeables.add(jobs); // closed first: running jobs finish before the flow and SSH under them close
    jobs.register("build", builds.handler());
    jobs.register("swarm", job -> swarm(db, builds, flow, events::send, job));
    jobs.start();
  }

  /**
   * A dispatched swarm: its build first (built, or awaited when another job builds it; a failed build fails the
   * swarm), then the flow (release, deploy, uptest, route, retire). Every way it can end sends an event with the
   * trace, so a follower ({@code vr.cli swarm --wait}) always sees the end: the flow's own, the build's failure, or
   * here an "aborted" one for a swarm without a release or one already being dispatched.
   */
  private static String swarm(Database db, BuildStep builds, SwarmFlow flow, Consumer<DeployEvent> events, vr.server.jobs.Job job) {
    long swarmId = job.targetId();
    Long buildId = db.jdbi().withHandle(h -> h.createQuery(
            "SELECT r.build_id FROM swarms s JOIN releases r ON r.id = s.release_id WHERE s.id = :s")
        .bind("s", swarmId).mapTo(Long.class).findFirst().orElse(null));
    if (buildId == null) {
      throw aborted(events, job, "swarm " + swarmId + " has no release; set its version");
    }
    BuildStep.Outcome built = builds.awaitOrBuild(buildId, job.id(), job.traceId());
    if (!built.success()) {
      throw new VrException("build " + buildId + " failed: " + built.message());
    }
    SwarmOutcome out;
    try {
      out = flow.run(swarmId, job.traceId());
    } catch (SwarmBusyException e) {
      throw aborted(events, job, e.getMessage());
    }
    if (!out.ok()) {
      throw new VrException(out.message());
    }
    return out.message();
  }

  private static VrException aborted(Consumer<DeployEvent> events, vr.server.jobs.Job job, String why) {
    events.accept(DeployEvent.of(why, List.of("failed"), "Swarm " + job.targetId() + " aborted", Map.of("swarm_id", job.traceId())));
    return new VrException(why);
  }

  private static Object ping(Database db) {
    try {
      db.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
      return "up";
    } catch (RuntimeException e) {
      return "down: " + e.getMessage();
    }
  }

  /** A swarm's hosts and proc identity, for its procs route. */
  static java.util.Optional<SwarmScope> swarmScope(Database db, String swarmId) {
    long id;
    try {
      id = Long.parseLong(swarmId);
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
    return db.jdbi().withHandle(h -> h.createQuery("SELECT s.config_name, s.proc_name, a.name AS app, s.squad_id "
            + "FROM swarms s JOIN apps a ON a.id = s.app_id WHERE s.id = :id").bind("id", id).mapToMap().findFirst()
        .map(r -> new SwarmScope(h.createQuery("SELECT name FROM hosts WHERE squad_id = :s ORDER BY name")
            .bind("s", r.get("squad_id")).mapTo(String.class).list(),
            (String) r.get("app"), (String) r.get("config_name"), (String) r.get("proc_name"))));
  }

  public int port() {
    return app.port();
  }

  public ServerApp app() {
    return app;
  }

  /** Streams first (an open SSE response would hold Jetty's graceful stop), then HTTP, then the rest. */
  @Override
  public void close() {
    if (streams != null) {
      streams.close();
    }
    if (app != null) {
      app.close();
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {}: {}", closeables.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    closeables.clear();
  }
}
