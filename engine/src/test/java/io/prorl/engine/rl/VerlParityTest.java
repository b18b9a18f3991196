package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.io.SafeTensors;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.parallel.Lanes;
import io.prorl.engine.scoring.TrainingMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gradient parity with verl: the engine's RL loss ({@link PolicyGradient}: DAPO clip-higher, dual
 * clip, k3 KL, token-mean and seq-mean-token-mean) and the warm start's SFT loss ({@link
 * WarmStart#backward}) against goldens computed by PyTorch autograd in float64 through an HF-style
 * Qwen2 forward and verl's {@code compute_policy_loss_vanilla}, {@code kl_penalty} and {@code
 * agg_loss}, on a warm-started (peaked) checkpoint of the embedded default policy, with one and two
 * data-parallel lanes. The goldens are written by {@code
 * engine/src/test/python/verl_parity_golden.py} (CI runs no PyTorch); see its comment for how the
 * checkpoint was made and how to regenerate them.
 */
class VerlParityTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/verl-parity");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** |loss - golden| <= this * |golden|. */
  private static final double LOSS_TOLERANCE = 1e-5;

  /** ||g - g_golden|| <= this * ||g_golden||, parameter by parameter. */
  private static final double GRADIENT_TOLERANCE = 1e-4;

  /** |logp - logp_golden| per response token (float32 forward against float64). */
  private static final double LOGP_TOLERANCE = 1e-4;

  private static JsonNode inputs;
  private static Qwen2Model policy;

  @BeforeAll
  static void load() throws Exception {
    DjlEngine.pytorch();
    inputs = JSON.readTree(Files.readString(GOLDEN.resolve("inputs.json")));
    policy = HfModelDir.load(GOLDEN, Device.cpu());
    policy.parameters().values().forEach(p -> p.setRequiresGradient(true));
  }

  @AfterAll
  static void close() {
    if (policy != null) {
      policy.close();
    }
  }

  /**
   * The memory settings the update runs with: the naive path, the defaults, and every path cut
   * finer than the golden batch (LM head by 8 positions, micro-batches of 96 padded tokens,
   * recompute), so each path is exercised at this size.
   */
  static final Map<String, TrainingMemory> MEMORY =
      Map.of(
          "naive", TrainingMemory.NAIVE,
          "defaults", TrainingMemory.DEFAULTS,
          "fine", new TrainingMemory(8, 96, true));

  static Stream<Arguments> rlCases() {
    List<Arguments> out = new ArrayList<>();
    for (String name : List.of("token-t1", "seq-t07")) {
      for (int lanes : new int[] {1, 2}) {
        for (String memory : List.of("naive", "defaults", "fine")) {
          out.add(Arguments.of(name, lanes, memory));
        }
      }
    }
    return out.stream();
  }

  static Stream<Arguments> sftCases() {
    return Stream.of(
        Arguments.of(1, "defaults"),
        Arguments.of(2, "defaults"),
        Arguments.of(2, "naive"),
        Arguments.of(2, "fine"));
  }

  @Test
  void theGoldenInputsCoverEveryBranchAndSplitAcrossTwoLanes() {
    JsonNode samples = inputs.get("samples");
    // Lanes.map gives each lane at least MIN_PER_LANE items: below 2x that, two lanes run as one
    assertThat(samples.size()).isGreaterThanOrEqualTo(2 * Lanes.MIN_PER_LANE);
    assertThat(inputs.get("sft").get("examples").size())
        .isGreaterThanOrEqualTo(2 * Lanes.MIN_PER_LANE);
    int counted = 0;
    int uncounted = 0;
    boolean positive = false;
    boolean negative = false;
    Set<Integer> promptLengths = new HashSet<>();
    Set<Integer> responseLengths = new HashSet<>();
    for (JsonNode s : list(samples)) {
      if (s.get("counted").asBoolean()) {
        counted++;
      } else {
        uncounted++;
      }
      positive |= s.get("advantage").asDouble() > 0;
      negative |= s.get("advantage").asDouble() < 0;
      promptLengths.add(s.get("prompt").size());
      responseLengths.add(s.get("response").size());
    }
    assertThat(counted).isGreaterThanOrEqualTo(5);
    assertThat(uncounted).as("one truncated response, masked out").isEqualTo(1);
    assertThat(positive && negative).as("advantages of both signs").isTrue();
    assertThat(promptLengths).as("left padding happens").hasSizeGreaterThan(2);
    assertThat(responseLengths).as("right padding happens").hasSizeGreaterThan(2);
    assertThat(list(inputs.get("cases"))).hasSize(2);
    for (JsonNode c : list(inputs.get("cases"))) {
      String name = c.get("name").asString();
      assertThat(c.get("clipLow").asInt()).as("%s: lower clip binds", name).isPositive();
      assertThat(c.get("clipHigh").asInt()).as("%s: upper clip binds", name).isPositive();
      assertThat(c.get("clipDual").asInt()).as("%s: dual clip binds", name).isPositive();
      assertThat(c.get("klLoss").asDouble()).as("%s: the KL term is there", name).isPositive();
    }
  }

  @ParameterizedTest(name = "{0}, {1} lane(s), memory {2}")
  @MethodSource("rlCases")
  void theRlLossAndItsGradientMatchVerl(String caseName, int lanes, String memory)
      throws Exception {
    JsonNode c = rlCase(caseName);
    List<PolicySample> batch = samples(c);
    LossConfig config =
        new LossConfig(
            inputs.get("epsLow").asDouble(),
            inputs.get("epsHigh").asDouble(),
            inputs.get("klCoef").asDouble(),
            0.0,
            LossConfig.Aggregation.valueOf(c.get("aggregation").asString()),
            inputs.get("clipRatioC").asDouble());
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      PolicyGradient.Stats stats =
          new PolicyGradient(
                  policy, config, c.get("temperature").asDouble(), lanes, MEMORY.get(memory))
              .backward(batch);

      // the forward first, so that a failure says whether scoring or the loss differs
      double worstLogp = 0;
      for (int i = 0; i < batch.size(); i++) {
        float[] got = stats.logpBefore().get(i);
        JsonNode want = c.get("logp").get(i);
        assertThat(got).hasSize(want.size());
        for (int t = 0; t < got.length; t++) {
          worstLogp = Math.max(worstLogp, Math.abs(got[t] - want.get(t).asDouble()));
        }
      }
      assertThat(worstLogp).as("largest log-prob error").isLessThanOrEqualTo(LOGP_TOLERANCE);

      assertThat(stats.tokens()).isEqualTo(c.get("countedTokens").asDouble());
      assertThat(stats.clipLowSum()).isCloseTo(c.get("clipLow").asDouble(), within(1e-3));
      assertThat(stats.clipHighSum()).isCloseTo(c.get("clipHigh").asDouble(), within(1e-3));
      assertThat(stats.clipDualSum()).isCloseTo(c.get("clipDual").asDouble(), within(1e-3));

      double lossError = relativeLossError(stats.loss(), c.get("loss").asDouble());
      double gradientError = compareGradients(c.get("gradients").asString());
      System.out.printf(
          Locale.ROOT,
          "VerlParityTest %s, %d lane(s), memory %s: loss %.9f (golden %.9f, rel. error %.2e),"
              + " max rel. gradient error %.2e, max |logp error| %.2e%n",
          caseName,
          lanes,
          memory,
          stats.loss(),
          c.get("loss").asDouble(),
          lossError,
          gradientError,
          worstLogp);
    }
  }

  @ParameterizedTest(name = "{0} lane(s), memory {1}")
  @MethodSource("sftCases")
  void theWarmStartLossAndItsGradientMatchPyTorch(int lanes, String memory) throws Exception {
    JsonNode sft = inputs.get("sft");
    List<WarmStart.Example> examples = new ArrayList<>();
    for (JsonNode e : list(sft.get("examples"))) {
      examples.add(new WarmStart.Example(ints(e.get("tokens")), floats(e.get("weights"))));
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float loss = WarmStart.backward(policy, examples, lanes, MEMORY.get(memory));
      double lossError = relativeLossError(loss, sft.get("loss").asDouble());
      double gradientError = compareGradients(sft.get("gradients").asString());
      System.out.printf(
          Locale.ROOT,
          "VerlParityTest sft, %d lane(s), memory %s: loss %.9f (golden %.9f, rel. error %.2e),"
              + " max rel. gradient error %.2e%n",
          lanes,
          memory,
          loss,
          sft.get("loss").asDouble(),
          lossError,
          gradientError);
    }
  }

  /** Asserts the loss within {@link #LOSS_TOLERANCE}; returns its relative error. */
  private static double relativeLossError(double loss, double golden) {
    double error = Math.abs(loss - golden) / Math.abs(golden);
    assertThat(error)
        .as("loss %.9f against golden %.9f: relative error", loss, golden)
        .isLessThanOrEqualTo(LOSS_TOLERANCE);
    return error;
  }

  /**
   * Compares every parameter's gradient with the golden file's; asserts each within {@link
   * #GRADIENT_TOLERANCE} (naming every parameter that is not) and returns the largest relative
   * error.
   */
  private static double compareGradients(String file) throws Exception {
    Map<String, SafeTensors.Tensor> golden = SafeTensors.read(GOLDEN.resolve(file));
    assertThat(golden.keySet()).isEqualTo(policy.parameters().keySet());
    List<String> failures = new ArrayList<>();
    double worst = 0;
    for (Map.Entry<String, NDArray> p : policy.parameters().entrySet()) {
      float[] got = p.getValue().getGradient().toFloatArray();
      float[] want = golden.get(p.getKey()).data();
      assertThat(got).as(p.getKey()).hasSameSizeAs(want);
      double diff = 0;
      double norm = 0;
      double gotNorm = 0;
      for (int i = 0; i < got.length; i++) {
        diff += ((double) got[i] - want[i]) * ((double) got[i] - want[i]);
        norm += (double) want[i] * want[i];
        gotNorm += (double) got[i] * got[i];
      }
      diff = Math.sqrt(diff);
      norm = Math.sqrt(norm);
      gotNorm = Math.sqrt(gotNorm);
      double relative = diff / norm;
      worst = Math.max(worst, relative);
      if (!(norm > 0) || !(diff <= GRADIENT_TOLERANCE * norm)) {
        failures.add(
            String.format(
                Locale.ROOT,
                "%s: ||g_java|| %.6e, ||g_ref|| %.6e, ||g_java - g_ref|| %.3e (relative %.2e)",
                p.getKey(),
                gotNorm,
                norm,
                diff,
                relative));
      }
    }
    assertThat(failures)
        .as("gradients off by more than %s of the golden's norm", GRADIENT_TOLERANCE)
        .isEmpty();
    return worst;
  }

  private static JsonNode rlCase(String name) {
    for (JsonNode c : list(inputs.get("cases"))) {
      if (c.get("name").asString().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no case " + name + " in inputs.json");
  }

  /** The golden samples with the case's old and reference log-probs. */
  private static List<PolicySample> samples(JsonNode c) {
    JsonNode samples = inputs.get("samples");
    List<PolicySample> out = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      JsonNode s = samples.get(i);
      out.add(
          new PolicySample(
              ints(s.get("prompt")),
              ints(s.get("response")),
              floats(c.get("oldLogp").get(i)),
              floats(c.get("refLogp").get(i)),
              s.get("advantage").asDouble(),
              s.get("counted").asBoolean()));
    }
    return out;
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(array.get(i));
    }
    return out;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  /** float32 values written as the doubles they equal: the cast is exact. */
  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
