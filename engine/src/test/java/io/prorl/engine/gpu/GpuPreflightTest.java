package io.prorl.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs the real JCuda probe. On a machine without a CUDA driver (CI) it must report zero devices
 * and say why instead of throwing; on a GPU machine every device has a name and memory.
 */
class GpuPreflightTest {
  @Test
  void reportsDevicesOrTheReasonThereAreNone() {
    GpuPreflight.Report r = GpuPreflight.probe();
    if (r.available()) {
      assertThat(r.reason()).isNull();
      assertThat(r.devices())
          .allSatisfy(d -> {
            assertThat(d.name()).isNotBlank();
            assertThat(d.totalMemoryBytes()).isPositive();
            assertThat(d.computeMajor()).isPositive();
          });
    } else {
      assertThat(r.devices()).isEmpty();
      assertThat(r.reason()).isNotBlank();
    }
  }

  @Test
  void probingAgainGivesTheSameAnswerInsteadOfThrowing() {
    // a JVM keeps a class whose native library failed to load unusable: a second probe used to
    // throw NoClassDefFoundError instead of reporting why there is no GPU
    GpuPreflight.Report first = GpuPreflight.probe();
    GpuPreflight.Report second = GpuPreflight.probe();
    assertThat(second.available()).isEqualTo(first.available());
    assertThat(second.reason()).isEqualTo(first.reason());
  }
}
