package io.kestra.plugin.prorl;

import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Brings a file named by URI into the task's working directory: Kestra internal storage ({@code
 * kestra://}), {@code file://} (or a plain path), {@code http(s)://} and {@code s3://bucket/key}.
 */
final class InputFiles {
  private InputFiles() {}

  /**
   * @param property the property the URI came from, named in errors
   */
  static Path fetch(
      RunContext runContext, String uri, String property, S3CheckpointStore.Settings s3)
      throws IOException {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException(property + ": no URI given");
    }
    Path target = runContext.workingDir().createTempFile(".jsonl");
    if (uri.startsWith("s3://")) {
      int slash = uri.lastIndexOf('/');
      if (slash < "s3://".length() || slash == uri.length() - 1) {
        throw new IllegalArgumentException(property + ": not an s3://bucket/key URI: " + uri);
      }
      try (S3CheckpointStore store = S3CheckpointStore.open(uri.substring(0, slash + 1), s3);
          InputStream in = store.get(uri.substring(slash + 1))) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new IOException(property + ": no object at " + uri, e);
      }
      return target;
    }
    try (InputStream in = open(runContext, uri, property)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  private static InputStream open(RunContext runContext, String uri, String property)
      throws IOException {
    if (uri.startsWith("kestra://")) {
      return runContext.storage().getFile(URI.create(uri));
    }
    if (uri.startsWith("http://") || uri.startsWith("https://")) {
      try {
        HttpResponse<InputStream> r =
            HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build()
                .send(
                    HttpRequest.newBuilder(URI.create(uri)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
          r.body().close();
          throw new IOException(property + ": GET " + uri + " answered HTTP " + r.statusCode());
        }
        return r.body();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(property + ": interrupted while reading " + uri, e);
      }
    }
    Path path = uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
    if (uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") && !uri.startsWith("file:")) {
      throw new IllegalArgumentException(
          property + ": unsupported scheme in " + uri + " (kestra://, file://, http(s)://, s3://)");
    }
    if (!Files.isRegularFile(path)) {
      throw new IOException(property + ": no file at " + uri);
    }
    return Files.newInputStream(path);
  }
}
