package io.prorl.engine.checkpoint;

import java.util.Map;

/**
 * {@code MANIFEST.json}, written last: a checkpoint folder without it is incomplete and never used.
 *
 * @param format layout version
 * @param runId the run
 * @param phase the phase
 * @param step the step
 * @param createdAt ISO-8601 time of writing
 * @param files every other file of the folder with its sha256 and size
 * @param parent the checkpoint or model this run started from, or null
 * @param reference the key of the KL reference checkpoint
 * @param datasetSha256 sha256 of the training data, or null
 * @param codeVersion the engine's version
 * @param lineage free-form lineage tags (Kestra namespace, flow, execution id, ...)
 */
public record Manifest(
    String format,
    String runId,
    int phase,
    int step,
    String createdAt,
    Map<String, FileEntry> files,
    String parent,
    String reference,
    String datasetSha256,
    String codeVersion,
    Map<String, String> lineage) {

  public static final String FORMAT = "prorl-checkpoint/1";

  /** One file: its sha256 (hex) and size in bytes. */
  public record FileEntry(String sha256, long bytes) {}
}
