package vr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import vr.common.InputException;

class SwarmFilterTest {
  @Test
  void matchesFromTheStartOfTheNameLikeReMatch() {
    SwarmFilter f = SwarmFilter.of("shop-prod", List.of());
    assertThat(f.matches("shop-prod-web")).isTrue();
    assertThat(f.matches("myshop-prod-web")).isFalse();
    assertThat(SwarmFilter.of("a-b-c|d-e-f", List.of()).matches("d-e-f")).isTrue();
  }

  @Test
  void exclusionsAreFoundAnywhereIgnoringCase() {
    SwarmFilter f = SwarmFilter.of(".*", List.of("WORK", "cron$"));
    assertThat(f.matches("shop-prod-worker")).isFalse();
    assertThat(f.matches("shop-prod-cron")).isFalse();
    assertThat(f.matches("shop-prod-web")).isTrue();
  }

  @Test
  void aBadExclusionIsNamedAsSuch() {
    assertThatThrownBy(() -> SwarmFilter.of(".*", List.of("[")))
        .isInstanceOf(InputException.class).hasMessageStartingWith("--exclude: not a regular expression: '['");
  }

  @Test
  void ingredientsMergeAsTheOriginalsDoctest() {
    assertThat(Ingredients.assemble(List.of("a", "b", "d"), List.of("a", "c", "e"), List.of("d", "e")))
        .containsExactly("a", "b", "c");
  }
}
