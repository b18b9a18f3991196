package io.prorl.engine.checkpoint;

import io.prorl.engine.io.FileTrees;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.io.SafeTensors;
import io.prorl.engine.io.WeightShards;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes and reads checkpoints in the layout of docs/DESIGN.md:
 *
 * <pre>
 *   &lt;run&gt;/phase-0003/step-000450/
 *       config.json  model.safetensors  tokenizer.json      (HF-readable policy, the base's dtype;
 *       tokenizer_config.json  generation_config.json        sharded above 5GB as HF shards)
 *       master_weights.safetensors                           (fp32, when the policy is bf16/f16)
 *       optimizer.safetensors  trainer_state.json            (exact resume)
 *       MANIFEST.json                                        (last: sha256 and size of every file)
 * </pre>
 *
 * Every file's sha256 is checked on load; a mismatch is an error naming the file.
 */
public final class Checkpointer {
  public static final String MANIFEST = "MANIFEST.json";
  public static final String OPTIMIZER = "optimizer.safetensors";
  public static final String STATE = "trainer_state.json";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final CheckpointStore store;
  private final Path tokenizerJson;
  private final String parent;
  private final String datasetSha256;
  private final Map<String, String> lineage;
  private final SafeTensors.DType policyDtype;

  /**
   * @param tokenizerJson copied into every checkpoint so each one is a complete HF directory
   * @param parent what the run started from (recorded in manifests), or null
   * @param datasetSha256 sha256 of the training data (recorded), or null
   * @param lineage tags recorded in manifests
   */
  public Checkpointer(
      CheckpointStore store,
      Path tokenizerJson,
      String parent,
      String datasetSha256,
      Map<String, String> lineage) {
    this(store, tokenizerJson, parent, datasetSha256, lineage, SafeTensors.DType.F32);
  }

  private Checkpointer(
      CheckpointStore store,
      Path tokenizerJson,
      String parent,
      String datasetSha256,
      Map<String, String> lineage,
      SafeTensors.DType policyDtype) {
    this.store = store;
    this.tokenizerJson = tokenizerJson;
    this.parent = parent;
    this.datasetSha256 = datasetSha256;
    this.lineage = Map.copyOf(lineage);
    this.policyDtype = policyDtype;
  }

  /**
   * This checkpointer saving the policy in {@code dtype} (the base's: bf16 in, bf16 out), with fp32
   * master weights beside it whenever that is narrower than fp32.
   */
  public Checkpointer withPolicyDtype(SafeTensors.DType dtype) {
    return new Checkpointer(store, tokenizerJson, parent, datasetSha256, lineage, dtype);
  }

  public CheckpointStore store() {
    return store;
  }

  /** Writes a checkpoint; the manifest goes last. Returns the folder's URI. */
  public String write(CheckpointId id, Qwen2Model policy, AdamW optimizer, TrainerState state)
      throws IOException {
    Path tmp = Files.createTempDirectory("prorl-ckpt");
    try {
      HfModelDir.save(
          policy, tokenizerJson, tmp, policyDtype, WeightShards.DEFAULT_MAX_SHARD_BYTES);
      if (policyDtype != SafeTensors.DType.F32) {
        HfModelDir.saveMasterWeights(policy, tmp);
      }
      if (optimizer != null) {
        SafeTensors.write(optimizer.state(), SafeTensors.DType.F32, tmp.resolve(OPTIMIZER));
      }
      Files.writeString(
          tmp.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
      Map<String, Manifest.FileEntry> files = new LinkedHashMap<>();
      try (Stream<Path> list = Files.list(tmp)) {
        for (Path f : list.sorted().toList()) {
          files.put(f.getFileName().toString(), new Manifest.FileEntry(sha256(f), Files.size(f)));
        }
      }
      for (String name : files.keySet()) {
        store.put(id.prefix() + name, tmp.resolve(name));
      }
      Manifest manifest =
          new Manifest(
              Manifest.FORMAT,
              id.runId(),
              id.phase(),
              id.step(),
              Instant.now().toString(),
              files,
              parent,
              state.referenceKey(),
              datasetSha256,
              Checkpointer.class.getPackage().getImplementationVersion(),
              lineage);
      Path manifestFile = tmp.resolve(MANIFEST);
      Files.writeString(
          manifestFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
      store.put(id.prefix() + MANIFEST, manifestFile);
      return store.uri(id.prefix()).toString();
    } finally {
      FileTrees.delete(tmp);
    }
  }

  /**
   * Deletes a checkpoint: its manifest first, so that it is no longer complete for any reader even
   * if the rest of the deletion fails, then its files.
   */
  public void delete(CheckpointId id) throws IOException {
    delete(store, id);
  }

  /** {@link #delete(CheckpointId)} in a store. */
  public static void delete(CheckpointStore store, CheckpointId id) throws IOException {
    store.delete(id.prefix() + MANIFEST);
    for (String key : store.list(id.prefix())) {
      store.delete(key);
    }
  }

  /** The newest checkpoint of a run's phase that has a manifest, if any. */
  public Optional<CheckpointId> latestComplete(String runId, int phase) throws IOException {
    String prefix = String.format("%s/phase-%04d/", runId, phase);
    return store.list(prefix).stream()
        .filter(k -> k.endsWith("/" + MANIFEST))
        .map(CheckpointId::parse)
        .max(CheckpointId::compareTo);
  }

  /** A checkpoint read back, every file verified against the manifest. */
  public record Loaded(
      Manifest manifest,
      Map<String, SafeTensors.Tensor> weights,
      Map<String, SafeTensors.Tensor> optimizerState,
      TrainerState state) {}

  public Loaded load(CheckpointId id) throws IOException {
    Manifest manifest;
    try (InputStream in = store.get(id.prefix() + MANIFEST)) {
      manifest = JSON.readValue(in, Manifest.class);
    }
    Path tmp = Files.createTempDirectory("prorl-ckpt");
    try {
      for (Map.Entry<String, Manifest.FileEntry> e : manifest.files().entrySet()) {
        Path local = tmp.resolve(e.getKey());
        try (InputStream in = store.get(id.prefix() + e.getKey())) {
          Files.copy(in, local);
        }
        String actual = sha256(local);
        if (!actual.equals(e.getValue().sha256())) {
          throw new IOException(
              "checkpoint "
                  + store.uri(id.prefix())
                  + ": file "
                  + e.getKey()
                  + " has sha256 "
                  + actual
                  + " but the manifest says "
                  + e.getValue().sha256());
        }
      }
      Map<String, SafeTensors.Tensor> optimizer =
          Files.exists(tmp.resolve(OPTIMIZER))
              ? SafeTensors.read(tmp.resolve(OPTIMIZER))
              : Map.of();
      TrainerState state = JSON.readValue(Files.readString(tmp.resolve(STATE)), TrainerState.class);
      Map<String, SafeTensors.Tensor> weights =
          Files.exists(tmp.resolve(HfModelDir.MASTER_WEIGHTS))
              ? SafeTensors.read(tmp.resolve(HfModelDir.MASTER_WEIGHTS))
              : HfModelDir.readWeights(tmp);
      return new Loaded(manifest, weights, optimizer, state);
    } finally {
      FileTrees.delete(tmp);
    }
  }

  /**
   * Checks a local checkpoint folder against its MANIFEST.json: every listed file present with the
   * recorded sha256. A folder without a manifest is refused (incomplete).
   */
  public static Manifest verifyLocal(Path dir) throws IOException {
    Path manifestFile = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      throw new IOException("checkpoint " + dir + " has no " + MANIFEST + ": it is incomplete");
    }
    Manifest manifest = JSON.readValue(Files.readString(manifestFile), Manifest.class);
    for (Map.Entry<String, Manifest.FileEntry> e : manifest.files().entrySet()) {
      Path f = dir.resolve(e.getKey());
      if (!Files.isRegularFile(f)) {
        throw new IOException("checkpoint " + dir + ": file " + e.getKey() + " is missing");
      }
      String actual = sha256(f);
      if (!actual.equals(e.getValue().sha256())) {
        throw new IOException(
            "checkpoint "
                + dir
                + ": file "
                + e.getKey()
                + " has sha256 "
                + actual
                + " but the manifest says "
                + e.getValue().sha256());
      }
    }
    return manifest;
  }

  /** Reads a checkpoint's MANIFEST.json. */
  public Manifest manifest(CheckpointId id) throws IOException {
    try (InputStream in = store.get(id.prefix() + MANIFEST)) {
      return JSON.readValue(in, Manifest.class);
    }
  }

  /** Reads a checkpoint's trainer_state.json without its weights. */
  public TrainerState state(CheckpointId id) throws IOException {
    try (InputStream in = store.get(id.prefix() + STATE)) {
      return JSON.readValue(in, TrainerState.class);
    }
  }

  /** Copies a complete checkpoint to a local folder, every file verified against the manifest. */
  public Path download(CheckpointId id, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (InputStream in = store.get(id.prefix() + MANIFEST)) {
      Files.copy(in, dir.resolve(MANIFEST), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Manifest manifest = JSON.readValue(Files.readString(dir.resolve(MANIFEST)), Manifest.class);
    for (String name : manifest.files().keySet()) {
      try (InputStream in = store.get(id.prefix() + name)) {
        Files.copy(in, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    verifyLocal(dir);
    return dir;
  }

  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
