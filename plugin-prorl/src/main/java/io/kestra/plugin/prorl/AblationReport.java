package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.job.AblationReportJob;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
    title = "Report an ablation of ProRL: the paper's five claims, each with a verdict.",
    description =
        "Reads the boundary histories and step metrics of the arm runs prorl, noReset, symmetric"
            + " and noKl (run <runId>-<arm>-s<seed> each) and the base's boundary (run <runId>),"
            + " and writes ABLATION.md (one section per claim: per-seed differences, mean ±"
            + " spread, verdict holds / does not hold / inconclusive) and two PNGs: the final"
            + " boundary of each arm against the base, and the arms' entropy, KL, clip, kept"
            + " fraction, accuracy and validation per step. See flows/prorl-ablation.yaml.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "The report of an ablation whose arms wrote to file:///tmp/prorl/ablation.",
          code =
              """
              id: prorl-ablation-report
              namespace: prorl.examples
              inputs:
                - id: runId
                  type: STRING
              tasks:
                - id: report
                  type: io.kestra.plugin.prorl.AblationReport
                  checkpointRoot: file:///tmp/prorl/ablation
                  runId: "{{ inputs.runId }}"
                  seeds: [1, 2, 3]
                  runSteps: 16
              """)
    })
public class AblationReport extends S3ConnectedTask implements RunnableTask<AblationReport.Output> {
  @Schema(title = "Where the arms' checkpoints live: file:///dir, s3://bucket/prefix or a path.")
  @NotNull
  private Property<String> checkpointRoot;

  @Schema(title = "The ablation's run id (its base boundary); arm runs are <runId>-<arm>-s<seed>.")
  @NotNull
  private Property<String> runId;

  @Schema(title = "The seeds every arm ran with.")
  @NotNull
  private Property<List<Long>> seeds;

  @Schema(title = "Every arm run's step budget (locates the short-run checkpoint, 25%).")
  @NotNull
  private Property<Integer> runSteps;

  @Schema(title = "Also copy ABLATION.md and its PNGs into this local folder (e.g. docs/).")
  private Property<String> reportDir;

  @Override
  public Output run(RunContext rc) throws Exception {
    String run = Rendered.required(rc, runId, String.class, "runId");
    List<Long> seedList = rc.render(seeds).asList(Long.class);
    if (seedList.isEmpty()) {
      throw new IllegalArgumentException("seeds: give at least one seed");
    }
    Path out = Files.createTempDirectory(rc.workingDir().path(), "ablation");
    String producedBy =
        "kestra flow "
            + rc.flowInfo().namespace()
            + "."
            + rc.flowInfo().id()
            + ", run "
            + run
            + ", "
            + Instant.now().truncatedTo(ChronoUnit.SECONDS);
    AblationReportJob.Result r;
    try (CheckpointStore store =
        openStore(rc, Rendered.required(rc, checkpointRoot, String.class, "checkpointRoot"))) {
      r =
          AblationReportJob.run(
              store,
              run,
              seedList,
              Rendered.required(rc, runSteps, Integer.class, "runSteps"),
              producedBy,
              out,
              msg -> rc.logger().info(msg));
      for (Path f : List.of(r.markdown(), r.boundaryPng(), r.curvesPng())) {
        store.put(run + "/report/" + f.getFileName(), f);
      }
    }
    String dir = rc.render(reportDir).as(String.class).orElse("");
    if (!dir.isBlank()) {
      Path target = Files.createDirectories(Path.of(dir));
      for (Path f : List.of(r.markdown(), r.boundaryPng(), r.curvesPng())) {
        Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
      rc.logger().info("ablation report copied into {}", target.toAbsolutePath());
    }
    return Output.builder()
        .markdown(rc.storage().putFile(r.markdown().toFile(), AblationReportJob.MARKDOWN))
        .boundaryChart(
            rc.storage().putFile(r.boundaryPng().toFile(), AblationReportJob.BOUNDARY_PNG))
        .curvesChart(rc.storage().putFile(r.curvesPng().toFile(), AblationReportJob.CURVES_PNG))
        .verdicts(r.verdicts())
        .build();
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(title = "ABLATION.md: one section per claim with its numbers and verdict.")
    private final URI markdown;

    @Schema(title = "Each arm's final pass@k per set (mean over seeds) against the base (PNG).")
    private final URI boundaryChart;

    @Schema(title = "The arms per step: entropy, KL, clip, kept fraction, accuracy, validation.")
    private final URI curvesChart;

    @Schema(title = "claim -> holds / does not hold / inconclusive.")
    private final Map<String, String> verdicts;
  }
}
