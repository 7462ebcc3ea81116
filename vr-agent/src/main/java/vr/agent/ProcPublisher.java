package vr.agent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import vr.common.VrException;
import vr.common.supervisor.Host;
import vr.common.supervisor.SupervisorClient;

/**
 * proc_publisher: a supervisord event listener that tells Redis what runs on this host. Configure it as
 * {@link ListenerSection} shows (see docs/supervisor.md). It acknowledges each event as soon as it has queued
 * it for the {@link EventBatcher}'s worker, so it keeps up with a burst and never makes supervisord resend: a
 * failed event is logged, never answered {@code FAIL} (which would make supervisord resend it, forever when
 * the fault is deterministic).
 */
public final class ProcPublisher {
  /** Payloads we never need past this; supervisord's state and group payloads are a few hundred bytes. */
  private static final int MAX_PAYLOAD_CHARS = 64 * 1024;
  /**
   * Events acknowledged but not yet handled; beyond this the protocol thread waits and supervisord buffers.
   * A queued event is about a kilobyte of our 32 MB heap.
   */
  private static final int QUEUE_CAPACITY = 1024;
  /** The most events one getAllProcessInfo serves, so the first messages of a long burst do not wait for its end. */
  private static final int MAX_BATCH = 256;
  /** Within supervisord's default stopwaitsecs (10 s), after which it kills us. */
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(8);

  private ProcPublisher() {}

  public static void main(String[] args) {
    // stdout is the protocol: keep the real one for it and send any stray print to stderr
    OutputStream protocolOut = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 256);
    System.setOut(System.err);
    InputStream protocolIn = new BufferedInputStream(new FileInputStream(FileDescriptor.in), 8192);
    if (args.length > 0) {
      // Asked from a terminal, not by supervisord: answer there (stdout is not the protocol then).
      PrintStream terminal = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
      int code = usage(args, terminal);
      System.exit(code);
    }
    System.exit(run(System.getenv(), protocolIn, protocolOut));
  }

  /** Answers {@code --help} and {@code --version}; anything else is bad usage (exit 2). */
  static int usage(String[] args, PrintStream out) {
    switch (args[0]) {
      case "--version", "-V" -> {
        out.println("proc_publisher (vr-suite) " + vr.common.cli.Version.get());
        return 0;
      }
      case "--help", "-h" -> {
        out.println("Usage: proc_publisher");
        out.println("A supervisord event listener: publishes proc state changes to Redis (channel proc_events)");
        out.println("and keeps the hash host_procs:<host> current. Run it from supervisord, not by hand:");
        out.println();
        ListenerSection.render("proc_publisher",
            "REDIS_URL=\"redis://localhost:6379/0\",SUPERVISOR_SERVER_URL=\"http://127.0.0.1:9001\"")
            .lines().forEach(l -> out.println("  " + l));
        out.println();
        out.println("Environment: REDIS_URL (redis://[:password@]host:port/db), HOSTNAME (default: the FQDN),");
        out.println("SUPERVISOR_SERVER_URL (http:// or unix://), SUPERVISOR_USERNAME, SUPERVISOR_PASSWORD.");
        out.println("See docs/supervisor.md and docs/events.md.");
        return 0;
      }
      default -> {
        System.err.println("proc_publisher: error: unknown argument '" + args[0] + "' (it takes none; see --help)");
        return 2;
      }
    }
  }

  /** Runs until supervisord closes stdin; returns the exit code. */
  static int run(Map<String, String> env, InputStream in, OutputStream out) {
    PublisherConfig config;
    try {
      config = PublisherConfig.fromEnv(env);
    } catch (VrException e) {
      Log.error(e.getMessage());
      return e.exitCode();
    }
    SupervisorClient supervisor = SupervisorClient.connect(config.supervisorUrl(), config.supervisorUsername(),
        config.supervisorPassword());
    Host host = new Host(config.hostname(), supervisor);
    try (RedisLink redis = new RedisLink(config.redisUrl(), Duration.ofSeconds(2), Duration.ofMillis(500),
        Duration.ofSeconds(30))) {
      EventHandler handler = new EventHandler(host, redis);
      redis.onReconnect(handler::refresh);
      redis.start();
      Log.info("publishing proc events of host " + host.name() + " from supervisor at " + supervisor.describe());
      EventBatcher batcher = new EventBatcher(handler::handle, QUEUE_CAPACITY, MAX_BATCH);
      batcher.start();
      // supervisord stops us with TERM: publish what we acknowledged before the JVM goes
      Thread hook = new Thread(() -> drain(batcher, "stopping"), "drain-on-exit");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        return pump(new EventListenerProtocol(in, out, MAX_PAYLOAD_CHARS), batcher);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or has run
        }
      }
    }
  }

  /** Reads, queues and acknowledges events until stdin closes; returns the exit code. */
  private static int pump(EventListenerProtocol protocol, EventBatcher batcher) {
    try {
      while (true) {
        ListenerEvent event = protocol.next();
        if (event == null) {
          Log.info("stdin closed; supervisord is stopping us");
          drain(batcher, "stdin closed");
          return 0;
        }
        if (!batcher.accept(event)) {
          if (batcher.dead()) {
            Log.error("exiting unacknowledged on " + event.eventName() + ": supervisord resends it to our successor");
            return 1;
          }
          // shutting down: leave it unacknowledged, supervisord gives it to our successor
          Thread.currentThread().join();
        }
        protocol.ok();
      }
    } catch (IOException e) {
      // out of step with supervisord (or it went away mid-event): exit and let it restart us cleanly
      Log.error("event protocol broken: " + e.getMessage());
      drain(batcher, "protocol broken");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static void drain(EventBatcher batcher, String why) {
    try {
      if (!batcher.close(DRAIN_LIMIT)) {
        Log.warn(why + ": events acknowledged but not yet published after " + DRAIN_LIMIT.toSeconds() + " s; exiting");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Log.info(why + ": handled " + batcher.stats());
  }
}
