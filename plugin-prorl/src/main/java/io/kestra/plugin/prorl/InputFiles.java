package io.kestra.plugin.prorl;

import io.kestra.core.runners.RunContext;
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
 * kestra://}), {@code file://} (or a plain path) and {@code http(s)://}.
 */
final class InputFiles {
  private InputFiles() {}

  /**
   * @param property the property the URI came from, named in errors
   */
  static Path fetch(RunContext runContext, String uri, String property) throws IOException {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException(property + ": no URI given");
    }
    Path target = runContext.workingDir().createTempFile(".jsonl");
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
          property + ": unsupported scheme in " + uri + " (kestra://, file://, http(s)://)");
    }
    if (!Files.isRegularFile(path)) {
      throw new IOException(property + ": no file at " + uri);
    }
    return Files.newInputStream(path);
  }
}
