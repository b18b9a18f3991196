package io.prorl.engine.job;

import ai.djl.Device;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.TrainerState;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.rl.Validator;
import io.prorl.engine.rl.WarmStart;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Makes a run's base policy: the embedded tiny default (seeded initialisation) fine-tuned on the
 * training problems' worked solutions, written as the run's phase-0 checkpoint. A retry finds the
 * complete checkpoint and returns it instead of training again.
 */
public final class WarmStartJob {

  /**
   * @param store where checkpoints go
   * @param runId the run
   * @param initSeed weight initialisation
   * @param sft the supervised fine-tuning
   * @param datasetSha256 recorded in the manifest
   * @param lineage recorded in the manifest
   */
  public record Config(
      CheckpointStore store,
      String runId,
      long initSeed,
      WarmStart.Config sft,
      String datasetSha256,
      Map<String, String> lineage) {
    /** Validation problems the base's pass@1 is measured on, by default (the first N). */
    public static final int VALIDATION_PROBLEMS = 100;
  }

  /**
   * @param checkpoint URI of the base policy
   * @param reused true when a complete base from an earlier attempt was returned
   * @param loss mean SFT loss over the last 10% of steps (NaN when reused)
   * @param validationPassAt1 greedy pass@1 on the validation problems (NaN without them)
   */
  public record Result(String checkpoint, boolean reused, double loss, double validationPassAt1) {}

  private WarmStartJob() {}

  public static Result run(
      Config config,
      List<Problem> train,
      List<Problem> validation,
      TaskFamilies families,
      Consumer<String> log)
      throws IOException {
    DjlEngine.gradientsOffOnThisThread();
    Path work = Files.createTempDirectory("prorl-warm-start");
    Path tokenizerFile = work.resolve(HfModelDir.TOKENIZER);
    EmbeddedDefault.writeTokenizer(tokenizerFile);
    Checkpointer checkpointer =
        new Checkpointer(
            config.store(), tokenizerFile, "embedded", config.datasetSha256(), config.lineage());
    CheckpointId id = new CheckpointId(config.runId(), 0, 0);
    if (new RunProgress(checkpointer, config.runId()).base().isPresent()) {
      String uri = config.store().uri(id.prefix()).toString();
      log.accept("base policy of run " + config.runId() + " already complete at " + uri);
      return new Result(uri, true, Double.NaN, Double.NaN);
    }
    try (Tokenizer tokenizer = Tokenizer.load(tokenizerFile);
        Qwen2Model policy =
            Qwen2Model.initialize(EmbeddedDefault.config(), config.initSeed(), Device.cpu())) {
      int steps = config.sft().steps();
      int every = Math.max(1, steps / 10);
      log.accept(
          "run "
              + config.runId()
              + ": warm-starting the base for "
              + steps
              + " steps (after a crash, the same run id continues this run)");
      long start = System.nanoTime();
      double loss =
          WarmStart.run(
              policy,
              tokenizer,
              train,
              config.sft(),
              step -> {
                if (step % every == 0 || step == steps) {
                  double s = (System.nanoTime() - start) / 1e9;
                  log.accept(
                      String.format(
                          "warm start step %d/%d (%.0f s, ETA %.0f s)",
                          step, steps, s, s / step * (steps - step)));
                }
              });
      double pass =
          validation.isEmpty()
              ? Double.NaN
              : new Validator(tokenizer, families, validation, 64).passAt1(policy);
      log.accept(String.format("warm start done: loss %.3f, validation pass@1 %.3f", loss, pass));
      String uri =
          checkpointer.write(
              id,
              policy,
              null,
              new TrainerState(
                  0,
                  0,
                  config.initSeed(),
                  0,
                  0,
                  0,
                  null,
                  Double.isNaN(pass) ? List.of() : List.of(pass),
                  "WARM_START"));
      return new Result(uri, false, loss, pass);
    }
  }
}
