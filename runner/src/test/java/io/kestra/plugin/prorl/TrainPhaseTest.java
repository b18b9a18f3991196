package io.kestra.plugin.prorl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kestra.core.junit.annotations.KestraTest;
import io.kestra.core.models.property.Property;
import io.kestra.core.runners.RunContextFactory;
import io.prorl.engine.gpu.GpuPreflight;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TrainPhase built with its builder and run with a RunContext from Kestra's factory. */
@KestraTest
class TrainPhaseTest {
  @Inject RunContextFactory runContextFactory;
  @TempDir Path tmp;

  @Test
  void aGpuPhaseFailsFastWithoutAGpuSayingWhy() throws Exception {
    GpuPreflight.Report gpu = GpuPreflight.probe();
    Assumptions.assumeFalse(gpu.available(), "this machine has a GPU");
    Path checkpoints = Files.createDirectories(tmp.resolve("ckpt"));
    TrainPhase task =
        TrainPhase.builder()
            .id("phase")
            .type(TrainPhase.class.getName())
            .policy(Property.ofValue("file:///nonexistent"))
            .dataset(Property.ofValue("file:///nonexistent.jsonl"))
            .checkpointRoot(Property.ofValue(checkpoints.toUri().toString()))
            .device(Property.ofValue("gpu"))
            .build();
    assertThatThrownBy(() -> task.run(runContextFactory.of(Map.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("device gpu: " + gpu.reason());
    try (Stream<Path> s = Files.list(checkpoints)) {
      assertThat(s).isEmpty(); // failed before reading data or writing anything
    }
  }

  @Test
  void aBadSaveDtypeIsRefusedNamingTheField() {
    assertThat(withSaveDtype("fp8").staticViolations())
        .containsExactly("saveDtype must be bf16, f16 or f32, got 'fp8'");
    assertThat(withSaveDtype("bf16").staticViolations()).isEmpty();
  }

  @Test
  void theMemorySettingsReachTheTrainerAndBadOnesAreRefusedByName() throws Exception {
    TrainPhase task =
        base().logitChunk(Property.ofValue(-1)).microBatchTokens(Property.ofValue(-2)).build();
    assertThat(task.staticViolations())
        .containsExactly(
            "logitChunk must be >= 0 (0 = no chunking), got -1",
            "microBatchTokens must be >= 0 (0 = the whole mini-batch), got -2");
    TrainPhase set =
        base()
            .logitChunk(Property.ofExpression("{{ 256 }}"))
            .microBatchTokens(Property.ofValue(4096))
            .recompute(Property.ofValue(true))
            .build();
    assertThat(
            set.settings(
                    runContextFactory.of(Map.of()),
                    io.prorl.engine.job.TrainPhaseJob.Config.builder(null, "run", "file:///p"))
                .build()
                .trainer()
                .memory())
        .isEqualTo(new io.prorl.engine.scoring.TrainingMemory(256, 4096, true));
    assertThat(
            base()
                .build()
                .settings(
                    runContextFactory.of(Map.of()),
                    io.prorl.engine.job.TrainPhaseJob.Config.builder(null, "run", "file:///p"))
                .build()
                .trainer()
                .memory())
        .isEqualTo(io.prorl.engine.scoring.TrainingMemory.DEFAULTS);
  }

  private static TrainPhase withSaveDtype(String dtype) {
    return base().saveDtype(Property.ofValue(dtype)).build();
  }

  private static TrainPhase.TrainPhaseBuilder<?, ?> base() {
    return TrainPhase.builder()
        .id("phase")
        .type(TrainPhase.class.getName())
        .policy(Property.ofValue("file:///nonexistent"))
        .dataset(Property.ofValue("file:///nonexistent.jsonl"))
        .checkpointRoot(Property.ofValue("file:///tmp/x"));
  }
}
