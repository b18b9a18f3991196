package io.prorl.engine.checkpoint;

/** Opens the checkpoint store a root URI names. */
public final class CheckpointStores {
  private CheckpointStores() {}

  /**
   * @param root {@code file:///abs/dir} or a plain path (S3 comes with its own issue)
   * @throws IllegalArgumentException for other schemes, naming the root
   */
  public static CheckpointStore open(String root) {
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("checkpointRoot: no checkpoint root given");
    }
    if (root.startsWith("file:") || !root.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      return FileCheckpointStore.of(root);
    }
    throw new IllegalArgumentException(
        "checkpointRoot: unsupported scheme in '" + root + "' (file:// URIs and paths for now)");
  }
}
