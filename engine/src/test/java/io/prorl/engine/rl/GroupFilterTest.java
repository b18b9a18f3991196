package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.sampling.FinishReason;
import io.prorl.engine.sampling.Generation;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which groups each dynamic-sampling filter keeps. */
class GroupFilterTest {
  private static RolloutGroup group(Reward... rewards) {
    Problem p = new Problem("p-1", "graph_color", Map.of(), "color it", Map.of(), null);
    Generation g = new Generation(new int[] {1}, new float[] {0f}, FinishReason.STOP, "x");
    return new RolloutGroup(
        p, new int[] {1}, Collections.nCopies(rewards.length, g), List.of(rewards));
  }

  @Test
  void partialCreditKeepsAGroupForRewardVarianceButNotForAccuracy() {
    RolloutGroup partial =
        group(Reward.partial(3, 5, "3 of 5"), Reward.partial(4, 5, "4 of 5"), Reward.wrong("no"));
    assertThat(GroupFilter.REWARD_VARIANCE.keeps(partial)).isTrue();
    assertThat(GroupFilter.ACCURACY.keeps(partial)).isFalse();
  }

  @Test
  void aGroupSolvedSometimesIsKeptByBoth() {
    RolloutGroup mixed = group(Reward.correct("yes"), Reward.partial(4, 5, "4 of 5"));
    assertThat(GroupFilter.REWARD_VARIANCE.keeps(mixed)).isTrue();
    assertThat(GroupFilter.ACCURACY.keeps(mixed)).isTrue();
  }

  @Test
  void allRightOrAllWrongIsDroppedByBoth() {
    for (RolloutGroup g :
        List.of(
            group(Reward.correct("yes"), Reward.correct("yes")),
            group(Reward.wrong("no"), Reward.wrong("no")))) {
      assertThat(GroupFilter.REWARD_VARIANCE.keeps(g)).isFalse();
      assertThat(GroupFilter.ACCURACY.keeps(g)).isFalse();
    }
  }

  @Test
  void noneKeepsEveryGroupEvenAllWrong() {
    for (RolloutGroup g :
        List.of(
            group(Reward.correct("yes"), Reward.correct("yes")),
            group(Reward.wrong("no"), Reward.wrong("no")),
            group(Reward.correct("yes"), Reward.wrong("no")))) {
      assertThat(GroupFilter.NONE.keeps(g)).isTrue();
    }
  }
}
