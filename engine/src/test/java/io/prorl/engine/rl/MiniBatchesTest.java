package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mini-batches are whole groups: a group's right and wrong answers meet in one update. */
class MiniBatchesTest {
  /** {@code count} groups of {@code size} responses, response j of group g named "g.j". */
  private static List<List<String>> groups(int count, int size) {
    List<List<String>> out = new ArrayList<>();
    for (int g = 0; g < count; g++) {
      List<String> group = new ArrayList<>();
      for (int j = 0; j < size; j++) {
        group.add(g + "." + j);
      }
      out.add(group);
    }
    return out;
  }

  @Test
  void eachUpdateHoldsCeilGroupsOverUpdatesWholeGroups() {
    // 5 groups of 3, 2 updates: ceil(5/2) = 3 groups, then 2 (responses 9 and 6, not 8 and 7)
    List<List<String>> out = GrpoStep.miniBatches(groups(5, 3), 2);

    assertThat(out).hasSize(2);
    assertThat(out.get(0))
        .containsExactly("0.0", "0.1", "0.2", "1.0", "1.1", "1.2", "2.0", "2.1", "2.2");
    assertThat(out.get(1)).containsExactly("3.0", "3.1", "3.2", "4.0", "4.1", "4.2");
  }

  @Test
  void noGroupIsSplitAcrossUpdates() {
    for (int count = 1; count <= 9; count++) {
      for (int updates = 1; updates <= 5; updates++) {
        List<List<String>> out = GrpoStep.miniBatches(groups(count, 4), updates);
        for (List<String> miniBatch : out) {
          assertThat(miniBatch).isNotEmpty();
          assertThat(miniBatch.size() % 4).as("%d groups, %d updates", count, updates).isZero();
          for (int i = 0; i < miniBatch.size(); i += 4) {
            String group = miniBatch.get(i).split("\\.")[0];
            assertThat(miniBatch.subList(i, i + 4)).allMatch(r -> r.startsWith(group + "."));
          }
        }
        assertThat(out.stream().mapToInt(List::size).sum()).isEqualTo(count * 4);
        assertThat(out.size()).isLessThanOrEqualTo(updates);
      }
    }
  }

  @Test
  void fewerGroupsThanUpdatesGiveFewerUpdatesAndNoneEmpty() {
    assertThat(GrpoStep.miniBatches(groups(2, 8), 4)).hasSize(2).allMatch(b -> b.size() == 8);
    assertThat(GrpoStep.miniBatches(groups(0, 8), 4)).isEmpty();
  }

  @Test
  void refusesZeroUpdates() {
    assertThatThrownBy(() -> GrpoStep.miniBatches(groups(2, 2), 0))
        .hasMessage("updatesPerStep must be >= 1, got 0");
  }
}
