package io.prorl.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.TestModels;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.scoring.SequenceScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {
  private static final List<int[]> PROMPTS =
      List.of(new int[] {1, 2, 3}, new int[] {4, 5, 6, 7, 8, 9}, new int[] {10});

  private static SamplingParams sampled(long seed) {
    return new SamplingParams(1.0, 1.0, 0, 12, List.of(), seed);
  }

  @Test
  void greedyEqualsTemperatureGoingToZero() {
    try (Qwen2Model model = TestModels.tiny(5)) {
      Sampler sampler = new Sampler(model, null);
      List<Generation> greedy = sampler.generate(PROMPTS, SamplingParams.greedy(12));
      List<Generation> cold =
          sampler.generate(PROMPTS, new SamplingParams(1e-4, 1.0, 0, 12, List.of(), 99));
      for (int b = 0; b < PROMPTS.size(); b++) {
        assertThat(cold.get(b).tokens()).containsExactly(greedy.get(b).tokens());
      }
    }
  }

  @Test
  void sameSeedSameSamplesOtherSeedOthers() {
    try (Qwen2Model model = TestModels.tiny(5)) {
      Sampler sampler = new Sampler(model, null);
      List<Generation> a = sampler.generate(PROMPTS, sampled(7));
      List<Generation> b = sampler.generate(PROMPTS, sampled(7));
      List<Generation> c = sampler.generate(PROMPTS, sampled(8));
      for (int i = 0; i < PROMPTS.size(); i++) {
        assertThat(a.get(i).tokens()).containsExactly(b.get(i).tokens());
        assertThat(a.get(i).logprobs()).containsExactly(b.get(i).logprobs());
      }
      assertThat(tokens(a)).isNotEqualTo(tokens(c));
    }
  }

  @Test
  void eachSequenceSamplesTheSameWhateverTheLaneCount() {
    // a sequence's random stream is seeded by its index in the whole batch, not in its lane
    List<int[]> prompts = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      prompts.add(new int[] {1 + i % 3, 2, 3});
    }
    try (Qwen2Model model = TestModels.tiny(5)) {
      List<Generation> one = new Sampler(model, null, 1).generate(prompts, sampled(11));
      List<Generation> three = new Sampler(model, null, 3).generate(prompts, sampled(11));
      assertThat(three).hasSize(prompts.size());
      for (int b = 0; b < prompts.size(); b++) {
        assertThat(three.get(b).tokens()).as("sequence %d", b).containsExactly(one.get(b).tokens());
        float[] x = one.get(b).logprobs();
        float[] y = three.get(b).logprobs();
        for (int i = 0; i < x.length; i++) {
          assertThat(y[i]).isCloseTo(x[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
      }
      // the lanes really drew different streams for different sequences of the same prompt
      assertThat(three.get(0).tokens()).isNotEqualTo(three.get(9).tokens());
    }
  }

  @Test
  void cachedAndUncachedDecodingAgree() {
    try (Qwen2Model model = TestModels.tiny(6)) {
      Sampler sampler = new Sampler(model, null);
      for (SamplingParams p : List.of(SamplingParams.greedy(10), sampled(3))) {
        List<Generation> cached = sampler.generate(PROMPTS, p);
        List<Generation> full = sampler.generateWithoutCache(PROMPTS, p);
        for (int b = 0; b < PROMPTS.size(); b++) {
          assertThat(cached.get(b).tokens()).containsExactly(full.get(b).tokens());
          float[] x = cached.get(b).logprobs();
          float[] y = full.get(b).logprobs();
          for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).isCloseTo(y[i], org.assertj.core.data.Offset.offset(1e-4f));
          }
        }
      }
    }
  }

  @Test
  void samplerLogprobsMatchTheScorer() {
    try (Qwen2Model model = TestModels.tiny(8)) {
      for (double temperature : new double[] {1.0, 0.7}) {
        List<Generation> gens =
            new Sampler(model, null)
                .generate(PROMPTS, new SamplingParams(temperature, 1.0, 0, 9, List.of(), 1));
        List<int[]> responses = gens.stream().map(Generation::tokens).toList();
        float[][] scored = new SequenceScorer(model).logprobs(PROMPTS, responses, temperature);
        for (int b = 0; b < PROMPTS.size(); b++) {
          for (int i = 0; i < responses.get(b).length; i++) {
            assertThat(scored[b][i])
                .isCloseTo(gens.get(b).logprobs()[i], org.assertj.core.data.Offset.offset(1e-4f));
          }
        }
      }
    }
  }

  @Test
  void topKOneIsGreedyAndTopPKeepsOnlyLikelyTokens() {
    try (Qwen2Model model = TestModels.tiny(9)) {
      Sampler sampler = new Sampler(model, null);
      List<Generation> greedy = sampler.generate(PROMPTS, SamplingParams.greedy(8));
      List<Generation> topK1 =
          sampler.generate(PROMPTS, new SamplingParams(1.0, 1.0, 1, 8, List.of(), 4));
      List<Generation> tinyP =
          sampler.generate(PROMPTS, new SamplingParams(1.0, 1e-6, 0, 8, List.of(), 4));
      for (int b = 0; b < PROMPTS.size(); b++) {
        assertThat(topK1.get(b).tokens()).containsExactly(greedy.get(b).tokens());
        assertThat(tinyP.get(b).tokens()).containsExactly(greedy.get(b).tokens());
      }
    }
  }

  @Test
  void eosEndsAGenerationWithReasonStopAndLengthOtherwise() {
    try (Qwen2Model model = TestModels.tiny(10)) {
      Sampler sampler = new Sampler(model, null);
      // find a greedy continuation, then make its third token the end-of-sequence token
      int[] greedy =
          sampler.generate(List.of(PROMPTS.get(0)), SamplingParams.greedy(6)).get(0).tokens();
      var config = model.config();
      var withEos =
          new io.prorl.engine.model.ModelConfig(
              config.vocabSize(),
              config.hiddenSize(),
              config.numLayers(),
              config.numHeads(),
              config.numKvHeads(),
              config.intermediateSize(),
              config.ropeTheta(),
              config.rmsNormEps(),
              config.tieWordEmbeddings(),
              config.maxPositionEmbeddings(),
              -1,
              List.of(greedy[2]));
      try (Qwen2Model same =
          Qwen2Model.fromTensors(withEos, model.toTensors(), ai.djl.Device.cpu())) {
        Generation g =
            new Sampler(same, null)
                .generate(List.of(PROMPTS.get(0)), SamplingParams.greedy(6))
                .get(0);
        int firstEos = 0;
        while (greedy[firstEos] != greedy[2]) {
          firstEos++;
        }
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(g.tokens()).hasSize(firstEos + 1);
      }
      Generation length =
          sampler.generate(List.of(PROMPTS.get(0)), SamplingParams.greedy(6)).get(0);
      assertThat(length.tokens()).hasSize(6);
    }
  }

  @Test
  void nativeMemoryStaysFlatOverAThousandDecodeSteps() throws Exception {
    try (Qwen2Model model = TestModels.tiny(11)) {
      Sampler sampler = new Sampler(model, null);
      int managed = model.manager().getManagedArrays().size();
      decode(sampler, 1000); // warm-up: the allocators and the JIT settle
      System.gc();
      long rssBefore = residentKb();
      decode(sampler, 1000);
      System.gc();
      long growthKb = residentKb() - rssBefore;
      System.out.println("RSS growth over 1000 decode steps: " + growthKb + " KiB");
      assertThat(model.manager().getManagedArrays()).hasSize(managed);
      assertThat(growthKb)
          .as("resident memory growth in KiB over 1000 steps")
          .isLessThan(16 * 1024);
    }
  }

  private static void decode(Sampler sampler, int steps) {
    for (int done = 0; done < steps; done += 50) {
      SamplingParams p = new SamplingParams(1.0, 0.9, 20, 50, List.of(), done);
      for (Generation g : sampler.generate(PROMPTS, p)) {
        assertThat(g.tokens()).isNotEmpty();
      }
    }
  }

  private static long residentKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D+", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  private static List<List<Integer>> tokens(List<Generation> gens) {
    List<List<Integer>> out = new ArrayList<>();
    for (Generation g : gens) {
      out.add(java.util.Arrays.stream(g.tokens()).boxed().toList());
    }
    return out;
  }
}
