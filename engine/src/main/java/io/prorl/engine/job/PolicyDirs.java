package io.prorl.engine.job;

import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.io.HfModelDir;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Turns a policy reference into a local Hugging Face directory that is safe to load. */
public final class PolicyDirs {
  private PolicyDirs() {}

  /**
   * A {@code file:} URI or a local path of an HF directory (config.json, model.safetensors,
   * tokenizer.json). A directory with a MANIFEST.json (one of our checkpoints) is verified file by
   * file first; other schemes are refused with the reference in the message.
   */
  public static Path resolve(String reference) throws IOException {
    if (reference == null || reference.isBlank()) {
      throw new IllegalArgumentException("policy: no policy reference given");
    }
    Path dir;
    if (reference.startsWith("file:")) {
      dir = Path.of(URI.create(reference));
    } else if (reference.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      throw new IllegalArgumentException(
          "policy: unsupported scheme in '" + reference + "' (file: URIs and paths are supported)");
    } else {
      dir = Path.of(reference);
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("policy: " + reference + " is not a directory");
    }
    if (Files.exists(dir.resolve(Checkpointer.MANIFEST))) {
      Checkpointer.verifyLocal(dir);
    }
    for (String required : new String[] {HfModelDir.CONFIG, HfModelDir.TOKENIZER}) {
      if (!Files.isRegularFile(dir.resolve(required))) {
        throw new IOException("policy: " + reference + " has no " + required);
      }
    }
    return dir;
  }
}
