package io.kestra.plugin.prorl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kestra.core.junit.annotations.KestraTest;
import io.kestra.core.models.property.Property;
import io.kestra.core.runners.RunContextFactory;
import io.prorl.engine.gpu.DjlCudaSetup;
import io.prorl.engine.gpu.GpuPreflight;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** GpuInfo built with its builder and run with a RunContext from Kestra's factory. */
@KestraTest
class GpuInfoTest {
  @Inject RunContextFactory runContextFactory;

  @Test
  void reportsTheDevicesAndWhetherDjlWouldLoadCuda() throws Exception {
    GpuInfo.Output out =
        GpuInfo.builder()
            .id("gpu")
            .type(GpuInfo.class.getName())
            .build()
            .run(runContextFactory.of(Map.of()));
    GpuPreflight.Report probe = GpuPreflight.probe();
    DjlCudaSetup.Check setup = DjlCudaSetup.current();
    assertThat(out.getDeviceCount()).isEqualTo(probe.devices().size());
    assertThat(out.getReason()).isEqualTo(probe.reason());
    assertThat(out.isDjlCudaReady()).isEqualTo(setup.ready());
    assertThat(out.getSetupProblems()).isEqualTo(setup.problems());
  }

  @Test
  void requireFailsOnAMachineWithoutAGpuSayingWhy() {
    GpuPreflight.Report probe = GpuPreflight.probe();
    Assumptions.assumeFalse(probe.available(), "this machine has a GPU");
    GpuInfo task =
        GpuInfo.builder()
            .id("gpu")
            .type(GpuInfo.class.getName())
            .require(Property.ofValue(true))
            .build();
    assertThatThrownBy(() -> task.run(runContextFactory.of(Map.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("require: no CUDA device: " + probe.reason());
  }
}
