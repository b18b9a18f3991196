package io.prorl.engine.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged files of a policy directory: each refused with an IOException naming the file. */
class BadModelFilesTest {
  @TempDir Path dir;

  private Path savedPolicy() throws IOException {
    Path policy = dir.resolve("policy");
    Path tokenizer = EmbeddedDefault.writeTokenizer(dir.resolve("tokenizer.json"));
    try (Qwen2Model m = Qwen2Model.initialize(EmbeddedDefault.config(), 1, Device.cpu())) {
      HfModelDir.save(m, tokenizer, policy);
    }
    return policy;
  }

  @Test
  void nonFiniteWeightsAreRefusedNamingTheTensor() throws Exception {
    Path policy = savedPolicy();
    Path weights = policy.resolve(HfModelDir.WEIGHTS);
    Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>(SafeTensors.read(weights));
    String name = "model.layers.1.self_attn.q_proj.weight";
    SafeTensors.Tensor t = tensors.get(name);
    float[] poisoned = t.data().clone();
    poisoned[7] = Float.NaN;
    tensors.put(name, new SafeTensors.Tensor(t.shape(), poisoned));
    SafeTensors.write(tensors, SafeTensors.DType.F32, weights);
    assertThatThrownBy(() -> HfModelDir.load(policy, Device.cpu()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(policy.toString())
        .hasMessageContaining("weight " + name + " holds NaN");
  }

  @Test
  void aBrokenTokenizerJsonIsRefusedNamingTheFile() throws Exception {
    Path policy = savedPolicy();
    Path tokenizer = policy.resolve(HfModelDir.TOKENIZER);
    Files.writeString(tokenizer, "{\"model\": {\"type\": \"BPE\", \"vocab\": ");
    assertThatThrownBy(() -> Tokenizer.load(tokenizer))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(tokenizer.toString());
  }

  @Test
  void aShardIndexThatIsNotJsonIsRefusedNamingIt() throws Exception {
    Path policy = savedPolicy();
    Files.delete(policy.resolve(HfModelDir.WEIGHTS));
    Files.writeString(policy.resolve(HfModelDir.WEIGHTS_INDEX), "{\"weight_map\": [");
    assertThatThrownBy(() -> HfModelDir.load(policy, Device.cpu()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(HfModelDir.WEIGHTS_INDEX)
        .hasMessageContaining("not JSON");
  }
}
