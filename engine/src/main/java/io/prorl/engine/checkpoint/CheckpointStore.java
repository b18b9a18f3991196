package io.prorl.engine.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where checkpoints live: a flat key space of files ({@code
 * run/phase-0001/step-000010/MANIFEST.json}). Implementations: {@link FileCheckpointStore} for
 * {@code file://}, {@link S3CheckpointStore} for {@code s3://}. Closing releases a client's
 * connections (nothing for files).
 */
public interface CheckpointStore extends AutoCloseable {

  /** Copies a local file to {@code key}, replacing what was there. */
  void put(String key, Path source) throws IOException;

  /** Opens the file at {@code key}. */
  InputStream get(String key) throws IOException;

  boolean exists(String key) throws IOException;

  /** The keys that start with {@code prefix}, sorted. */
  List<String> list(String prefix) throws IOException;

  /** Deletes the key if present. */
  void delete(String key) throws IOException;

  /** The full URI of a key, as written in manifests and outputs. */
  URI uri(String key);

  @Override
  default void close() {}
}
