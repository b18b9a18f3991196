package io.prorl.engine.tracking;

import io.prorl.engine.job.EvaluateJob;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An evaluation report into the run of its flow execution: pass@k of every policy, overall ({@code
 * eval.<policy>.pass_at_<k>}) and per family ({@code eval.<policy>.<family>.pass_at_<k>}), the mean
 * reward, each policy's source as a tag, and the report itself as an artifact.
 */
public final class EvaluationTracking {
  private EvaluationTracking() {}

  public static void log(
      Tracker tracker, TrackedRun run, EvaluateJob.Report report, Path reportFile)
      throws IOException {
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, String> tags = new LinkedHashMap<>();
    for (EvaluateJob.PolicyReport p : report.policies()) {
      String name = "eval." + metricName(p.name());
      p.passAtK().forEach((k, v) -> metrics.put(name + ".pass_at_" + k, v));
      p.perFamily()
          .forEach((family, byK) ->
              byK.forEach(
                  (k, v) -> metrics.put(name + "." + metricName(family) + ".pass_at_" + k, v)));
      metrics.put(name + ".mean_reward", p.meanReward());
      tags.put("prorl.evaluation." + metricName(p.name()) + ".policy", p.policy());
    }
    tracker.start(run);
    tracker.logMetrics(run, 0, metrics);
    tracker.setTags(run, tags);
    tracker.logArtifact(run, "evaluation/evaluation-report.json", reportFile);
  }

  /** MLflow metric keys allow letters, digits, _ - . / space and colon. */
  static String metricName(String s) {
    return s.replaceAll("[^A-Za-z0-9_.\\-]", "_");
  }
}
