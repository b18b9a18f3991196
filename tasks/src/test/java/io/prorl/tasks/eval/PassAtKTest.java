package io.prorl.tasks.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PassAtKTest {
  @Test
  void matchesTheBinomialFormula() {
    // 1 - C(n-c, k) / C(n, k)
    assertThat(PassAtK.estimate(4, 1, 1)).isCloseTo(0.25, within(1e-12));
    assertThat(PassAtK.estimate(4, 1, 2)).isCloseTo(1 - 3.0 / 6.0, within(1e-12));
    assertThat(PassAtK.estimate(10, 3, 5)).isCloseTo(1 - 21.0 / 252.0, within(1e-12));
    assertThat(PassAtK.estimate(16, 0, 8)).isZero();
    assertThat(PassAtK.estimate(16, 9, 8)).isEqualTo(1.0);
    assertThat(PassAtK.estimate(1000, 1, 1)).isCloseTo(0.001, within(1e-12));
  }

  @Test
  void refusesImpossibleCounts() {
    assertThatThrownBy(() -> PassAtK.estimate(4, 5, 1)).hasMessageContaining("c <= n");
    assertThatThrownBy(() -> PassAtK.estimate(4, 1, 5)).hasMessageContaining("k must lie in");
  }

  @Test
  void tableAveragesOverProblemsAndFamilies() {
    PassAtKTable t = new PassAtKTable();
    // problem a: 1 of 2 right; b: 0 of 2; c (other family): 2 of 2
    t.add("a", "f1", true);
    t.add("a", "f1", false);
    t.add("b", "f1", false);
    t.add("b", "f1", false);
    t.add("c", "f2", true);
    t.add("c", "f2", true);
    assertThat(t.overall(List.of(1, 2)))
        .containsEntry(1, (0.5 + 0 + 1) / 3)
        .containsEntry(2, (1.0 + 0 + 1) / 3);
    assertThat(t.perFamily(List.of(1)).get("f1")).containsEntry(1, 0.25);
    assertThat(t.perFamily(List.of(1)).get("f2")).containsEntry(1, 1.0);
    assertThatThrownBy(() -> t.overall(List.of(3))).hasMessageContaining("fewer than k=3");
  }
}
