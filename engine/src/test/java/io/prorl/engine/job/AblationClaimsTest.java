package io.prorl.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.job.AblationClaims.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ablation's verdict rule, fixed before any arm ran. */
class AblationClaimsTest {
  @Test
  void aClaimHoldsOnlyWhenEverySeedAgrees() {
    assertThat(Verdict.of(List.of(0.1, 0.02, 0.3))).isEqualTo(Verdict.HOLDS);
    assertThat(Verdict.of(List.of(-0.1, 0.0, -0.3))).isEqualTo(Verdict.DOES_NOT_HOLD);
    assertThat(Verdict.of(List.of(0.0, 0.0, 0.0)))
        .as("no change is no improvement")
        .isEqualTo(Verdict.DOES_NOT_HOLD);
    assertThat(Verdict.of(List.of(0.1, -0.1, 0.2))).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(Verdict.of(List.of(Double.NaN, 0.1)))
        .as("a seed without the figure (no reset happened) decides nothing")
        .isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(Verdict.of(List.of())).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void aClaimOfSeveralPartsHoldsWhenEveryPartHolds() {
    assertThat(Verdict.all(List.of(Verdict.HOLDS, Verdict.HOLDS))).isEqualTo(Verdict.HOLDS);
    assertThat(Verdict.all(List.of(Verdict.DOES_NOT_HOLD, Verdict.DOES_NOT_HOLD)))
        .isEqualTo(Verdict.DOES_NOT_HOLD);
    assertThat(Verdict.all(List.of(Verdict.HOLDS, Verdict.DOES_NOT_HOLD)))
        .isEqualTo(Verdict.INCONCLUSIVE);
  }
}
