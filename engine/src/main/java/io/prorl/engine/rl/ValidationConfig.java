package io.prorl.engine.rl;

import java.util.ArrayList;
import java.util.List;

/**
 * How a phase validates: several samples per held-out problem at the evaluation temperature, so
 * that pass@1 moves in small steps instead of the 0/1 of one greedy answer (a tiny policy's greedy
 * pass@1 sits at 0 and cannot stall meaningfully).
 *
 * @param problems validation problems used per family (the first N of each family)
 * @param samples responses sampled per problem
 * @param temperature sampling temperature (ProRL evaluates at 0.6)
 * @param topP nucleus sampling (ProRL: 0.95)
 * @param seed every check samples with this seed: common random numbers, so two checks differ
 *     because the policy changed, not because the draws did
 */
public record ValidationConfig(
    int problems, int samples, double temperature, double topP, long seed) {

  public static final ValidationConfig DEFAULTS = new ValidationConfig(100, 4, 0.6, 0.95, 17);

  public ValidationConfig {
    Rules.check(violations(problems, samples, temperature, topP));
  }

  /** The rules, for the constructor and for static checks (a null value is not known yet). */
  public static List<String> violations(
      Integer problems, Integer samples, Double temperature, Double topP) {
    List<String> out = new ArrayList<>();
    Rules.atLeast(out, "validationProblems", problems, 1);
    Rules.atLeast(out, "validationSamples", samples, 1);
    Rules.atLeast(out, "validationTemperature", temperature, 0);
    if (topP != null && !(topP > 0 && topP <= 1)) {
      out.add("validationTopP must lie in (0, 1], got " + topP);
    }
    return out;
  }
}
