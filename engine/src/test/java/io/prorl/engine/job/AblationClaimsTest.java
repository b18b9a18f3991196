package io.prorl.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.boundary.BoundaryHistory;
import io.prorl.engine.job.AblationClaims.Verdict;
import io.prorl.engine.job.AblationReportJob.ArmRun;
import io.prorl.engine.report.ResetMarker;
import io.prorl.engine.report.StepPoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  @Test
  void prolongedVsShortReadsTheCheckpointsNearestAQuarterAndHalfOfTheBudget() {
    // prorl ends phases at steps 3, 9 and 16 of a 16-step budget: nearest 4 is 3, nearest 8 is 9
    Map<String, List<ArmRun>> arms = new LinkedHashMap<>();
    arms.put(
        AblationReportJob.PRORL,
        List.of(
            run(
                AblationReportJob.PRORL,
                Map.of(3, 0.10, 9, 0.20, 16, 0.40),
                List.of(new ResetMarker(4, "PLATEAU"), new ResetMarker(10, "MAX_STEPS")))));
    for (String arm : List.of(AblationReportJob.NO_RESET, "symmetric", "noKl")) {
      arms.put(arm, List.of(run(arm, Map.of(16, 0.30), List.of())));
    }
    AblationClaims claims = new AblationClaims(entries("base", 0, 0, 0.05), arms, List.of(7L), 16);
    String md = claims.markdown("test", "b.png", "c.png");

    assertThat(md)
        .contains("| 25% (step 4) | 3 | +0.100 ± 0.000 | +0.100 ± 0.000 | +0.050 ± 0.000 |")
        .contains("| 50% (step 8) | 9 | +0.200 ± 0.000 | +0.200 ± 0.000 | +0.100 ± 0.000 |")
        .contains("| 100% (step 16) | 16 | +0.400 ± 0.000 | +0.400 ± 0.000 | +0.200 ± 0.000 |");
    // OOD at the end (0.2) against the short runs (0.05 at step 3, 0.1 at step 9)
    assertThat(md)
        .contains("ood pass@2 vs the checkpoint nearest step 4 (25%): +0.150 ± 0.000 (s7 +0.150)")
        .contains("ood pass@2 vs the checkpoint nearest step 8 (50%): +0.100 ± 0.000 (s7 +0.100)");
    assertThat(claims.verdicts()).containsEntry("5. OOD improves over base and short run", "holds");
    assertThat(md)
        .as("two verdicts of one claim are two paragraphs, no empty one")
        .doesNotContain("\n\n\n");
  }

  /**
   * A run whose phases end at the run steps of {@code byStep} (in order) and whose checkpoint there
   * scores v on the trained set and v / 2 out of distribution. As in a real boundary history, an
   * entry's step counts within its phase: the phases ending at run steps 3, 9 and 16 carry steps 3,
   * 6 and 7.
   */
  private static ArmRun run(String arm, Map<Integer, Double> byStep, List<ResetMarker> resets) {
    Map<String, List<BoundaryHistory.Entry>> boundary = new LinkedHashMap<>();
    List<StepPoint> steps = new java.util.ArrayList<>();
    int phase = 0;
    int start = 0;
    for (int end : byStep.keySet().stream().sorted().toList()) {
      phase++;
      for (int s = start + 1; s <= end; s++) {
        steps.add(new StepPoint(s, phase, 0.5, 0.5, 1.0, 0.01, 0.0, 0.0, 20, 1.0));
      }
      boundary.put("phase@" + end, entries("phase@" + end, phase, end - start, byStep.get(end)));
      start = end;
    }
    return new ArmRun(arm, 7L, boundary, new RunReportJob.Curves(steps, resets, phase));
  }

  private static List<BoundaryHistory.Entry> entries(
      String label, int phase, int step, double pass) {
    return List.of(
        entry(label, phase, step, "train", false, pass),
        entry(label, phase, step, "ood", true, pass / 2));
  }

  private static BoundaryHistory.Entry entry(
      String label, int phase, int step, String set, boolean ood, double pass) {
    return new BoundaryHistory.Entry(
        "ckpt-" + label,
        label,
        phase == 0 ? null : phase,
        step,
        set,
        ood,
        Map.of(1, pass, 2, pass),
        pass,
        20,
        4,
        2,
        0.6,
        0.95,
        "2026-12-03T00:00:00Z");
  }
}
