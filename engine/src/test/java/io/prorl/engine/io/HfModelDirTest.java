package io.prorl.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prorl.engine.TestModels;
import io.prorl.engine.model.AttentionInputs;
import io.prorl.engine.model.Qwen2Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HfModelDirTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/qwen2-tiny");

  private static float[] logits(Qwen2Model model, int[][] ids) {
    try (NDManager m = NDManager.newBaseManager()) {
      boolean[][] valid = new boolean[ids.length][ids[0].length];
      for (boolean[] row : valid) {
        Arrays.fill(row, true);
      }
      int t = ids[0].length;
      return model
          .forward(
              AttentionInputs.ids(m, ids, 0, t),
              AttentionInputs.positions(m, valid, 0, t),
              AttentionInputs.bias(m, valid, 0, t),
              null)
          .toFloatArray();
    }
  }

  @Test
  void aBf16CheckpointGivesTheLogitsOfTheReferenceImplementation() throws Exception {
    JsonNode expected =
        JsonMapper.builder()
            .build()
            .readTree(Files.readString(GOLDEN.resolve("expected-logits.json")));
    int[] ids = new int[expected.get("ids").get(0).size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = expected.get("ids").get(0).get(i).asInt();
    }
    try (Qwen2Model model = HfModelDir.load(GOLDEN, Device.cpu())) {
      assertThat(model.config().tieWordEmbeddings()).isFalse();
      float[] actual = logits(model, new int[][] {ids});
      JsonNode want = expected.get("logits");
      assertThat(actual).hasSize(want.size());
      float worst = 0;
      for (int i = 0; i < actual.length; i++) {
        worst = Math.max(worst, Math.abs(actual[i] - want.get(i).floatValue()));
      }
      assertThat(worst).as("largest difference to the PyTorch reference").isLessThan(1e-4f);
    }
  }

  @Test
  void saveThenLoadGivesIdenticalLogits(@TempDir Path dir) throws Exception {
    int[][] ids = {{3, 1, 4, 1, 5, 9, 2, 6}, {2, 7, 1, 8, 2, 8, 1, 8}};
    try (Qwen2Model model = TestModels.tiny(42)) {
      float[] before = logits(model, ids);
      HfModelDir.save(model, null, dir);
      assertThat(dir.resolve("config.json")).exists();
      try (Qwen2Model loaded = HfModelDir.load(dir, Device.cpu())) {
        assertThat(loaded.config()).isEqualTo(model.config());
        assertThat(logits(loaded, ids)).containsExactly(before);
      }
    }
  }

  @Test
  void shapeMismatchNamesTheTensorAndBothShapes(@TempDir Path dir) throws Exception {
    try (Qwen2Model model = TestModels.tiny(1)) {
      Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>(model.toTensors());
      tensors.put(
          "model.layers.1.mlp.up_proj.weight",
          new SafeTensors.Tensor(new long[] {2, 3}, new float[6]));
      model.config().write(dir.resolve("config.json"));
      SafeTensors.write(tensors, SafeTensors.DType.F32, dir.resolve("model.safetensors"));
    }
    assertThatThrownBy(() -> HfModelDir.load(dir, Device.cpu()))
        .hasMessage(
            "tensor model.layers.1.mlp.up_proj.weight: config.json implies shape [64, 32] but the"
                + " weights have [2, 3]");
  }

  @Test
  void missingTensorIsNamed(@TempDir Path dir) throws Exception {
    try (Qwen2Model model = TestModels.tiny(1)) {
      Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>(model.toTensors());
      tensors.remove("model.norm.weight");
      model.config().write(dir.resolve("config.json"));
      SafeTensors.write(tensors, SafeTensors.DType.F32, dir.resolve("model.safetensors"));
    }
    assertThatThrownBy(() -> HfModelDir.load(dir, Device.cpu()))
        .hasMessage("weights have no tensor model.norm.weight");
  }

  @Test
  void safetensorsRoundTripInF32F16AndBf16(@TempDir Path dir) throws Exception {
    Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
    t.put("a", new SafeTensors.Tensor(new long[] {2, 2}, new float[] {1f, -2.5f, 3.25f, 0f}));
    t.put("b.c", new SafeTensors.Tensor(new long[] {3}, new float[] {1e-3f, 1e3f, -7f}));
    SafeTensors.write(t, SafeTensors.DType.F32, dir.resolve("f.safetensors"));
    Map<String, SafeTensors.Tensor> f32 = SafeTensors.read(dir.resolve("f.safetensors"));
    assertThat(f32.keySet()).containsExactly("a", "b.c");
    assertThat(f32.get("b.c").data()).containsExactly(1e-3f, 1e3f, -7f);
    long headerLength =
        java.nio.ByteBuffer.wrap(Files.readAllBytes(dir.resolve("f.safetensors")), 0, 8)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .getLong();
    assertThat(headerLength % 8).as("tensor data starts 8-byte aligned").isZero();

    SafeTensors.write(t, SafeTensors.DType.BF16, dir.resolve("b.safetensors"));
    Map<String, SafeTensors.Tensor> bf16 = SafeTensors.read(dir.resolve("b.safetensors"));
    assertThat(bf16.get("a").data()).containsExactly(1f, -2.5f, 3.25f, 0f);
    assertThat(bf16.get("b.c").data()[1]).isEqualTo(1000f);
    assertThat(bf16.get("b.c").data()[0])
        .isCloseTo(1e-3f, org.assertj.core.data.Offset.offset(1e-5f));
  }

  @Test
  void aTruncatedFileIsAnErrorNotACrash(@TempDir Path dir) throws Exception {
    Map<String, SafeTensors.Tensor> t =
        Map.of("a", new SafeTensors.Tensor(new long[] {4}, new float[4]));
    Path file = dir.resolve("t.safetensors");
    SafeTensors.write(t, SafeTensors.DType.F32, file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
    assertThatThrownBy(() -> SafeTensors.read(file)).hasMessageContaining("tensor a has offsets");
    Files.write(file, List.of("not safetensors"));
    assertThatThrownBy(() -> SafeTensors.read(file)).hasMessageContaining("not a safetensors file");
  }
}
