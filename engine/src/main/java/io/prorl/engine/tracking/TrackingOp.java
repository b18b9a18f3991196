package io.prorl.engine.tracking;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * One thing to tell the tracking server, as it waits in the spool. Every operation names its run by
 * {@link TrackedRun} (resolved to a server id on delivery) and carries the time it happened, so
 * late delivery keeps the original timestamps.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
  @JsonSubTypes.Type(value = TrackingOp.Start.class, name = "start"),
  @JsonSubTypes.Type(value = TrackingOp.Log.class, name = "log"),
  @JsonSubTypes.Type(value = TrackingOp.End.class, name = "end"),
  @JsonSubTypes.Type(value = TrackingOp.Register.class, name = "register"),
  @JsonSubTypes.Type(value = TrackingOp.Artifact.class, name = "artifact")
})
public sealed interface TrackingOp {
  TrackedRun run();

  long timeMillis();

  /** The run exists (found or created) and is RUNNING again, e.g. for a retried task. */
  record Start(TrackedRun run, long timeMillis) implements TrackingOp {}

  /** Params, metrics and tags in one batch (split into the server's limits on delivery). */
  record Log(
      TrackedRun run,
      long timeMillis,
      Map<String, String> params,
      List<MetricPoint> metrics,
      Map<String, String> tags)
      implements TrackingOp {
    public Log {
      params = params == null ? Map.of() : Map.copyOf(params);
      metrics = metrics == null ? List.of() : List.copyOf(metrics);
      tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
  }

  /**
   * The run ended.
   *
   * @param status FINISHED, FAILED or KILLED
   */
  record End(TrackedRun run, long timeMillis, String status) implements TrackingOp {}

  /**
   * A model version whose source is a checkpoint URI, produced by this run.
   *
   * @param model registered model name (created when missing)
   * @param source the checkpoint URI (e.g. s3://bucket/run/phase-0003/step-000010/)
   */
  record Register(
      TrackedRun run, long timeMillis, String model, String source, Map<String, String> tags)
      implements TrackingOp {
    public Register {
      tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
  }

  /**
   * A file for the run's artifact location, written there directly (not through the client's Python
   * CLI).
   *
   * @param path where under the run's artifact root, e.g. evaluation/report.json
   * @param file a copy of the file kept beside the spool until delivered
   */
  record Artifact(TrackedRun run, long timeMillis, String path, String file)
      implements TrackingOp {}

  /** One metric value. */
  record MetricPoint(String key, double value, long step, long timeMillis) {}
}
