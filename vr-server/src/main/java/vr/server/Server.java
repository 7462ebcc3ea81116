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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vr.common.VrException;
import vr.common.hosts.RemoteProcs;
import vr.common.ssh.SshHosts;
import vr.common.ssh.SshSettings;
import vr.server.api.Audit;
import vr.server.api.Router;
import vr.server.auth.AuthRoutes;
import vr.server.auth.AuthSettings;
import vr.server.auth.ServerAuthenticator;
import vr.server.config.JobSettings;
import vr.server.config.ServerSettings;
import vr.common.hosts.RemoteProcs;
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
import vr.server.swarm.DispatchOptions;
import vr.server.swarm.SwarmRoutes;
import vr.server.swarm.FlowSettings;
import vr.server.swarm.SwarmFlow;
import vr.server.swarm.ManualDeploy;
import vr.server.swarm.SwarmJob;
import vr.server.swarm.UptestRun;
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
    return start(settings, say, name -> hostSetup(name, settings));
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
    List<java.nio.file.Path> keys = Files.isReadable(settings.sshKey()) ? List.of(settings.sshKey()) : List.of();
    // The SSH client (Apache MINA SSHD and its crypto provider, a tenth of the start) starts while the
    // database opens; closed last, after everything that uses it.
    FutureTask<SshHosts> sshStart = new FutureTask<>(() -> SshHosts.start(SshSettings.of(settings.sshKnownHosts(), keys)
        .withDefaultUser(settings.sshUser()).withConnectTimeout(settings.jobs().hostDeadline())));
    Thread starter = new Thread(sshStart, "vr-ssh-start");
    starter.setDaemon(true);
    starter.start();
    closeables.add(() -> await(sshStart).close());
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

    if (keys.isEmpty()) {
      say.accept("no SSH key at " + settings.sshKey() + " (SSH_KEY): hosts answer 'down' until there is one");
    }
    HostAccess access = HostAccess.over(await(sshStart), setups, Duration.ofSeconds(10));
    closeables.add(access);
    HostProcs hostProcs = new HostProcs(access, new LinkProcCache(redis), settings.jobs().hostDeadline(), Clock.systemUTC());
    closeables.add(hostProcs);
    ProcActions actions = new ProcActions(access, audit, (host, port) -> db.jdbi().useHandle(h -> h.createUpdate(
        "DELETE FROM port_locks WHERE port = :p AND host_id IN (SELECT id FROM hosts WHERE name = :h)")
        .bind("p", port).bind("h", host).execute()));
    ProcLog log = new ProcLog(access, Duration.ofMillis(500), Duration.ofSeconds(15), 64 * 1024);
    ProcSource cached = host -> hostProcs.of(host, HostProcs.CacheUse.ONLY).objects();

    SwarmRoutes swarmRoutes = new SwarmRoutes(db.jdbi(), audit);
    List<Consumer<Router>> routes = List.of(
        swarmRoutes::register,
        r -> AuthRoutes.register(r, auth, audit),
        r -> EventStreams.register(r, streams),
        r -> HostRoutes.register(r, hostProcs, actions, log,
            name -> db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM hosts WHERE name = :n")
                .bind("n", name).mapTo(Long.class).one() > 0),
            id -> swarmScope(db, id)));
    // Jobs queued by the API run here and on every other server of this database (vr.server.jobs).
    JobRunner jobs = new JobRunner(db.dataSource(), db.jdbi(),
        JobRunner.Options.defaults().withHeartbeat(settings.jobs().heartbeat(), 4), settings.jobs().schedules());
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
        BuildStep.Settings.of(settings.buildHost(), Duration.ofSeconds(settings.buildTimeoutSeconds()), publicUrl)
            .withVbuild(settings.hostTools().vbuild()));
    Balancers balancers = Balancers.from(Map.of("BALANCERS", settings.balancers()), java.nio.file.Path.of("settings"), access.ssh());
    balancers.warnings().forEach(say);
    FlowSettings flowSettings = FlowSettings.of(publicUrl)
        .withPorts(new Ports(settings.portRangeStart(), settings.portRangeEnd(), new SecureRandom()));
    SwarmStore swarms = new SwarmStore(db.jdbi());
    SwarmFlow flow = new SwarmFlow(swarms, access, hostProcs, balancers::get, urls, events::send, flowSettings);
    closeables.add(flow);
    closeables.remove(jobs);
    closeables.add(jobs); // closed first: running jobs finish before the flow and SSH under them close
    // a claim no job will finish (its job ended without freeing it); a job whose server died is resumed instead
    flow.runs().abandonOrphans(Duration.ofMinutes(1), "no job runs this dispatch any more; abandoned at a server's start")
        .forEach(t -> say.accept("abandoned the dispatch " + t + ": no job runs it any more"));
    jobs.register("build", builds.handler());
    jobs.register("swarm", new SwarmJob(db.jdbi(), builds, flow, jobs.options().name(), events::publish).handler());
    jobs.register("deploy", new ManualDeploy(swarms, access, hostProcs, urls, flowSettings, events::send).handler());
    jobs.register(UptestRun.KIND, new UptestRun(db.jdbi(), swarms, access, hostProcs, flowSettings.uptestTimeout(),
        events::send).handler());
    Duration lockAge = settings.jobs().portLockMaxAge();
    jobs.register("port_lock_expiry", job -> "deleted " + swarms.expirePortLocks(lockAge) + " port locks older than "
        + lockAge.toSeconds() + " s");
    app.actions().dispatchBody(swarmRoutes.start(flow, jobs)::params);
    jobs.start();
  }

  /** The result of a start-up task run beside the main thread; its failure is rethrown here. */
  private static <T> T await(FutureTask<T> task) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while starting", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new VrException(e.getCause().toString(), e.getCause());
    }
  }

  /**
   * How the server reaches one host: as {@code HOST_SETUP} says for it, else by its name with the tools and
   * supervisord where {@code VRUN}, {@code SUPERVISOR_SOCKET} and {@code SUPERVISOR_INCLUDE_DIR} say.
   */
  static HostAccess.HostSetup hostSetup(String name, ServerSettings settings) {
    JobSettings.HostSetupSetting h = settings.jobs().hostSetups().get(name);
    if (h != null) {
      return new HostAccess.HostSetup(h.ssh(), new HostAccess.Supervisord.Socket(h.supervisorSocket()),
          new RemoteProcs.HostLayout(h.root(), h.vrun(), h.supervisorSocket(), h.includeDir(), settings.sshSudo(), null));
    }
    ServerSettings.HostTools t = settings.hostTools();
    String socket = t.socket(name);
    return new HostAccess.HostSetup(name, new HostAccess.Supervisord.Socket(socket),
        new RemoteProcs.HostLayout("/apps", t.vrun(), socket, t.includeDir(name), settings.sshSudo(), null));
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
