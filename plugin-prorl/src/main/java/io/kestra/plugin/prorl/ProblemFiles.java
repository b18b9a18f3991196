package io.kestra.plugin.prorl;

import io.kestra.core.models.property.Property;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Problem JSONL files named by URI: read and validated, errors naming the URI and line. */
final class ProblemFiles {
  private ProblemFiles() {}

  /** The problems of a file and the sha256 of its bytes (dataset identity for lineage). */
  record Read(List<Problem> problems, String sha256) {}

  static Read read(
      RunContext runContext,
      ProblemJsonl jsonl,
      String uri,
      String property,
      S3CheckpointStore.Settings s3)
      throws Exception {
    Path local = InputFiles.fetch(runContext, uri, property, s3);
    try (InputStream in = Files.newInputStream(local)) {
      return new Read(jsonl.read(in, uri), Checkpointer.sha256(local));
    } finally {
      Files.deleteIfExists(local);
    }
  }

  /**
   * The first {@code limit} problems of an optional file (none when the property is unset; all when
   * {@code limit} is null and {@code defaultLimit} is 0).
   */
  static List<Problem> firstOf(
      RunContext runContext,
      ProblemJsonl jsonl,
      Property<String> uri,
      String property,
      Property<Integer> limit,
      int defaultLimit,
      S3CheckpointStore.Settings s3)
      throws Exception {
    Optional<String> rendered = runContext.render(uri).as(String.class);
    if (rendered.isEmpty()) {
      return List.of();
    }
    List<Problem> all = read(runContext, jsonl, rendered.get(), property, s3).problems();
    int n =
        limit == null
            ? defaultLimit
            : runContext.render(limit).as(Integer.class).orElse(defaultLimit);
    return n > 0 ? all.subList(0, Math.min(n, all.size())) : all;
  }
}
