package io.prorl.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prorl.engine.TestModels;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.io.SafeTensors;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CheckpointerTest {
  @TempDir Path dir;

  private Checkpointer checkpointer() throws Exception {
    Path tokenizer = dir.resolve("tokenizer.json");
    Files.writeString(tokenizer, "{}");
    return new Checkpointer(
        new FileCheckpointStore(dir.resolve("store")),
        tokenizer,
        "file:///models/base",
        "abc123",
        Map.of("flow", "prorl-train"));
  }

  private static TrainerState state(int step) {
    return new TrainerState(
        1, step, 7, 0, 3, step, "run/phase-0001/step-000000/", List.of(0.5), null);
  }

  @Test
  void aCheckpointIsAnHfDirectoryWithAManifestWrittenLast() throws Exception {
    Checkpointer c = checkpointer();
    try (Qwen2Model model = TestModels.tiny(1);
        NDManager m = NDManager.newBaseManager();
        AdamW adam = new AdamW(AdamW.Config.defaults(), m)) {
      String uri = c.write(new CheckpointId("run", 1, 10), model, adam, state(10));
      Path folder = dir.resolve("store/run/phase-0001/step-000010");
      assertThat(uri).isEqualTo(folder.toUri().toString());
      assertThat(folder.resolve("config.json")).exists();
      assertThat(folder.resolve("model.safetensors")).exists();
      assertThat(folder.resolve("tokenizer.json")).exists();
      assertThat(folder.resolve("trainer_state.json")).exists();
      JsonNode manifest =
          JsonMapper.builder().build().readTree(Files.readString(folder.resolve("MANIFEST.json")));
      assertThat(manifest.get("files").propertyNames())
          .containsExactly(
              "config.json",
              "model.safetensors",
              "optimizer.safetensors",
              "tokenizer.json",
              "trainer_state.json");
      assertThat(manifest.get("files").get("config.json").get("sha256").asString()).hasSize(64);
      assertThat(manifest.get("datasetSha256").asString()).isEqualTo("abc123");
      assertThat(manifest.get("parent").asString()).isEqualTo("file:///models/base");
      assertThat(manifest.get("lineage").get("flow").asString()).isEqualTo("prorl-train");
      try (Qwen2Model back = HfModelDir.load(folder, Device.cpu())) {
        assertThat(back.toTensors().get("model.norm.weight").data())
            .containsExactly(model.toTensors().get("model.norm.weight").data());
      }
      Checkpointer.Loaded loaded = c.load(new CheckpointId("run", 1, 10));
      assertThat(loaded.state()).isEqualTo(state(10));
    }
  }

  @Test
  void aBf16PolicyIsSavedInBf16WithFp32MastersThatTrainingLoads() throws Exception {
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\"}");
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [63]}");
    Checkpointer c = checkpointer().withPolicyDtype(SafeTensors.DType.BF16);
    try (Qwen2Model model = TestModels.tiny(1);
        NDManager m = NDManager.newBaseManager();
        AdamW adam = new AdamW(AdamW.Config.defaults(), m)) {
      c.write(new CheckpointId("run", 1, 10), model, adam, state(10));
      Path folder = dir.resolve("store/run/phase-0001/step-000010");
      JsonMapper json = JsonMapper.builder().build();
      assertThat(
              json.readTree(Files.readString(folder.resolve("config.json")))
                  .path("torch_dtype")
                  .asString())
          .isEqualTo("bfloat16");
      assertThat(folder.resolve("tokenizer_config.json")).exists();
      assertThat(folder.resolve("generation_config.json")).exists();
      assertThat(HfModelDir.policyDtype(folder)).isEqualTo(SafeTensors.DType.BF16);
      // the policy file holds bf16: half the bytes of the fp32 masters beside it
      assertThat(Files.size(folder.resolve("model.safetensors")))
          .isLessThan(Files.size(folder.resolve(HfModelDir.MASTER_WEIGHTS)) * 6 / 10);
      String name = "model.layers.0.mlp.up_proj.weight";
      float[] exact = model.parameters().get(name).toFloatArray();
      try (Qwen2Model policy = HfModelDir.load(folder, Device.cpu());
          Qwen2Model master = HfModelDir.loadForTraining(folder, Device.cpu())) {
        float[] rounded = policy.parameters().get(name).toFloatArray();
        assertThat(rounded).isNotEqualTo(exact);
        for (int i = 0; i < exact.length; i++) {
          assertThat(rounded[i])
              .isCloseTo(exact[i], org.assertj.core.data.Percentage.withPercentage(0.4));
        }
        assertThat(master.parameters().get(name).toFloatArray()).containsExactly(exact);
      }
      assertThat(c.load(new CheckpointId("run", 1, 10)).weights().get(name).data())
          .as("resume reads the masters")
          .containsExactly(exact);
    }
  }

  @Test
  void resumeTakesTheNewestCompleteCheckpointAndIgnoresOnesWithoutManifest() throws Exception {
    Checkpointer c = checkpointer();
    try (Qwen2Model model = TestModels.tiny(1)) {
      c.write(new CheckpointId("run", 1, 5), model, null, state(5));
      c.write(new CheckpointId("run", 1, 20), model, null, state(20));
      c.write(new CheckpointId("run", 2, 1), model, null, state(1));
      Files.delete(dir.resolve("store/run/phase-0001/step-000020/MANIFEST.json"));
      assertThat(c.latestComplete("run", 1)).contains(new CheckpointId("run", 1, 5));
      assertThat(c.latestComplete("run", 3)).isEmpty();
    }
  }

  @Test
  void aCorruptedFileIsNamedOnLoad() throws Exception {
    Checkpointer c = checkpointer();
    try (Qwen2Model model = TestModels.tiny(1)) {
      c.write(new CheckpointId("run", 1, 1), model, null, state(1));
      Path weights = dir.resolve("store/run/phase-0001/step-000001/model.safetensors");
      byte[] bytes = Files.readAllBytes(weights);
      bytes[bytes.length - 1] ^= 1;
      Files.write(weights, bytes);
      assertThatThrownBy(() -> c.load(new CheckpointId("run", 1, 1)))
          .hasMessageContaining("file model.safetensors has sha256")
          .hasMessageContaining("but the manifest says");
    }
  }

  @Test
  void keysCannotEscapeTheStore() {
    assertThatThrownBy(() -> new CheckpointId("../x", 1, 1)).hasMessageContaining("plain name");
    assertThatThrownBy(() -> new FileCheckpointStore(dir).uri("../../etc/passwd"))
        .hasMessageContaining("escapes the store root");
  }
}
