package vr.common.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import vr.common.VrException;

class EntryRulesTest {
  private static EntryRules rules() {
    return new EntryRules(EntryRules.Limits.NONE);
  }

  @Test
  void namesAreMadeRelativeWithoutDotsOrEmptySegments() {
    assertThat(EntryRules.safeName("./a//b/./c")).isEqualTo("a/b/c");
    assertThat(EntryRules.safeName("./")).isEmpty();
    assertThat(EntryRules.safeName("a..b/..c")).isEqualTo("a..b/..c");
  }

  @Test
  void absoluteDotDotAndNulNamesAreRefused() {
    assertThatThrownBy(() -> EntryRules.safeName("/etc/passwd")).hasMessageContaining("absolute path");
    assertThatThrownBy(() -> EntryRules.safeName("a/../../b")).hasMessageContaining("'..' leaves the target");
    assertThatThrownBy(() -> EntryRules.safeName("a\0b")).hasMessageContaining("NUL in name");
  }

  @Test
  void nothingBelowASymlinkOfTheArchiveNorAHardLinkToOne() {
    EntryRules r = rules();
    r.symlink("l");
    assertThatThrownBy(() -> r.file("l/x", 1)).hasMessageContaining("through the symbolic link 'l'");
    assertThatThrownBy(() -> r.directory("./l/d/")).hasMessageContaining("through the symbolic link 'l'");
    assertThatThrownBy(() -> r.hardLinkTarget("h", "l/x")).hasMessageContaining("through the symbolic link 'l'");
    String t = r.hardLinkTarget("h", "l");
    r.hardLink("h", t);
    assertThatThrownBy(() -> r.special("h/fifo")).hasMessageContaining("through the symbolic link 'h'");
  }

  @Test
  void aLaterEntryThatReplacesASymlinkMakesTheNameSafeAgain() {
    EntryRules r = rules();
    r.symlink("l");
    assertThat(r.directory("l")).isEqualTo("l");
    assertThat(r.file("l/x", 3)).isEqualTo("l/x");
  }

  @Test
  void onlyADirectoryMayNameTheTargetItself() {
    EntryRules r = rules();
    assertThat(r.directory(".")).isEmpty();
    assertThatThrownBy(() -> r.file("./", 0)).hasMessageContaining("names the target itself");
    assertThatThrownBy(() -> r.symlink(".")).hasMessageContaining("names the target itself");
    assertThatThrownBy(() -> r.hardLinkTarget("h", "./")).hasMessageContaining("hard link to the target directory itself");
  }

  @Test
  void theUnpackedSizeIsLimitedBeforeAnythingIsWritten() {
    EntryRules r = new EntryRules(new EntryRules.Limits(100, 1000));
    r.file("a", 60);
    r.file("b", 40);
    assertThatThrownBy(() -> r.file("c", 1)).isInstanceOf(VrException.class)
        .hasMessage("the archive unpacks to more than 100 bytes (at 'c'); a larger one needs VR_UNPACK_MAX_BYTES"
            + " (docs/security.md)");
    assertThatThrownBy(() -> new EntryRules(new EntryRules.Limits(100, 10)).file("huge", Long.MAX_VALUE))
        .hasMessageContaining("more than 100 bytes");
  }

  @Test
  void theNumberOfEntriesIsLimited() {
    EntryRules r = new EntryRules(new EntryRules.Limits(Long.MAX_VALUE, 3));
    r.directory("d");
    r.symlink("d/l");
    r.file("d/f", 0);
    assertThatThrownBy(() -> r.directory("e")).hasMessageContaining("more than 3 entries");
  }

  @Test
  void defaultLimitsScaleWithTheCompressedSizeBetweenAFloorAndACeiling() {
    assertThat(EntryRules.Limits.forArchive(5 << 20).maxBytes()).isEqualTo(1L << 30);
    assertThat(EntryRules.Limits.forArchive(100L << 20).maxBytes()).isEqualTo(100 * (100L << 20));
    assertThat(EntryRules.Limits.forArchive(10L << 30).maxBytes()).isEqualTo(32L << 30);
    assertThat(EntryRules.Limits.forArchive(Long.MAX_VALUE / 2).maxBytes()).isEqualTo(32L << 30);
    assertThat(EntryRules.Limits.forArchive(0).maxEntries()).isEqualTo(1_000_000);
  }

  @Test
  void aHugeNameIsShortenedInErrors() {
    String name = "/" + "x".repeat(100_000);
    assertThatThrownBy(() -> EntryRules.safeName(name)).satisfies(e -> assertThat(e.getMessage())
        .hasSizeLessThan(300).contains("(100001 characters)"));
  }
}
