package io.prorl.engine.tracking;

import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends every step's metrics (docs/PRORL.md, "What a step logs"; {@link StepMetrics}) to a tracked
 * run, with the phase's step number as MLflow's step.
 */
public final class StepMetricsTracking implements TrainingListener {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final Tracker tracker;
  private final TrackedRun run;
  private final TrackingLog log;

  public StepMetricsTracking(Tracker tracker, TrackedRun run, TrackingLog log) {
    this.tracker = tracker;
    this.run = run;
    this.log = log;
  }

  /** The step's figures by name (every component but the step number). */
  static Map<String, Double> values(StepMetrics m) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : JSON.<JsonNode>valueToTree(m).properties()) {
      if (!e.getKey().equals("step")) {
        out.put(e.getKey(), e.getValue().asDouble());
      }
    }
    return out;
  }

  @Override
  public void onStep(StepMetrics metrics) {
    try {
      tracker.logMetrics(run, metrics.step(), values(metrics));
    } catch (IOException e) {
      // the spool is a local file: failing to append it means the disk is full or gone
      if (tracker.settings().required()) {
        throw new UncheckedIOException("MLflow spool (mlflowRequired): " + e.getMessage(), e);
      }
      log.warn("step " + metrics.step() + " metrics not tracked: spool write failed: " + e);
    }
  }
}
