package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class SurrogateGainTest {
  private static PolicySample sample(double advantage, boolean counted, int tokens) {
    return new PolicySample(
        new int[] {1}, new int[tokens], new float[tokens], null, advantage, counted);
  }

  @Test
  void gainIsTheAdvantageWeightedLogProbChangePerCountedToken() {
    List<PolicySample> batch =
        List.of(sample(1.0, true, 2), sample(-0.5, true, 2), sample(3.0, false, 1));
    List<float[]> before =
        List.of(new float[] {-1f, -2f}, new float[] {-1f, -1f}, new float[] {-1f});
    List<float[]> after =
        List.of(new float[] {-0.5f, -1.5f}, new float[] {-1.5f, -1f}, new float[] {-9f});

    // (1.0 * (0.5 + 0.5) + -0.5 * (-0.5 + 0)) / 4 counted tokens; the masked sample is ignored
    assertThat(SurrogateGain.of(batch, before, after)).isCloseTo(1.25 / 4, offset(1e-9));
  }

  @Test
  void aNegativeGainIsSuspiciousOnlyWhileClippingIsQuiet() {
    assertThat(SurrogateGain.suspicious(-0.01, 0.0, 0.005)).isTrue();
    assertThat(SurrogateGain.suspicious(-0.01, 0.02, 0.0)).isFalse();
    assertThat(SurrogateGain.suspicious(-0.01, 0.0, 0.02)).isFalse();
    assertThat(SurrogateGain.suspicious(0.01, 0.0, 0.0)).isFalse();
  }

  @Test
  void refusesLogProbsOfAnotherBatch() {
    assertThatThrownBy(
            () -> SurrogateGain.of(List.of(sample(1, true, 1)), List.of(), List.of(new float[1])))
        .hasMessage("need log-probs for each of 1 samples, got 0 before and 1 after");
  }
}
