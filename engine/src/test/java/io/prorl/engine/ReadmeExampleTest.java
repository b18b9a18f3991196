package io.prorl.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.sampling.Generation;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.ChatMessage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example, verbatim between the markers, so it keeps compiling and running. */
class ReadmeExampleTest {

  @Test
  void loadAnHfDirectoryAndSample(@TempDir Path tmp) throws Exception {
    Path dir = EmbeddedDefault.write(tmp.resolve("policy"), 1);
    List<Generation> out;
    // README-BEGIN
    try (Qwen2Model model = HfModelDir.load(dir, Device.cpu());
        Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"))) {
      int[] prompt = tokenizer.encodePrompt(ChatMessage.user("Compute 2 + 3."));
      SamplingParams params = new SamplingParams(0.6, 0.95, 0, 64, List.of(), 42);
      out = new Sampler(model, tokenizer).generate(List.of(prompt, prompt), params);
      for (Generation g : out) {
        System.out.println(g.finishReason() + ": " + g.text());
      }
    }
    // README-END
    assertThat(out).hasSize(2);
    assertThat(out.get(0).tokens()).isNotEmpty();
    assertThat(out.get(0).logprobs()).hasSameSizeAs(out.get(0).tokens());
  }
}
