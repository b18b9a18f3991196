package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.scoring.SequenceScorer;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm start's targets, loss weights, schedule and rules, and that it teaches the end. */
class WarmStartTest {
  private static final Map<String, Object> SMALL_GRAPHS =
      Map.of("vertices", 4, "edgeProbability", 0.5, "colors", 3);

  /** The embedded tokenizer's vocabulary, a model of 40k parameters. */
  private static final ModelConfig SMALL =
      new ModelConfig(
          EmbeddedDefault.VOCAB_SIZE,
          32,
          2,
          4,
          2,
          64,
          10000.0,
          1e-6,
          true,
          512,
          -1,
          EmbeddedDefault.config().eosTokenIds());

  @TempDir static Path dir;
  private static Path tokenizerFile;

  @BeforeAll
  static void tokenizer() throws Exception {
    tokenizerFile = dir.resolve("tokenizer.json");
    EmbeddedDefault.writeTokenizer(tokenizerFile);
  }

  @Test
  void theEndOfTurnTokenIsTheLastTargetAndTheAnswerEndWeighsEndWeight() throws Exception {
    Problem p = TaskFamilies.builtIn().generate("graph_color", SMALL_GRAPHS, 5, 1).get(0);
    try (Tokenizer tokenizer = Tokenizer.load(tokenizerFile)) {
      int[] prompt = tokenizer.encodePrompt(p);
      WarmStart.Example e =
          WarmStart.example(tokenizer, p, tokenizer.tokenId(EmbeddedDefault.IM_END), 4.0);
      int last = e.tokens().length - 1;
      assertThat(e.tokens()[last]).isEqualTo(tokenizer.tokenId(EmbeddedDefault.IM_END));
      assertThat(e.weights()).hasSize(last);
      assertThat(e.weights()[last - 1]).isEqualTo(4f);
      // the prompt predicts nothing that is trained; the first solution token is
      for (int j = 0; j < prompt.length - 1; j++) {
        assertThat(e.weights()[j]).as("position %d", j).isZero();
      }
      assertThat(e.weights()[prompt.length - 1]).isEqualTo(1f);
      // the tokens weighted 4 are exactly the answer's end: '}' of the JSON, </answer>, <|im_end|>
      int firstEnd = prompt.length;
      while (e.weights()[firstEnd - 1] != 4f) {
        firstEnd++;
      }
      for (int j = firstEnd - 1; j < last; j++) {
        assertThat(e.weights()[j]).as("position %d", j).isEqualTo(4f);
      }
      String end = tokenizer.decode(e.tokens(), firstEnd, e.tokens().length);
      assertThat(end).endsWith("}</answer>" + EmbeddedDefault.IM_END);
      assertThat(end).doesNotContain(", \"");
      assertThat(tokenizer.decode(e.tokens(), prompt.length, firstEnd))
          .startsWith("Most constrained")
          .contains("<answer>{\"0\": ");
    }
  }

  @Test
  void theAnswerEndStartsAtTheAnswersLastCharacter() {
    assertThat(WarmStart.answerEnd("So.\n<answer>B</answer>")).isEqualTo(12);
    assertThat(WarmStart.answerEnd("1 + 2 = 3\n\\boxed{34}")).isEqualTo(18);
    assertThat(WarmStart.answerEnd("no answer")).isEqualTo(9);
  }

  @Test
  void sftLowersTheLossOfTheEndTokenAndEndWeightLowersItFurther() throws Exception {
    List<Problem> train =
        TaskFamilies.builtIn().generate("arithmetic", Map.of("terms", 2, "maxOperand", 9), 3, 64);
    WarmStart.Config plain = new WarmStart.Config(30, 8, 1e-2, 1.0, 1.0, 256, 7);
    try (Tokenizer tokenizer = Tokenizer.load(tokenizerFile)) {
      double before;
      double afterPlain;
      double afterWeighted;
      try (Qwen2Model m = Qwen2Model.initialize(SMALL, 1, Device.cpu())) {
        before = endTokenLoss(m, tokenizer, train);
        WarmStart.run(m, tokenizer, train, plain, s -> {});
        afterPlain = endTokenLoss(m, tokenizer, train);
      }
      try (Qwen2Model m = Qwen2Model.initialize(SMALL, 1, Device.cpu())) {
        WarmStart.run(m, tokenizer, train, plain.withEndWeight(8), s -> {});
        afterWeighted = endTokenLoss(m, tokenizer, train);
      }
      assertThat(afterPlain).isLessThan(before / 2);
      assertThat(afterWeighted).isLessThan(afterPlain);
    }
  }

  /** Mean -log p(<|im_end|> | prompt, solution) over the problems. */
  private static double endTokenLoss(
      Qwen2Model model, Tokenizer tokenizer, List<Problem> problems) {
    List<int[]> prompts = new ArrayList<>();
    List<int[]> responses = new ArrayList<>();
    for (Problem p : problems) {
      prompts.add(tokenizer.encodePrompt(p));
      responses.add(tokenizer.encode(p.solution() + EmbeddedDefault.IM_END));
    }
    float[][] logprobs = new SequenceScorer(model).logprobs(prompts, responses, 1.0);
    return -Arrays.stream(logprobs).mapToDouble(l -> l[l.length - 1]).average().orElseThrow();
  }

  @Test
  void learningRateWarmsUpLinearlyThenDecaysByCosineToItsFinalShare() {
    WarmStart.Config c = new WarmStart.Config(101, 8, 1e-3, 0.1, 1.0, 256, 0);
    // warm-up: 10 steps
    assertThat(c.learningRateAt(0)).isCloseTo(1e-4, within(1e-12));
    assertThat(c.learningRateAt(9)).isCloseTo(1e-3, within(1e-12));
    assertThat(c.learningRateAt(10)).isCloseTo(1e-3, within(1e-12));
    // half way through the decay: (0.1 + 0.9 * (1 + cos(pi / 2)) / 2) * peak
    assertThat(c.learningRateAt(55)).isCloseTo(0.55e-3, within(1e-12));
    assertThat(c.learningRateAt(100)).isCloseTo(1e-4, within(1e-12));
    assertThat(c.withFinalLrFraction(1.0).learningRateAt(77)).isCloseTo(1e-3, within(1e-12));
  }

  @Test
  void badSettingsAreRefusedNamingTheField() {
    assertThat(WarmStart.Config.violations(0, 0, 0.0, 1.5, 0.5))
        .containsExactly(
            "steps must be >= 1, got 0",
            "batchSize must be >= 1, got 0",
            "learningRate must be > 0, got 0.0",
            "finalLrFraction must lie in [0, 1], got 1.5",
            "endWeight must be >= 1, got 0.5");
    assertThat(WarmStart.Config.violations(null, null, null, null, null)).isEmpty();
    assertThatThrownBy(() -> WarmStart.Config.DEFAULTS.withEndWeight(0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endWeight must be >= 1, got 0.5");
  }
}
