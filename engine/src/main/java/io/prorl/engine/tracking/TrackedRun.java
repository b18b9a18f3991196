package io.prorl.engine.tracking;

import java.util.Map;

/**
 * An MLflow run named by a stable key instead of a server-assigned id, so it can be referred to
 * before the server is reachable and found again by a retried task: the key is stored in the tag
 * {@value #KEY_TAG} and looked up before a run is created.
 *
 * @param experiment experiment name
 * @param key stable identity, e.g. {@code kestra/<execution>} or {@code kestra/<execution>/phase-2}
 * @param parent the parent run (its id goes to {@code mlflow.parentRunId}), or null
 * @param name the run name shown by MLflow
 * @param tags tags set when the run is created (lineage)
 */
public record TrackedRun(
    String experiment, String key, TrackedRun parent, String name, Map<String, String> tags) {
  public static final String KEY_TAG = "prorl.key";
  public static final String PARENT_TAG = "mlflow.parentRunId";
  public static final String NAME_TAG = "mlflow.runName";

  public TrackedRun {
    if (key == null || key.isBlank() || key.contains("'") || key.contains("\\")) {
      throw new IllegalArgumentException(
          "tracked run key must be non-blank, without quotes or backslashes: " + key);
    }
    if (experiment == null || experiment.isBlank()) {
      throw new IllegalArgumentException("tracked run " + key + ": no experiment");
    }
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /** A top-level run. */
  public static TrackedRun root(
      String experiment, String key, String name, Map<String, String> tags) {
    return new TrackedRun(experiment, key, null, name, tags);
  }

  /** A nested run under this one. */
  public TrackedRun child(String childKey, String childName, Map<String, String> childTags) {
    return new TrackedRun(experiment, childKey, this, childName, childTags);
  }
}
