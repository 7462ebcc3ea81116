package vr.common.repo;

import java.io.File;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.common.SshException;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshConfigStore;
import org.eclipse.jgit.transport.SshConstants;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.DefaultProxyDataFactory;
import org.eclipse.jgit.transport.sshd.KeyPasswordProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.agent.ConnectorFactory;

/**
 * JGit's Apache MINA SSHD transport set up from {@link GitSsh}, for one fetch or clone. JGit alone has no SSH
 * client registered in the suite's jars, so an {@code ssh://} URL failed inside JGit ({@code "this.sch" is
 * null}); and JGit's own host-key check follows {@code StrictHostKeyChecking} from the user's ssh config, which
 * may say {@code no}. Here host keys always go through {@link KnownHosts}, nothing prompts (no passphrases, no
 * passwords: public keys only), no agent is asked, and the first refusal is kept so the caller can report it in
 * one line instead of JGit's generic "Server key did not validate".
 */
final class GitSshFactory extends SshdSessionFactory {
  private final GitSsh settings;
  private final KnownHosts knownHosts;
  private final AtomicReference<String> refusal = new AtomicReference<>();
  private final Set<String> locked = new ConcurrentSkipListSet<>();

  GitSshFactory(GitSsh settings) {
    super(null, new DefaultProxyDataFactory());
    this.settings = settings;
    this.knownHosts = new KnownHosts(settings.knownHosts());
    setHomeDirectory(settings.sshDir().getParent().toFile());
    setSshDirectory(settings.sshDir().toFile());
  }

  /**
   * A one-line reason for {@code failure} of a fetch from {@code url} when it is an SSH matter this factory can
   * explain better than JGit (a refused host key, a refused login), or null. Names keys by path, never by content.
   */
  String explain(Throwable failure, String url) {
    if (refusal.get() != null) {
      return refusal.get();
    }
    SshUrl u = SshUrl.parse(url).orElse(null);
    String where = u == null ? "the server" : u.label();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SshException se
          && se.getDisconnectCode() == org.apache.sshd.common.SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
        String who = (u == null || u.user() == null ? "" : " as " + u.user()) + " at " + where;
        String keys = settings.key() != null ? settings.key().toString()
            : "the ssh config's IdentityFile, else " + String.join(", ", settings.identities().stream().map(Path::toString).toList());
        String skipped = locked.isEmpty() ? ""
            : "; skipped for their passphrase, which is never asked for: " + String.join(", ", locked);
        return "ssh login" + who + " refused: the server accepted none of the keys tried (" + keys + skipped + ")";
      }
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "cannot connect over ssh to " + where + ": unknown host";
      }
      if (t instanceof ConnectException) {
        return "cannot connect over ssh to " + where + ": " + (t.getMessage() == null ? "connection failed" : t.getMessage());
      }
    }
    return null;
  }

  @Override
  protected File getSshConfig(File sshDir) {
    return settings.config().toFile();
  }

  @Override
  protected SshConfigStore createSshConfigStore(File homeDir, File configFile, String localUserName) {
    SshConfigStore base = super.createSshConfigStore(homeDir, configFile, localUserName);
    return new SshConfigStore() {
      @Override
      public HostConfig lookup(String hostName, int port, String userName) {
        return enforce(base == null ? EMPTY_CONFIG : base.lookup(hostName, port, userName));
      }

      @Override
      public HostConfig lookupDefault(String hostName, int port, String userName) {
        return enforce(base == null ? EMPTY_CONFIG : base.lookupDefault(hostName, port, userName));
      }
    };
  }

  /**
   * The host's config with what vbuild does not leave to it: public keys only, never interactive, and the
   * configured key (when set) as the only identity.
   */
  private HostConfig enforce(SshConfigStore.HostConfig c) {
    Map<String, String> single = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    single.putAll(c.getOptions());
    Map<String, List<String>> multi = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    multi.putAll(c.getMultiValuedOptions());
    single.put(SshConstants.PREFERRED_AUTHENTICATIONS, "publickey");
    single.put(SshConstants.BATCH_MODE, SshConstants.YES);
    single.put(SshConstants.STRICT_HOST_KEY_CHECKING, SshConstants.YES);
    if (settings.key() != null) {
      multi.put(SshConstants.IDENTITY_FILE, List.of(settings.key().toString()));
      single.put(SshConstants.IDENTITIES_ONLY, SshConstants.YES);
    }
    return new HostConfig(Collections.unmodifiableMap(single), Collections.unmodifiableMap(multi));
  }

  private record HostConfig(Map<String, String> options, Map<String, List<String>> multi)
      implements SshConfigStore.HostConfig {
    @Override
    public String getValue(String key) {
      String v = options.get(key);
      if (v == null) {
        List<String> l = multi.get(key);
        v = l == null || l.isEmpty() ? null : l.get(0);
      }
      return v;
    }

    @Override
    public List<String> getValues(String key) {
      List<String> l = multi.get(key);
      if (l != null) {
        return l;
      }
      String v = options.get(key);
      return v == null ? List.of() : List.of(v);
    }

    @Override
    public Map<String, String> getOptions() {
      return options;
    }

    @Override
    public Map<String, List<String>> getMultiValuedOptions() {
      return multi;
    }
  }

  @Override
  protected ServerKeyDatabase getServerKeyDatabase(File homeDir, File sshDir) {
    return new ServerKeyDatabase() {
      @Override
      public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
        HostPort hp = HostPort.of(connectAddress);
        return knownHosts.keysOf(hp.host(), hp.port());
      }

      @Override
      public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
          Configuration config, CredentialsProvider provider) {
        HostPort hp = HostPort.of(connectAddress);
        String why = knownHosts.refusal(hp.host(), hp.port(), serverKey).orElse(null);
        if (why != null) {
          refusal.compareAndSet(null, why);
        }
        return why == null;
      }
    };
  }

  /** JGit names the server {@code host} (port 22) or {@code [host]:port}, as known_hosts does. */
  record HostPort(String host, int port) {
    static HostPort of(String pattern) {
      if (pattern.startsWith("[")) {
        int close = pattern.indexOf(']');
        if (close > 0 && pattern.startsWith(":", close + 1)) {
          try {
            return new HostPort(pattern.substring(1, close), Integer.parseInt(pattern.substring(close + 2)));
          } catch (NumberFormatException e) {
            // fall through: not a port
          }
        }
      }
      return new HostPort(pattern, SshConstants.SSH_DEFAULT_PORT);
    }
  }

  @Override
  protected List<Path> getDefaultIdentities(File sshDir) {
    return settings.identities();
  }

  @Override
  protected List<Path> getDefaultKnownHostsFiles(File sshDir) {
    return settings.knownHosts();
  }

  @Override
  protected String getDefaultPreferredAuthentications() {
    return "publickey";
  }

  @Override
  protected ConnectorFactory getConnectorFactory() {
    return null; // no ssh-agent: which key logs in is what the settings say, on any host
  }

  @Override
  protected KeyPasswordProvider createKeyPasswordProvider(CredentialsProvider provider) {
    return new KeyPasswordProvider() {
      @Override
      public char[] getPassphrase(URIish uri, int attempt) {
        locked.add(uri.getPath());
        return null; // never prompt: a passphrase-protected key is skipped
      }

      @Override
      public void setAttempts(int attempts) {
        // one attempt, without a passphrase
      }

      @Override
      public boolean keyLoaded(URIish uri, int attempt, Exception error) {
        return false;
      }
    };
  }
}
