package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.models.tasks.Task;
import io.kestra.core.runners.RunContext;
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
        "Reports the CUDA devices of the worker: names, memory, compute capability. Without a GPU"
            + " or driver it reports zero devices and the reason; with `require: true` it fails"
            + " instead, so a training flow stops before it starts on the wrong worker.")
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

  @Schema(title = "Fail when no CUDA device is found.")
  @Builder.Default
  private Property<Boolean> require = Property.ofValue(false);

  @Override
  public Output run(RunContext runContext) throws Exception {
    GpuPreflight.Report r = GpuPreflight.probe();
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
      if (runContext.render(require).as(Boolean.class).orElse(false)) {
        throw new IllegalStateException("require: no CUDA device: " + r.reason());
      }
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
  }
}
