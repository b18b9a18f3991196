package io.prorl.engine.tracking;

import io.prorl.engine.job.EvaluateJob;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An evaluation report into the run of its flow execution: per policy, pass@k on the held-out
 * problems ({@code eval.<policy>.pass_at_<k>}) and per set ({@code
 * eval.<policy>.<set>.pass_at_<k>}, {@code .mean_reward}, {@code .response_tokens}; a set is a
 * trained family or an out-of-distribution set), the mean reward, each policy's source as a tag,
 * the report and the run's boundary history as artifacts.
 */
public final class EvaluationTracking {
  private EvaluationTracking() {}

  /**
   * @param historyFile a local copy of the run's boundary history, or null when none was kept
   */
  public static void log(
      Tracker tracker, TrackedRun run, EvaluateJob.Report report, Path reportFile, Path historyFile)
      throws IOException {
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, String> tags = new LinkedHashMap<>();
    for (EvaluateJob.PolicyReport p : report.policies()) {
      String name = "eval." + metricName(p.name());
      p.passAtK().forEach((k, v) -> metrics.put(name + ".pass_at_" + k, v));
      metrics.put(name + ".mean_reward", p.meanReward());
      for (EvaluateJob.SetResult s : p.perSet()) {
        String set = name + "." + metricName(s.set());
        s.passAtK().forEach((k, v) -> metrics.put(set + ".pass_at_" + k, v));
        metrics.put(set + ".mean_reward", s.meanReward());
        metrics.put(set + ".response_tokens", s.meanResponseTokens());
      }
      tags.put("prorl.evaluation." + metricName(p.name()) + ".policy", p.policy());
    }
    tracker.start(run);
    tracker.logMetrics(run, 0, metrics);
    tracker.setTags(run, tags);
    tracker.logArtifact(run, "evaluation/evaluation-report.json", reportFile);
    if (historyFile != null) {
      tracker.logArtifact(run, "evaluation/boundary-history.json", historyFile);
    }
  }

  /**
   * One level of a metric key: MLflow allows letters, digits, {@code _ - . / :} and space; a dot
   * separates levels here and a slash would make a path, so everything else (dots and slashes
   * included) becomes {@code _}.
   */
  static String metricName(String s) {
    String out = s.replaceAll("[^A-Za-z0-9_\\-]", "_");
    return out.isEmpty() ? "_" : out;
  }
}
