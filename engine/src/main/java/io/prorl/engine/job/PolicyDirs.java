package io.prorl.engine.job;

import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.engine.io.HfModelDir;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Turns a policy reference into a local Hugging Face directory that is safe to load. */
public final class PolicyDirs {
  private PolicyDirs() {}

  /**
   * Like {@link #resolve(String)}, and {@code s3://bucket/prefix/} directories too: their files are
   * downloaded into {@code scratch} (then verified against the manifest when there is one).
   */
  public static Path resolve(String reference, S3CheckpointStore.Settings s3, Path scratch)
      throws IOException {
    if (reference != null && reference.startsWith("s3://")) {
      try (S3CheckpointStore store = S3CheckpointStore.open(reference, s3)) {
        Files.createDirectories(scratch);
        int files = 0;
        for (String key : store.list("")) {
          if (!key.contains("/")) {
            try (InputStream in = store.get(key)) {
              Files.copy(in, scratch.resolve(key), StandardCopyOption.REPLACE_EXISTING);
            }
            files++;
          }
        }
        if (files == 0) {
          throw new IOException("policy: no files under " + reference);
        }
      }
      return resolve(scratch.toString(), reference);
    }
    return resolve(reference);
  }

  /**
   * A {@code file:} URI or a local path of an HF directory (config.json, model.safetensors,
   * tokenizer.json). A directory with a MANIFEST.json (one of our checkpoints) is verified file by
   * file first; other schemes are refused with the reference in the message.
   */
  public static Path resolve(String reference) throws IOException {
    return resolve(reference, reference);
  }

  private static Path resolve(String reference, String named) throws IOException {
    if (reference == null || reference.isBlank()) {
      throw new IllegalArgumentException("policy: no policy reference given");
    }
    Path dir;
    if (reference.startsWith("file:")) {
      dir = Path.of(URI.create(reference));
    } else if (reference.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      throw new IllegalArgumentException(
          "policy: unsupported scheme in '" + reference + "' (file://, s3:// or a path)");
    } else {
      dir = Path.of(reference);
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("policy: " + named + " is not a directory");
    }
    if (Files.exists(dir.resolve(Checkpointer.MANIFEST))) {
      Checkpointer.verifyLocal(dir);
    }
    for (String required : new String[] {HfModelDir.CONFIG, HfModelDir.TOKENIZER}) {
      if (!Files.isRegularFile(dir.resolve(required))) {
        throw new IOException("policy: " + named + " has no " + required);
      }
    }
    return dir;
  }
}
