package io.prorl.engine.tracking;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calls of MLflow's REST API (2.0) the tracker makes. Failures surface as {@link
 * MlflowApi.Failure}, whose {@link MlflowApi.Failure.Kind} says what sending the call again can do.
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

  /** A failed call, classified by what sending it again could do. */
  final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, and so what the courier does with the operation. */
    public enum Kind {
      /** No answer (connection refused, reset, timed out): wait, keep everything on disk. */
      UNREACHABLE,
      /** 429: the server asks to slow down: wait. */
      THROTTLED,
      /** 5xx: an outage (wait) unless the server answers other calls (set the operation aside). */
      SERVER_ERROR,
      /** 401 or 403: the credentials are refused; every later call would be too: stop, keep all. */
      UNAUTHORIZED,
      /** Any other refusal (4xx, an unreadable answer): this operation can never succeed. */
      REFUSED
    }

    private final Kind kind;

    public Failure(String message, Kind kind, Throwable cause) {
      super(message, cause);
      this.kind = kind;
    }

    /** The kind of an HTTP status that is not 2xx. */
    public static Kind kindOf(int httpStatus) {
      if (httpStatus == 401 || httpStatus == 403) {
        return Kind.UNAUTHORIZED;
      }
      if (httpStatus == 429) {
        return Kind.THROTTLED;
      }
      return httpStatus >= 500 ? Kind.SERVER_ERROR : Kind.REFUSED;
    }

    public Kind kind() {
      return kind;
    }
  }
}
