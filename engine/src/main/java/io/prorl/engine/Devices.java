package io.prorl.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Chooses where tensors live. {@code cpu} always works; {@code gpu} needs DJL's PyTorch engine to
 * see a CUDA device, which in turn needs CUDA natives ({@code pytorch-native-cu*}) instead of the
 * CPU natives this build ships; {@code auto} takes the GPU when there is one.
 */
public final class Devices {
  private Devices() {}

  /**
   * @throws IllegalStateException for {@code gpu} without a usable GPU, saying why
   * @throws IllegalArgumentException for an unknown name
   */
  public static Device resolve(String name) {
    Engine engine = DjlEngine.pytorch();
    return switch (name) {
      case "cpu" -> Device.cpu();
      case "auto" -> engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
      case "gpu" -> {
        if (engine.getGpuCount() == 0) {
          throw new IllegalStateException(
              "device 'gpu' was asked for, but DJL's PyTorch engine "
                  + engine.getVersion()
                  + " sees no CUDA device: either this machine has no NVIDIA GPU and driver, or"
                  + " the engine runs on CPU natives (pytorch-native-cpu); install"
                  + " pytorch-native-cu* natives on a GPU machine, or use device 'cpu'");
        }
        yield Device.gpu();
      }
      default ->
          throw new IllegalArgumentException(
              "device: unknown value '" + name + "'; use cpu, gpu or auto");
    };
  }
}
