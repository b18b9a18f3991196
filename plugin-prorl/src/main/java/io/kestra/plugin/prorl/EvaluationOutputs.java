package io.kestra.plugin.prorl;

import io.kestra.core.models.executions.metrics.Gauge;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.job.EvaluateJob;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** An evaluation report as the Evaluate task's typed outputs and Kestra metrics. */
final class EvaluationOutputs {
  private EvaluationOutputs() {}

  static Evaluate.Output of(
      URI report, String reportUri, String history, URI counts, EvaluateJob.Report r) {
    Map<String, Map<String, Double>> passAtK = new LinkedHashMap<>();
    Map<String, Map<String, Map<String, Double>>> perFamily = new LinkedHashMap<>();
    Map<String, Map<String, Map<String, Double>>> perSet = new LinkedHashMap<>();
    Map<String, Map<String, Double>> meanReward = new LinkedHashMap<>();
    for (EvaluateJob.PolicyReport p : r.policies()) {
      passAtK.put(p.name(), byK(p.passAtK()));
      Map<String, Map<String, Double>> families = new LinkedHashMap<>();
      p.perFamily().forEach((f, m) -> families.put(f, byK(m)));
      perFamily.put(p.name(), families);
      Map<String, Map<String, Double>> sets = new LinkedHashMap<>();
      Map<String, Double> rewards = new LinkedHashMap<>();
      for (EvaluateJob.SetResult s : p.perSet()) {
        sets.put(s.set(), byK(s.passAtK()));
        rewards.put(s.set(), Numbers.orNull(s.meanReward()));
      }
      perSet.put(p.name(), sets);
      meanReward.put(p.name(), rewards);
    }
    return Evaluate.Output.builder()
        .report(report)
        .counts(counts)
        .reportUri(reportUri)
        .history(history)
        .ks(r.ks())
        .problems(r.problems())
        .passAtK(passAtK)
        .perFamily(perFamily)
        .perSet(perSet)
        .meanReward(meanReward)
        .build();
  }

  /**
   * Gauges (a value, not a count that Kestra would sum): {@code pass_at_k} tagged policy, set and
   * k; {@code mean_reward} tagged policy and set.
   */
  static void metrics(RunContext runContext, EvaluateJob.Report r) {
    for (EvaluateJob.PolicyReport p : r.policies()) {
      for (EvaluateJob.SetResult s : p.perSet()) {
        s.passAtK()
            .forEach((k, v) ->
                runContext.metric(
                    Gauge.of("pass_at_k", v, "policy", p.name(), "set", s.set(), "k", "" + k)));
        runContext.metric(
            Gauge.of("mean_reward", s.meanReward(), "policy", p.name(), "set", s.set()));
      }
    }
  }

  /** k -> value with string keys (Kestra outputs), NaN as null. */
  static Map<String, Double> byK(Map<Integer, Double> m) {
    Map<String, Double> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(Integer.toString(k), Numbers.orNull(v)));
    return out;
  }
}
