package io.prorl.engine.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prorl.engine.DigitFamily;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import io.prorl.engine.rl.GroupFilter;
import io.prorl.engine.rl.GrpoStep;
import io.prorl.engine.rl.LossConfig;
import io.prorl.engine.rl.ProblemStream;
import io.prorl.engine.rl.RolloutGenerator;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks' RL step: a policy of the given shape, its reference copy and AdamW, stepping on
 * the digit family (reward = share of digits, which a random policy earns a little of, so every
 * step trains): 8 prompts x 8 responses of at most 32 tokens at temperature 1, 2 mini-batch
 * updates, beta 1e-3 (so the reference pass runs).
 */
final class RlRig implements AutoCloseable {
  static final int PROMPTS = 32;

  final Qwen2Model policy;
  final AdamW adam;
  private final Qwen2Model reference;
  private final NDManager optimizerMemory;
  private final GrpoStep step;
  private final ProblemStream prompts;

  RlRig(ModelConfig config, Tokenizer tokenizer) {
    this(config, tokenizer, true);
  }

  /**
   * @param surrogateGuard whether each update is followed by the guard's no-gradient rescoring
   */
  RlRig(ModelConfig config, Tokenizer tokenizer, boolean surrogateGuard) {
    DigitFamily digits = new DigitFamily();
    SamplingParams sampling = new SamplingParams(1.0, 1.0, 0, 32, List.of(), 0);
    TrainerConfig tc =
        new TrainerConfig(
            8,
            8,
            2,
            1e-4,
            0,
            1.0,
            new LossConfig(0.2, 0.28, 1e-3, 0, LossConfig.Aggregation.TOKEN),
            sampling,
            true,
            false,
            3,
            0.0,
            GroupFilter.REWARD_VARIANCE,
            surrogateGuard,
            io.prorl.engine.scoring.TrainingMemory.DEFAULTS);
    policy = Qwen2Model.initialize(config, 1, Device.cpu());
    reference = Qwen2Model.fromTensors(config, policy.toTensors(), Device.cpu());
    optimizerMemory = policy.manager().newSubManager();
    adam = new AdamW(new AdamW.Config(0.9, 0.999, 1e-8, 0), optimizerMemory);
    policy.parameters().values().forEach(p -> p.setRequiresGradient(true));
    RolloutGenerator rollouts =
        new RolloutGenerator(policy, tokenizer, new TaskFamilies(List.of(digits)), sampling, 8);
    step = new GrpoStep(policy, reference, rollouts::rollout, tc, adam, TrainingListener.NONE);
    prompts = new ProblemStream(problems(), 1);
  }

  /**
   * A benchmark shape: {@code tiny} (the embedded default policy), {@code 32m} (vocab 8192, d 512,
   * 8 layers, 8 heads sharing 2 kv heads, SwiGLU 1536, untied) or {@code 50m} (the same with d 640,
   * 10 heads, SwiGLU 2048).
   */
  static ModelConfig shape(String name) {
    ModelConfig tiny = EmbeddedDefault.config();
    return switch (name) {
      case "tiny" -> tiny;
      case "32m" ->
          new ModelConfig(
              8192, 512, 8, 8, 2, 1536, 10000.0, 1e-6, false, 4096, -1, tiny.eosTokenIds());
      case "50m" ->
          new ModelConfig(
              8192, 640, 8, 10, 2, 2048, 10000.0, 1e-6, false, 4096, -1, tiny.eosTokenIds());
      default -> throw new IllegalArgumentException("model must be tiny, 32m or 50m: " + name);
    };
  }

  /** The name a table prints for a {@link #shape}. */
  static String label(ModelConfig config) {
    return config.hiddenSize() == 640 ? "~50M" : config.hiddenSize() == 512 ? "~32M" : "tiny";
  }

  /** Step {@code i} (from 1) of the phase, seeded by its index. */
  StepMetrics step(int i) {
    return step.run(prompts, i, i);
  }

  /** The digit family's prompts the rig steps on. */
  static List<Problem> problems() {
    DigitFamily digits = new DigitFamily();
    List<Problem> out = new ArrayList<>();
    for (int i = 0; i < PROMPTS; i++) {
      out.add(digits.generate(Map.of(), 0, i));
    }
    return out;
  }

  @Override
  public void close() {
    adam.close();
    optimizerMemory.close();
    reference.close();
    policy.close();
  }
}
