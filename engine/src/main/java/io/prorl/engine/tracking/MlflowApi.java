package io.prorl.engine.tracking;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calls of MLflow's REST API (2.0) the tracker makes. Failures surface as {@link
 * MlflowApi.Failure}: {@code permanent} when the server refused the request (4xx other than 429:
 * sending it again cannot help), otherwise transient (unreachable, 5xx, rate limit).
 */
public interface MlflowApi extends AutoCloseable {

  /** A run as the server knows it. */
  record RunRef(String runId, String artifactUri) {}

  /** The experiment's id, creating the experiment when missing. */
  String experimentId(String name);

  /** The active run of the experiment whose tag {@code tagKey} equals {@code tagValue}. */
  Optional<RunRef> findRun(String experimentId, String tagKey, String tagValue);

  RunRef createRun(String experimentId, String runName, long startMillis, Map<String, String> tags);

  /** Params, metrics and tags; the implementation splits them into the server's batch limits. */
  void logBatch(
      String runId,
      Map<String, String> params,
      List<TrackingOp.MetricPoint> metrics,
      Map<String, String> tags);

  /**
   * @param endMillis the end time, or null while RUNNING
   */
  void setStatus(String runId, String status, Long endMillis);

  /**
   * Registers {@code source} as a version of {@code model} (created when missing), unless a version
   * with the same source and run exists already. Returns the version.
   */
  String registerModelVersion(String model, String source, String runId, Map<String, String> tags);

  @Override
  void close();

  /** A failed call. */
  final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean permanent;

    public Failure(String message, boolean permanent, Throwable cause) {
      super(message, cause);
      this.permanent = permanent;
    }

    /** The server refused the request: sending it again cannot succeed. */
    public boolean permanent() {
      return permanent;
    }
  }
}
