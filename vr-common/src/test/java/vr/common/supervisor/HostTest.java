package vr.common.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import vr.common.VrException;

class HostTest {

  /** Answers getAllProcessInfo with the given names and counts calls. */
  static final class FakeSupervisor implements RpcTransport {
    final AtomicInteger calls = new AtomicInteger();
    List<String> names;
    boolean down;

    FakeSupervisor(String... names) {
      this.names = List.of(names);
    }

    @Override
    public byte[] post(byte[] body, Duration timeout) throws IOException {
      calls.incrementAndGet();
      if (down) {
        throw new ConnectFailedException("Connection refused", null);
      }
      StringBuilder sb = new StringBuilder("<methodResponse><params><param><value><array><data>");
      for (String n : names) {
        sb.append("<value><struct><member><name>name</name><value>").append(n).append("</value></member>")
            .append("<member><name>group</name><value>").append(n).append("</value></member>")
            .append("<member><name>start</name><value><int>1355897986</int></value></member>")
            .append("<member><name>now</name><value><int>1355897990</int></value></member>")
            .append("<member><name>state</name><value><int>20</int></value></member>")
            .append("<member><name>statename</name><value>RUNNING</value></member>")
            .append("<member><name>pid</name><value><int>42</int></value></member></struct></value>");
      }
      sb.append("</data></array></value></param></params></methodResponse>");
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String describe() {
      return "fake";
    }
  }

  static final class MemoryCache implements ProcCache {
    final Map<String, Map<String, String>> data = new HashMap<>();
    Duration lastTtl;

    @Override
    public Map<String, String> all(String key) {
      return data.getOrDefault(key, Map.of());
    }

    @Override
    public Optional<String> get(String key, String name) {
      return Optional.ofNullable(all(key).get(name));
    }

    @Override
    public void replace(String key, Map<String, String> entries, Duration ttl) {
      data.put(key, new LinkedHashMap<>(entries));
      lastTtl = ttl;
    }
  }

  private static SupervisorClient client(FakeSupervisor fake, int retries) {
    return new SupervisorClient(fake, SupervisorClient.Options.defaults().withRetries(retries, Duration.ofMillis(1)));
  }

  @Test
  void procsRefreshTheCacheWithOneJsonValuePerProcForTenMinutes() {
    FakeSupervisor fake = new FakeSupervisor("a-1-c-h-web-5000", "a-1-c-h-worker-0");
    MemoryCache cache = new MemoryCache();
    Host host = new Host("somewhere", client(fake, 0), cache);
    assertThat(host.procs()).extracting(Proc::name).containsExactly("a-1-c-h-web-5000", "a-1-c-h-worker-0");
    assertThat(cache.data.get("host_procs:somewhere")).containsOnlyKeys("a-1-c-h-web-5000", "a-1-c-h-worker-0", ":updated");
    assertThat(cache.data.get("host_procs:somewhere").get("a-1-c-h-web-5000"))
        .contains("\"name\":\"a-1-c-h-web-5000\"").contains("\"start\":1355897986");
    assertThat(cache.lastTtl).isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void cacheIsUsedInsteadOfRpcWhenAsked() {
    FakeSupervisor fake = new FakeSupervisor("x-1-c-h-web-5000");
    MemoryCache cache = new MemoryCache();
    Host host = new Host("somewhere", client(fake, 0), cache);
    host.procs();
    int before = fake.calls.get();
    assertThat(host.procs(true)).extracting(Proc::name).containsExactly("x-1-c-h-web-5000");
    assertThat(host.proc("x-1-c-h-web-5000", true).port()).isEqualTo(5000);
    assertThat(fake.calls.get()).isEqualTo(before);
  }

  @Test
  void refreshDropsStaleProcsFromTheCache() {
    FakeSupervisor fake = new FakeSupervisor("old-1-c-h-web-5000", "new-1-c-h-web-5001");
    MemoryCache cache = new MemoryCache();
    Host host = new Host("somewhere", client(fake, 0), cache);
    host.procs();
    fake.names = List.of("new-1-c-h-web-5001");
    host.procs();
    assertThat(cache.all("host_procs:somewhere")).containsOnlyKeys("new-1-c-h-web-5001", ":updated");
  }

  @Test
  void aFreshCacheOfAHostWithoutProcsIsAnEmptyListNotAQuestionToTheHost() {
    FakeSupervisor fake = new FakeSupervisor();
    MemoryCache cache = new MemoryCache();
    Host host = new Host("somewhere", client(fake, 0), cache);
    host.procs();
    int before = fake.calls.get();
    assertThat(host.cachedProcs(java.time.Instant.now()).state()).isEqualTo(CachedProcs.State.FRESH);
    assertThat(host.procs(true)).isEmpty();
    assertThat(fake.calls.get()).isEqualTo(before);
  }

  @Test
  void aCacheNotRefreshedForTwoMinutesIsStaleAndTheHostIsAskedInstead() {
    FakeSupervisor fake = new FakeSupervisor("a-1-c-h-web-5000");
    MemoryCache cache = new MemoryCache();
    Host host = new Host("somewhere", client(fake, 0), cache);
    host.procs();
    java.time.Instant later = java.time.Instant.now().plusSeconds(151);
    CachedProcs c = host.cachedProcs(later);
    assertThat(c.state()).isEqualTo(CachedProcs.State.STALE);
    assertThat(c.procs()).extracting(Proc::name).containsExactly("a-1-c-h-web-5000");
    assertThat(c.updated()).isBefore(later);
    // stale and the host down: an error, never the stale list or an empty one
    cache.data.get("host_procs:somewhere").put(":updated", "2020-01-01T00:00:00Z");
    fake.down = true;
    assertThatThrownBy(() -> host.procs(true)).isInstanceOf(SupervisorUnreachableException.class);
  }

  @Test
  void noHashSaysNothingAboutTheHostsProcs() {
    Host host = new Host("somewhere", client(new FakeSupervisor("a-1-c-h-web-5000"), 0), new MemoryCache());
    CachedProcs c = host.cachedProcs(java.time.Instant.now());
    assertThat(c.state()).isEqualTo(CachedProcs.State.MISSING);
    assertThat(c.updated()).isNull();
  }

  @Test
  void unknownProcIsAnErrorNamingHostAndProc() {
    Host host = new Host("somewhere", client(new FakeSupervisor("a-1-c-h-web-5000"), 0), new MemoryCache());
    assertThatThrownBy(() -> host.proc("nope", true)).isInstanceOf(VrException.class)
        .hasMessage("host somewhere has no proc named nope");
  }

  @Test
  void downHostIsAnErrorNotAnEmptyList() {
    FakeSupervisor fake = new FakeSupervisor("a-1-c-h-web-5000");
    fake.down = true;
    Host host = new Host("somewhere", client(fake, 2), new MemoryCache());
    assertThatThrownBy(host::procs).isInstanceOf(SupervisorUnreachableException.class)
        .hasMessageContaining("supervisor at fake is unreachable").hasMessageContaining("3 attempts");
    assertThat(fake.calls.get()).isEqualTo(3);
    // an empty cache does not hide it either
    assertThatThrownBy(() -> host.procs(true)).isInstanceOf(SupervisorUnreachableException.class);
  }

  @Test
  void shortnameIsTheFirstLabel() {
    assertThat(new Host("app1.example.com", client(new FakeSupervisor(), 0)).shortname()).isEqualTo("app1");
  }
}
