package io.prorl.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DevicesTest {

  @Test
  void cpuAlwaysWorksAndAutoFallsBackToIt() {
    assertThat(Devices.resolve("cpu")).isEqualTo(Device.cpu());
    Device auto = Devices.resolve("auto");
    assertThat(auto).isEqualTo(DjlEngine.pytorch().getGpuCount() > 0 ? Device.gpu() : Device.cpu());
  }

  @Test
  void gpuWithoutAGpuSaysWhyPlainly() {
    if (DjlEngine.pytorch().getGpuCount() > 0) {
      assertThat(Devices.resolve("gpu")).isEqualTo(Device.gpu());
      return;
    }
    assertThatThrownBy(() -> Devices.resolve("gpu"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sees no CUDA device")
        .hasMessageContaining("pytorch-native-cpu");
  }

  @Test
  void unknownDeviceIsNamed() {
    assertThatThrownBy(() -> Devices.resolve("tpu"))
        .hasMessage("device: unknown value 'tpu'; use cpu, gpu or auto");
  }
}
