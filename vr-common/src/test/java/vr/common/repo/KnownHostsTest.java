package vr.common.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict known_hosts checking without a daemon: which lines vouch for which host key. */
class KnownHostsTest {
  // two ed25519 public keys made with ssh-keygen; FP1 is ssh-keygen -l's fingerprint of K1
  static final String K1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZujb5+dbB/ioaU8sZmefmwd2p41Uh/1l7RmS7mPbND";
  static final String K2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHVuwG2ckE+3NrRCqUuLCE7j1m/+SCTJCEwMGDBKg+MD";
  static final String FP1 = "SHA256:fqnMPlA5WVzviBnZQwV0eBXYbmjdtouJEWs1lr4e5HI";
  // "[git.example.com]:2222 K1" hashed by ssh-keygen -H
  static final String HASHED = "|1|xv5vExeL4icnX2g+1rgBRIq7L4M=|tbefmS1DMf2zAtFUK0fGn3mm2yA= " + K1;

  @TempDir Path tmp;
  PublicKey k1;
  PublicKey k2;

  @BeforeEach
  void keys() throws Exception {
    k1 = key(K1);
    k2 = key(K2);
  }

  static PublicKey key(String line) throws Exception {
    return PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null, null);
  }

  KnownHosts file(String... lines) throws Exception {
    Path f = tmp.resolve("known_hosts");
    Files.write(f, List.of(lines));
    return new KnownHosts(List.of(f));
  }

  @Test
  void aListedKeyIsAccepted() throws Exception {
    assertThat(file("git.example.com " + K1).refusal("git.example.com", 22, k1)).isEmpty();
  }

  @Test
  void aNonStandardPortNeedsTheBracketedForm() throws Exception {
    KnownHosts kh = file("[git.example.com]:2222 " + K1);
    assertThat(kh.refusal("git.example.com", 2222, k1)).isEmpty();
    assertThat(kh.refusal("git.example.com", 22, k1)).get().asString().contains("is unknown");
    assertThat(file("git.example.com " + K1).refusal("git.example.com", 2222, k1)).get().asString().contains("is unknown");
  }

  @Test
  void hashedAndCommaSeparatedAndWildcardHostsMatch() throws Exception {
    assertThat(file(HASHED).refusal("git.example.com", 2222, k1)).isEmpty();
    assertThat(file("other,git.example.com,10.0.0.1 " + K1).refusal("git.example.com", 22, k1)).isEmpty();
    assertThat(file("*.example.com " + K1).refusal("git.example.com", 22, k1)).isEmpty();
  }

  @Test
  void anUnknownHostIsRefusedNamingHostFingerprintAndFile() throws Exception {
    KnownHosts kh = file("other.example.com " + K1);
    String why = kh.refusal("git.example.com", 2222, k1).orElseThrow();
    assertThat(why).startsWith("host key of [git.example.com]:2222 is unknown: the server offered ssh-ed25519 " + FP1)
        .contains(tmp.resolve("known_hosts").toString()).contains("ssh-keyscan -p 2222 git.example.com").doesNotContain("\n");
  }

  @Test
  void aChangedKeyIsRefusedNamingHostFingerprintAndTheLine() throws Exception {
    KnownHosts kh = file("# comment", "git.example.com " + K2);
    String why = kh.refusal("git.example.com", 22, k1).orElseThrow();
    assertThat(why).startsWith("host key of git.example.com has changed: the server offered ssh-ed25519 " + FP1)
        .contains(tmp.resolve("known_hosts") + " line 2").doesNotContain("\n");
  }

  @Test
  void aRevokedKeyIsRefusedEvenWhenAlsoListed() throws Exception {
    KnownHosts kh = file("@revoked * " + K1, "git.example.com " + K1);
    assertThat(kh.refusal("git.example.com", 22, k1)).get().asString().contains("@revoked").contains(FP1);
    assertThat(kh.keysOf("git.example.com", 22)).hasSize(1);
  }

  @Test
  void missingFilesAndUnreadableLinesVouchForNothing() throws Exception {
    KnownHosts none = new KnownHosts(List.of(tmp.resolve("missing")));
    assertThat(none.refusal("h", 22, k1)).get().asString().contains("is unknown");
    assertThat(file("h ssh-ed25519 not-base64", "h " + K1).refusal("h", 22, k1)).isEmpty();
  }

  @Test
  void keysOfListsTheHostsKeysForTheHandshake() throws Exception {
    KnownHosts kh = file("h " + K1, "h " + K2, "other " + K2);
    assertThat(kh.keysOf("h", 22)).hasSize(2);
    assertThat(kh.keysOf("other", 22)).hasSize(1);
    assertThat(kh.keysOf("nobody", 22)).isEmpty();
  }

  @Test
  void jgitsHostPatternsAreReadBack() {
    assertThat(GitSshFactory.HostPort.of("[127.0.0.1]:2222")).isEqualTo(new GitSshFactory.HostPort("127.0.0.1", 2222));
    assertThat(GitSshFactory.HostPort.of("git.example.com")).isEqualTo(new GitSshFactory.HostPort("git.example.com", 22));
    assertThat(GitSshFactory.HostPort.of("[::1]:22")).isEqualTo(new GitSshFactory.HostPort("::1", 22));
  }
}
