package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.models.tasks.Task;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.gpu.DjlCudaSetup;
import io.prorl.engine.gpu.GpuPreflight;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import lombok.Builder;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.NoArgsConstructor;
import lombok.ToString;
import lombok.experimental.SuperBuilder;

@SuperBuilder
@ToString
@EqualsAndHashCode(callSuper = true)
@Getter
@NoArgsConstructor
@Schema(
    title = "GPU preflight through the CUDA driver API (JCuda).",
    description =
        "Reports the CUDA devices of the worker (names, memory, compute capability) and whether"
            + " DJL would load a CUDA libtorch there (PYTORCH_LIBRARY_PATH, PYTORCH_FLAVOR=cu128,"
            + " libcudart.so; docs/GPU.md), each missing piece named. Without a GPU or driver it"
            + " reports zero devices and the reason; with `require: true` it fails when there is"
            + " no device or the set-up is incomplete, so a training flow stops before it starts"
            + " on the wrong worker.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "Check the worker before a GPU phase.",
          code =
              """
              id: prorl-gpu-check
              namespace: prorl.examples
              tasks:
                - id: gpu
                  type: io.kestra.plugin.prorl.GpuInfo
              """)
    })
public class GpuInfo extends Task implements RunnableTask<GpuInfo.Output> {

  @Schema(title = "Fail when no CUDA device is found or DJL's CUDA set-up is incomplete.")
  @Builder.Default
  private Property<Boolean> require = Property.ofValue(false);

  @Override
  public Output run(RunContext runContext) throws Exception {
    GpuPreflight.Report r = GpuPreflight.probe();
    DjlCudaSetup.Check setup = DjlCudaSetup.current();
    boolean required = Rendered.required(runContext, require, Boolean.class, "require");
    if (r.available()) {
      r.devices()
          .forEach(d ->
              runContext
                  .logger()
                  .info(
                      "GPU {}: {}, {} MiB, compute capability {}.{}",
                      d.index(),
                      d.name(),
                      d.totalMemoryBytes() >> 20,
                      d.computeMajor(),
                      d.computeMinor()));
    } else {
      runContext.logger().warn("no GPU: {}", r.reason());
      if (required) {
        throw new IllegalStateException("require: no CUDA device: " + r.reason());
      }
    }
    setup.problems().forEach(p -> runContext.logger().warn("DJL CUDA set-up: {}", p));
    if (setup.ready()) {
      runContext
          .logger()
          .info("DJL CUDA set-up: libtorch for {} would be loaded", DjlCudaSetup.FLAVOR);
    } else if (required) {
      throw new IllegalStateException(
          "require: DJL would not load a CUDA libtorch: " + String.join("; ", setup.problems()));
    }
    return Output.builder()
        .deviceCount(r.devices().size())
        .driverVersion(r.driverVersion())
        .devices(
            r.devices().stream()
                .map(d ->
                    Map.<String, Object>of(
                        "index", d.index(),
                        "name", d.name(),
                        "totalMemoryBytes", d.totalMemoryBytes(),
                        "computeCapability", d.computeMajor() + "." + d.computeMinor()))
                .toList())
        .reason(r.reason())
        .djlCudaReady(setup.ready())
        .setupProblems(setup.problems())
        .build();
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(title = "CUDA devices found.")
    private final int deviceCount;

    @Schema(title = "CUDA driver version (12060 = 12.6), 0 when unknown.")
    private final int driverVersion;

    @Schema(title = "index, name, totalMemoryBytes, computeCapability of each device.")
    private final List<Map<String, Object>> devices;

    @Schema(title = "Why no device was found, absent when there are devices.")
    private final String reason;

    @Schema(title = "Whether DJL would load a CUDA build of libtorch on this worker.")
    private final boolean djlCudaReady;

    @Schema(title = "What is missing for DJL's CUDA engine, one line each; empty when ready.")
    private final List<String> setupProblems;
  }
}
