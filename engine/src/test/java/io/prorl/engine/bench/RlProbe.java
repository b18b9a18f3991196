package io.prorl.engine.bench;

import ai.djl.Device;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.io.SafeTensors;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.rl.LossConfig;
import io.prorl.engine.rl.PhaseLimits;
import io.prorl.engine.rl.PhaseTrainer;
import io.prorl.engine.rl.ProblemStream;
import io.prorl.engine.rl.RolloutGenerator;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.rl.WarmStart;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * An engine-only RL experiment on the quickstart's three trained families, for comparing RL recipes
 * quickly: one warm start per seed (cached under {@code --cache}, so arms of an experiment share
 * their base), then RL phases of {@code --phase-steps} with a hard reset between them, and the
 * held-out boundary (pass@1, pass@k at T=0.6, top-p 0.95) of every family every {@code
 * --eval-every} steps, on larger held-out sets than the quickstart can afford. The default data is
 * the quickstart's mix until 2026-12-02 (kept so that the commands in BENCHMARKS.md still repeat
 * their numbers): 600 graph colorings (5 vertices, p 0.4, 3 colors, Reasoning Gym's scoring), 240
 * two-term arithmetic expressions over 1..9 without division, 600 STEM multiple-choice, each with
 * {@code --eval-problems} held out; today's quickstart mix is given with {@code --mix}.
 *
 * <pre>
 * RlProbe [--seed 1] [--sft-steps 160] [--steps 60] [--eval-every 20] [--eval-problems 48]
 *         [--samples 8] [--phase-steps 8] [--lr 1e-4] [--temperature 1.0] [--updates 2]
 *         [--prompts 8] [--group 8] [--kl 1e-3] [--eps-high 0.28] [--cache /tmp/prorl-rl-probe]
 *         [--hidden 256 --layers 6 --ffn 704]   (a larger policy of the same shape family)
 *         [--rl-families arithmetic,...]          (RL on these families of the mix only)
 * </pre>
 */
public final class RlProbe {
  private RlProbe() {}

  /**
   * The quickstart's mix until 2026-12-02: {@code count@family:knob=value,...} separated by ';'.
   */
  private static final String QUICKSTART_MIX =
      "600@graph_color:vertices=5,edgeProbability=0.4,colors=3,scoring=reasoning_gym;"
          + "240@arithmetic:terms=2,maxOperand=9,division=false;600@stem_mcq";

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    long seed = Long.parseLong(o.getOrDefault("seed", "1"));
    int sftSteps = Integer.parseInt(o.getOrDefault("sft-steps", "160"));
    int steps = Integer.parseInt(o.getOrDefault("steps", "60"));
    int evalEvery = Integer.parseInt(o.getOrDefault("eval-every", "20"));
    int evalProblems = Integer.parseInt(o.getOrDefault("eval-problems", "48"));
    int samples = Integer.parseInt(o.getOrDefault("samples", "8"));
    int phaseSteps = Integer.parseInt(o.getOrDefault("phase-steps", "8"));
    TrainerConfig d = TrainerConfig.DEFAULTS;
    TrainerConfig config =
        TrainerConfig.builder()
            .learningRate(Double.parseDouble(o.getOrDefault("lr", "" + d.learningRate())))
            .updatesPerStep(Integer.parseInt(o.getOrDefault("updates", "" + d.updatesPerStep())))
            .promptsPerStep(Integer.parseInt(o.getOrDefault("prompts", "" + d.promptsPerStep())))
            .groupSize(Integer.parseInt(o.getOrDefault("group", "" + d.groupSize())))
            .maxSamplingRounds(2)
            .loss(
                new LossConfig(
                    d.loss().epsLow(),
                    Double.parseDouble(o.getOrDefault("eps-high", "" + d.loss().epsHigh())),
                    Double.parseDouble(o.getOrDefault("kl", "" + d.loss().klCoef())),
                    0,
                    d.loss().aggregation()))
            .sampling(
                new SamplingParams(
                    Double.parseDouble(
                        o.getOrDefault("temperature", "" + d.sampling().temperature())),
                    d.sampling().topP(),
                    d.sampling().topK(),
                    d.sampling().maxNewTokens(),
                    d.sampling().stop(),
                    0))
            .build();
    Path cache = Path.of(o.getOrDefault("cache", "/tmp/prorl-rl-probe"));
    Files.createDirectories(cache);
    System.out.println("RlProbe " + o + "\n  " + config);

    List<BaseProbe.Spec> specs = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    for (String part : o.getOrDefault("mix", QUICKSTART_MIX).split(";")) {
      int at = part.indexOf('@');
      counts.add(Integer.parseInt(part.substring(0, at)));
      specs.add(BaseProbe.Spec.parse(part.substring(at + 1)));
    }
    TaskFamilies families = TaskFamilies.builtIn();
    List<Problem> train = new ArrayList<>();
    Map<BaseProbe.Spec, List<Problem>> held = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (int f = 0; f < specs.size(); f++) {
      BaseProbe.Spec s = specs.get(f);
      List<Problem> distinct = new ArrayList<>();
      for (int index = 0; distinct.size() < counts.get(f) && index < counts.get(f) * 20; index++) {
        var family = families.get(s.family());
        Problem p = family.generate(s.knobs(), seed + 100L * f, index);
        if (seen.add(p.prompt())) {
          distinct.add(p.withSolution(family.solve(p).completion()));
        }
      }
      Collections.shuffle(distinct, new Random(seed));
      held.put(s, distinct.subList(0, evalProblems));
      train.addAll(distinct.subList(evalProblems, distinct.size()));
    }
    Path dir = Files.createTempDirectory("prorl-rl-probe");
    EmbeddedDefault.writeTokenizer(dir.resolve("tokenizer.json"));
    SamplingParams evalSampling = new SamplingParams(0.6, 0.95, 0, 64, List.of(), 9001);
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"));
        Qwen2Model policy = Qwen2Model.initialize(model(o), seed, Device.cpu())) {
      Path base =
          cache.resolve(
              "base-seed"
                  + seed
                  + "-sft"
                  + sftSteps
                  + (o.containsKey("hidden") ? "-d" + o.get("hidden") + "l" + o.get("layers") : "")
                  + "-"
                  + Integer.toHexString(o.getOrDefault("mix", QUICKSTART_MIX).hashCode())
                  + ".safetensors");
      if (Files.exists(base)) {
        policy.setWeights(SafeTensors.read(base));
        System.out.println("base from " + base);
      } else {
        long t0 = System.nanoTime();
        WarmStart.run(
            policy,
            tokenizer,
            train,
            WarmStart.Config.DEFAULTS.withSteps(sftSteps).withSeed(seed),
            step -> {});
        SafeTensors.write(policy.toTensors(), SafeTensors.DType.F32, base);
        System.out.printf("warm start %d steps: %.0f s%n", sftSteps, seconds(t0));
      }
      evaluate(0, held, policy, tokenizer, families, samples, evalSampling);
      // --rl-families: RL on a subset of the mix (the warm start and the held-out sets stay the
      // whole mix), to tell a family that RL cannot move from one the other families push around
      List<String> rlFamilies =
          o.containsKey("rl-families") ? List.of(o.get("rl-families").split(",")) : null;
      List<Problem> rlTrain =
          rlFamilies == null
              ? train
              : train.stream().filter(p -> rlFamilies.contains(p.family())).toList();
      if (rlTrain.isEmpty()) {
        throw new IllegalArgumentException(
            "--rl-families " + rlFamilies + " matches no training problem of the mix");
      }
      ProblemStream prompts = new ProblemStream(rlTrain, seed);
      TrainingListener listener =
          new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
              System.out.printf(
                  "  step %d reward %.3f acc %.3f kept %.2f rounds %d len %.1f ent %.3f kl %.4f"
                      + " clip %.3f/%.3f gain %.2e skipped %d %.1f s%n",
                  m.step(),
                  m.rewardMean(),
                  m.accuracy(),
                  m.keptFraction(),
                  m.samplingRounds(),
                  m.responseLengthMean(),
                  m.entropy(),
                  m.kl(),
                  m.clipFractionLow(),
                  m.clipFractionHigh(),
                  m.surrogateGain(),
                  m.skippedUpdates(),
                  m.wallSeconds());
            }

            @Override
            public void onWarning(String message) {
              System.out.println("  WARNING " + message);
            }
          };
      int done = 0;
      int phase = 0;
      long t0 = System.nanoTime();
      while (done < steps) {
        int untilEval = evalEvery - done % evalEvery;
        int n = Math.min(phaseSteps, Math.min(untilEval, steps - done));
        phase++;
        new PhaseTrainer(config, new PhaseLimits(n, null, 0, 0, 0, 0))
            .run(
                policy,
                rollouts(policy, tokenizer, families, config)::rollout,
                prompts,
                null,
                listener,
                Seeds.derive(seed, phase));
        done += n;
        if (done % evalEvery == 0 || done == steps) {
          System.out.printf("after %d steps (%d phases, %.0f s RL)%n", done, phase, seconds(t0));
          evaluate(done, held, policy, tokenizer, families, samples, evalSampling);
        }
      }
    }
  }

  /**
   * The embedded default's shape, or a wider and deeper one of the same family ({@code --hidden
   * --layers --ffn}; heads and kv heads stay 4 and 2) for asking whether size is what limits RL.
   */
  private static ModelConfig model(Map<String, String> o) {
    ModelConfig d = EmbeddedDefault.config();
    if (!o.containsKey("hidden")) {
      return d;
    }
    return new ModelConfig(
        d.vocabSize(),
        Integer.parseInt(o.get("hidden")),
        Integer.parseInt(o.getOrDefault("layers", "" + d.numLayers())),
        d.numHeads(),
        d.numKvHeads(),
        Integer.parseInt(o.getOrDefault("ffn", "" + d.intermediateSize())),
        d.ropeTheta(),
        d.rmsNormEps(),
        d.tieWordEmbeddings(),
        d.maxPositionEmbeddings(),
        d.bosTokenId(),
        d.eosTokenIds());
  }

  private static RolloutGenerator rollouts(
      Qwen2Model policy, Tokenizer tokenizer, TaskFamilies families, TrainerConfig config) {
    return new RolloutGenerator(policy, tokenizer, families, config.sampling(), config.groupSize());
  }

  private static void evaluate(
      int step,
      Map<BaseProbe.Spec, List<Problem>> held,
      Qwen2Model policy,
      Tokenizer tokenizer,
      TaskFamilies families,
      int samples,
      SamplingParams sampling) {
    long t0 = System.nanoTime();
    double mean1 = 0;
    double meanK = 0;
    StringBuilder line = new StringBuilder();
    StringBuilder samplesText = new StringBuilder();
    for (Map.Entry<BaseProbe.Spec, List<Problem>> e : held.entrySet()) {
      BaseProbe.Row r =
          BaseProbe.probe(
              e.getKey(),
              true,
              List.of(),
              e.getValue(),
              policy,
              tokenizer,
              families,
              samples,
              sampling);
      double p1 = r.passAtK()[0];
      double pk = r.passAtK()[samples - 1];
      mean1 += p1 / held.size();
      meanK += pk / held.size();
      line.append(
          String.format(
              " %s %.3f/%.3f (fmt-fail %.2f)", e.getKey().family(), p1, pk, r.formatFailures()));
      samplesText.append(
          String.format("%n    %s: %s", e.getKey().family(), r.sample().replace("\n", "\\n")));
    }
    System.out.printf(
        "EVAL step %d:%s | mean pass@1 %.3f pass@%d %.3f (%.0f s)%s%n",
        step, line, mean1, samples, meanK, seconds(t0), samplesText);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
