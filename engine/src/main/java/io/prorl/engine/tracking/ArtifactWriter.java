package io.prorl.engine.tracking;

import io.prorl.engine.checkpoint.S3CheckpointStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;

/**
 * Writes a file into a run's artifact location directly, because the Java client's {@code
 * logArtifact} shells out to MLflow's Python CLI: {@code s3://} through the AWS SDK (the task's S3
 * settings), {@code file:} on the local file system, {@code mlflow-artifacts:} through the tracking
 * server's artifact proxy ({@code PUT /api/2.0/mlflow-artifacts/artifacts/<path>}).
 */
final class ArtifactWriter {
  private final MlflowSettings settings;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  ArtifactWriter(MlflowSettings settings) {
    this.settings = settings;
  }

  void write(String artifactUri, String path, Path file) throws IOException {
    if (artifactUri == null || artifactUri.isBlank()) {
      throw new MlflowApi.Failure(
          "the run has no artifact location", MlflowApi.Failure.Kind.REFUSED, null);
    }
    String root = artifactUri.endsWith("/") ? artifactUri : artifactUri + "/";
    if (root.startsWith("s3://")) {
      try (S3CheckpointStore store = S3CheckpointStore.open(root, settings.s3())) {
        store.put(path, file);
      }
    } else if (root.startsWith("file:") || root.startsWith("/")) {
      Path target =
          (root.startsWith("/") ? Path.of(root) : Path.of(URI.create(root))).resolve(path);
      Files.createDirectories(target.getParent());
      Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    } else if (root.startsWith("mlflow-artifacts:")) {
      proxyPut(proxyBase(root), proxyPath(root) + path, file);
    } else {
      throw new MlflowApi.Failure(
          "artifact location "
              + artifactUri
              + ": scheme not supported (s3://, file:, mlflow-artifacts:)",
          MlflowApi.Failure.Kind.REFUSED,
          null);
    }
  }

  /**
   * The server behind {@code mlflow-artifacts:}: {@code mlflow-artifacts://host:port/p} names it
   * (with the tracking URI's scheme), {@code mlflow-artifacts:/p} means the tracking server, as
   * MLflow's own artifact repository resolves them.
   */
  private String proxyBase(String root) {
    String authority = URI.create(root).getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      return settings.trackingUri().replaceAll("/+$", "");
    }
    return URI.create(settings.trackingUri()).getScheme() + "://" + authority;
  }

  /** The path under the proxy's artifact root, without the authority and leading slashes. */
  static String proxyPath(String root) {
    String path = URI.create(root).getRawPath();
    return path == null ? "" : path.replaceAll("^/+", "");
  }

  private void proxyPut(String base, String relative, Path file) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/api/2.0/mlflow-artifacts/artifacts/" + relative))
            .timeout(Duration.ofMinutes(5))
            .PUT(HttpRequest.BodyPublishers.ofFile(file));
    if (settings.token() != null) {
      request.header("Authorization", "Bearer " + settings.token());
    } else if (settings.username() != null) {
      String basic =
          settings.username() + ":" + (settings.password() == null ? "" : settings.password());
      request.header(
          "Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes()));
    }
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new MlflowApi.Failure(
            "PUT artifact " + relative + ": HTTP " + r.statusCode() + " " + r.body(),
            MlflowApi.Failure.kindOf(r.statusCode()),
            null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while uploading artifact " + relative, e);
    }
  }
}
