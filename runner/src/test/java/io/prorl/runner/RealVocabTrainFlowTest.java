package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.io.ModelInit;
import io.prorl.engine.io.SafeTensors;
import io.prorl.engine.io.WeightShards;
import io.prorl.tasks.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * flows/prorl-train.yaml on a policy of real shapes at small depth: Qwen2.5-0.5B's published
 * config.json with 2 layers and hidden size 64 (the real 151,936-token vocabulary, tied embeddings,
 * bf16 weights written by {@code engine init}) and the real Qwen tokenizer with its chat template.
 * Dataset, the base's boundary, one phase of one step with at least one optimizer update (a random
 * policy solves nothing, so {@code groupFilter: NONE} and truncated responses counted), the phase's
 * boundary, evaluation and report; the phase-end checkpoint in bf16 with fp32 masters and the
 * tokenizer files beside it. The CI version of the 0.5B-shaped run in BENCHMARKS.
 */
class RealVocabTrainFlowTest {
  private static final Path QWEN_TOKENIZER = Path.of(System.getProperty("qwen.tokenizer"));
  private static final Path CONFIG =
      Path.of("../engine/src/test/resources/model-configs/Qwen2.5-0.5B.config.json");

  @TempDir Path tmp;

  @Test
  void theTrainFlowRunsAndUpdatesARealVocabularyPolicy() throws Exception {
    ObjectNode config = (ObjectNode) Json.MAPPER.readTree(Files.readString(CONFIG));
    config.put("hidden_size", 64).put("num_hidden_layers", 2).put("intermediate_size", 128);
    config.put("num_attention_heads", 4).put("num_key_value_heads", 2);
    Path configFile = tmp.resolve("config.json");
    Files.writeString(configFile, Json.MAPPER.writeValueAsString(config));
    Path base = tmp.resolve("base");
    ModelInit.init(
        configFile,
        QWEN_TOKENIZER.getParent(),
        base,
        1,
        SafeTensors.DType.BF16,
        WeightShards.DEFAULT_MAX_SHARD_BYTES,
        l -> {});

    Path out = tmp.resolve("out.json");
    int code =
        RunCommand.execute(
            new String[] {
              "run",
              FlowValidationTest.flows().resolve("prorl-train.yaml").toString(),
              "--input",
              "basePolicy=" + base.toUri(),
              "--input",
              "generatedProblems=20",
              "--input",
              "evalProblems=2",
              "--input",
              "evalSamples=2",
              "--input",
              "promptsPerStep=4",
              "--input",
              "groupSize=2",
              "--input",
              "maxNewTokens=16",
              "--input",
              "runSteps=1",
              "--input",
              "maxStepsPerPhase=1",
              "--input",
              "validateEvery=0",
              "--input",
              "groupFilter=NONE",
              "--input",
              "maskTruncated=false",
              "--input",
              "runId=real-vocab",
              "--input",
              "checkpointRoot=" + tmp.resolve("ckpt").toUri(),
              "--outputs",
              out.toString()
            });
    JsonNode doc = Json.MAPPER.readTree(Files.readString(out));
    assertThat(doc.path("state").asString()).isEqualTo("SUCCESS");
    assertThat(code).isZero();
    JsonNode outputs = doc.path("outputs");
    JsonNode phase = outputs.path("phase");
    assertThat(phase.path("steps").asInt()).isEqualTo(1);
    assertThat(phase.path("updates").asInt()).as("optimizer updates").isGreaterThanOrEqualTo(1);
    assertThat(phase.path("skippedUpdates").asInt()).isZero();
    assertThat(outputs.path("report").path("boundary").has("phase-0001")).isTrue();
    assertThat(outputs.path("evaluate").path("reportUri").asString()).isNotEmpty();

    Path end = Path.of(URI.create(phase.path("checkpoint").asString()));
    assertThat(HfModelDir.policyDtype(end)).isEqualTo(SafeTensors.DType.BF16);
    assertThat(end.resolve(HfModelDir.MASTER_WEIGHTS)).exists();
    for (String file : new String[] {"tokenizer.json", "tokenizer_config.json", "config.json"}) {
      assertThat(end.resolve(file)).as(file).exists();
    }
  }
}
