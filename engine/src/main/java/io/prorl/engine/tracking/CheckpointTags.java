package io.prorl.engine.tracking;

import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.checkpoint.CheckpointStores;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.Manifest;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lineage a checkpoint's MANIFEST.json records, as MLflow tags for a model version: the ProRL
 * run, phase and step, the checkpoint it descends from, its KL reference, the dataset sha256 and
 * the Kestra ids of the execution that wrote it.
 */
public final class CheckpointTags {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private CheckpointTags() {}

  /**
   * @param checkpoint a checkpoint folder URI (file:// or s3://) or path
   * @throws IOException when it has no readable MANIFEST.json (an incomplete checkpoint)
   */
  public static Map<String, String> of(String checkpoint, S3CheckpointStore.Settings s3)
      throws IOException {
    Manifest m;
    try (CheckpointStore store = CheckpointStores.open(checkpoint, s3);
        InputStream in = store.get(Checkpointer.MANIFEST)) {
      m = JSON.readValue(in, Manifest.class);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(
          "checkpoint " + checkpoint + " has no " + Checkpointer.MANIFEST + ": it is incomplete",
          e);
    }
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("prorl.checkpoint", checkpoint);
    tags.put("prorl.run", m.runId());
    tags.put("prorl.phase", Integer.toString(m.phase()));
    tags.put("prorl.step", Integer.toString(m.step()));
    if (m.parent() != null) {
      tags.put("prorl.parent.checkpoint", m.parent());
    }
    if (m.reference() != null) {
      tags.put("prorl.reference", m.reference());
    }
    if (m.datasetSha256() != null) {
      tags.put("prorl.dataset.sha256", m.datasetSha256());
    }
    m.lineage().forEach(tags::put);
    return tags;
  }
}
