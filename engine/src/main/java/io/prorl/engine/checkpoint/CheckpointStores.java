package io.prorl.engine.checkpoint;

/** Opens the checkpoint store a root URI names. */
public final class CheckpointStores {
  private CheckpointStores() {}

  /** {@link #open(String, S3CheckpointStore.Settings)} with the SDK's defaults for S3. */
  public static CheckpointStore open(String root) {
    return open(root, new S3CheckpointStore.Settings(null, null, false, null, null));
  }

  /**
   * @param root {@code file:///abs/dir}, a plain path, or {@code s3://bucket/prefix}
   * @param s3 how to reach S3 (used for s3:// roots)
   * @throws IllegalArgumentException for other schemes, naming the root
   */
  public static CheckpointStore open(String root, S3CheckpointStore.Settings s3) {
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("checkpointRoot: no checkpoint root given");
    }
    if (root.startsWith("file:") || !root.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      return FileCheckpointStore.of(root);
    }
    if (root.startsWith("s3://")) {
      return S3CheckpointStore.open(root, s3);
    }
    throw new IllegalArgumentException(
        "checkpointRoot: unsupported scheme in '" + root + "' (file://, s3:// or a path)");
  }
}
