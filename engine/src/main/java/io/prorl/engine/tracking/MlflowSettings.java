package io.prorl.engine.tracking;

import io.prorl.engine.checkpoint.S3CheckpointStore;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach an MLflow tracking server and what to do when it cannot be reached. Secrets never
 * appear in {@link #toString()}.
 *
 * @param trackingUri {@code http(s)://host:port} of the tracking server
 * @param experiment experiment name (created when missing)
 * @param token bearer token, or null
 * @param username basic-auth user, or null
 * @param password basic-auth password, or null
 * @param spoolDir where operations wait on disk until the server takes them
 * @param required true: a task fails when tracking data could not be delivered at its end; false:
 *     it warns and leaves the data spooled for the next tracked task on this machine
 * @param flushTimeout how long closing a tracker waits for the spool to drain
 * @param s3 credentials for run artifact locations on S3
 */
public record MlflowSettings(
    String trackingUri,
    String experiment,
    String token,
    String username,
    String password,
    Path spoolDir,
    boolean required,
    Duration flushTimeout,
    S3CheckpointStore.Settings s3) {

  public static final String DEFAULT_EXPERIMENT = "prorl";

  public MlflowSettings {
    if (trackingUri == null || !trackingUri.matches("^https?://.+")) {
      throw new IllegalArgumentException(
          "mlflowUri: an http(s):// tracking server URI is needed, got '" + trackingUri + "'");
    }
    trackingUri = trackingUri.replaceAll("/+$", "");
    if (experiment == null || experiment.isBlank()) {
      experiment = DEFAULT_EXPERIMENT;
    }
    if (spoolDir == null) {
      spoolDir = defaultSpoolDir();
    }
    if (flushTimeout == null) {
      flushTimeout = Duration.ofSeconds(30);
    }
    if (s3 == null) {
      s3 = new S3CheckpointStore.Settings(null, null, false, null, null);
    }
  }

  /** {@code $TMPDIR/prorl-mlflow-spool}: kept between tasks on one machine. */
  public static Path defaultSpoolDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "prorl-mlflow-spool");
  }

  @Override
  public String toString() {
    return "MlflowSettings[trackingUri="
        + trackingUri
        + ", experiment="
        + experiment
        + ", token="
        + (token == null ? "null" : "****")
        + ", username="
        + username
        + ", password="
        + (password == null ? "null" : "****")
        + ", spoolDir="
        + spoolDir
        + ", required="
        + required
        + ", flushTimeout="
        + flushTimeout
        + "]";
  }
}
