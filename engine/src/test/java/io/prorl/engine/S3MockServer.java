package io.prorl.engine;

import io.prorl.engine.checkpoint.S3CheckpointStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real S3 server on 127.0.0.1 for tests: Adobe S3Mock's executable jar (fetched by Maven into
 * target/s3mock), started as its own process with free ports and a temporary store root.
 */
public final class S3MockServer implements AutoCloseable {
  /** Spring Boot start-up takes 5-15 s alone and over 2 minutes on a loaded 2-core machine. */
  private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(300);

  public static final String ACCESS_KEY = "test-access";
  public static final String SECRET_KEY = "test-secret";

  private final Process process;
  private final int httpPort;
  private final Path root;

  private S3MockServer(Process process, int httpPort, Path root) {
    this.process = process;
    this.httpPort = httpPort;
    this.root = root;
  }

  /** Starts the server with the given buckets and waits until it answers (about 5-10 s). */
  public static S3MockServer start(String... buckets) throws IOException, InterruptedException {
    String jar = System.getProperty("s3mock.jar", "target/s3mock/s3mock.jar");
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "S3Mock jar missing at " + jar + " (mvn process-test-resources)");
    }
    int http = freePort();
    int https = freePort();
    Path root = Files.createTempDirectory("s3mock");
    Path log = root.resolveSibling(root.getFileName() + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx512m",
                    "-jar",
                    jar,
                    "--http.port=" + http,
                    "--server.port=" + https,
                    "--com.adobe.testing.s3mock.store.root=" + root,
                    "--com.adobe.testing.s3mock.store.initial-buckets="
                        + String.join(",", buckets)))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    S3MockServer server = new S3MockServer(p, http, root);
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + STARTUP_DEADLINE.toNanos();
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("S3Mock exited; its log: " + Files.readString(log));
      }
      try {
        HttpResponse<Void> r =
            client.send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/" + buckets[0]))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return server;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        server.close();
        throw new IllegalStateException(
            "S3Mock did not answer in "
                + STARTUP_DEADLINE.toSeconds()
                + " s; log: "
                + Files.readString(log));
      }
      Thread.sleep(250);
    }
  }

  /** The HTTP port, e.g. for a {@link FaultyProxy} in front of the server. */
  public int port() {
    return httpPort;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + httpPort;
  }

  public S3CheckpointStore.Settings settings() {
    return new S3CheckpointStore.Settings(endpoint(), "us-east-1", true, ACCESS_KEY, SECRET_KEY);
  }

  /** Where the server keeps its objects (to corrupt one on purpose). */
  public Path root() {
    return root;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
