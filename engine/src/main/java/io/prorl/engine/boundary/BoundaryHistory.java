package io.prorl.engine.boundary;

import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.io.JsonSchemaFile;
import io.prorl.engine.job.EvaluateJob;
import io.prorl.tasks.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A run's reasoning boundary over time (the paper's pass@k-per-checkpoint analysis): one file
 * beside the run's checkpoints, {@code <checkpointRoot>/<runId>/boundary-history.json}, described
 * by schemas/boundary-history.schema.json and checked against it on every read and write. Each
 * evaluation of the run's checkpoints is merged in; evaluating a checkpoint that is already there
 * replaces its entries, so a retried task does not duplicate them.
 *
 * <p>Concurrent writers are not coordinated (read, merge, write back): evaluate one run's
 * checkpoints from one task at a time.
 *
 * @param runId the run the history belongs to
 * @param entries one per (checkpoint, set), the run's checkpoints by phase and step, then policies
 *     outside the run in the order they were evaluated
 */
public record BoundaryHistory(String runId, List<Entry> entries) {
  public static final String FORMAT = "prorl-boundary-history/1";
  public static final String FILE = "boundary-history.json";
  public static final String SCHEMA = "/schemas/boundary-history.schema.json";

  /**
   * One checkpoint on one problem set.
   *
   * @param checkpoint the evaluated policy's URI, as given to the evaluation
   * @param label "base" (phase 0), "phase-000N", or the given name of a policy outside the run
   * @param phase the checkpoint's phase, null for a policy outside the run
   * @param step the checkpoint's step within its phase, null for a policy outside the run
   * @param passAtK k -> mean unbiased pass@k over the set's problems
   * @param meanResponseTokens mean response length in tokens
   * @param evaluatedAt ISO-8601 instant
   */
  public record Entry(
      String checkpoint,
      String label,
      Integer phase,
      Integer step,
      String set,
      boolean outOfDistribution,
      Map<Integer, Double> passAtK,
      double meanReward,
      double meanResponseTokens,
      int problems,
      int samples,
      double temperature,
      double topP,
      String evaluatedAt) {
    public Entry {
      passAtK = Collections.unmodifiableMap(new TreeMap<>(passAtK));
    }
  }

  /** The file's JSON document. */
  record Document(String format, String runId, List<Entry> entries) {}

  public BoundaryHistory {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("runId: a boundary history needs its run");
    }
    entries = List.copyOf(entries);
  }

  /** The history's key in the checkpoint store. */
  public static String key(String runId) {
    return runId + "/" + FILE;
  }

  /**
   * The run's history, or an empty one when the run has none yet.
   *
   * @throws IllegalArgumentException when the file breaks the schema (naming the field) or belongs
   *     to another run
   */
  public static BoundaryHistory read(CheckpointStore store, String runId) throws IOException {
    String key = key(runId);
    if (!store.exists(key)) {
      return new BoundaryHistory(runId, List.of());
    }
    String where = "boundary history " + store.uri(key);
    JsonNode tree;
    try (InputStream in = store.get(key)) {
      tree = Json.MAPPER.readTree(in);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(where + " is no JSON: " + e.getOriginalMessage(), e);
    }
    JsonSchemaFile.load(SCHEMA).require(tree, where);
    Document doc = Json.MAPPER.treeToValue(tree, Document.class);
    if (!runId.equals(doc.runId())) {
      throw new IllegalArgumentException(
          where + ": field runId: the file belongs to run " + doc.runId() + ", not " + runId);
    }
    return new BoundaryHistory(runId, doc.entries());
  }

  /**
   * The entries of an evaluation: one per policy and set. A policy that is a checkpoint of this run
   * (by its MANIFEST.json) gets its phase, step and the label "base" or "phase-000N"; any other
   * policy gets null phase and step and its given name as label.
   */
  public List<Entry> entriesOf(EvaluateJob.Report report, Instant evaluatedAt) {
    List<Entry> out = new ArrayList<>();
    for (EvaluateJob.PolicyReport p : report.policies()) {
      CheckpointId id = p.checkpoint();
      boolean ofRun = id != null && runId.equals(id.runId());
      for (EvaluateJob.SetResult s : p.perSet()) {
        out.add(
            new Entry(
                p.policy(),
                ofRun ? EvaluateJob.label(id) : p.name(),
                ofRun ? id.phase() : null,
                ofRun ? id.step() : null,
                s.set(),
                s.outOfDistribution(),
                s.passAtK(),
                s.meanReward(),
                s.meanResponseTokens(),
                s.problems(),
                s.samples(),
                report.temperature(),
                report.topP(),
                evaluatedAt.toString()));
      }
    }
    return out;
  }

  /**
   * This history with {@code evaluated} merged in: every checkpoint they name loses its earlier
   * entries (a re-evaluation replaces, a retry does not duplicate); the run's checkpoints ordered
   * by phase and step, policies outside the run after them.
   */
  public BoundaryHistory merge(List<Entry> evaluated) {
    Set<String> replaced =
        evaluated.stream().map(e -> identity(e.checkpoint())).collect(Collectors.toSet());
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (!replaced.contains(identity(e.checkpoint()))) {
        out.add(e);
      }
    }
    out.addAll(evaluated);
    // stable: sets keep their order within a checkpoint
    out.sort(
        Comparator.comparing((Entry e) -> e.phase() == null)
            .thenComparing(e -> e.phase() == null ? 0 : e.phase())
            .thenComparing(e -> e.step() == null ? 0 : e.step()));
    return new BoundaryHistory(runId, out);
  }

  /** The checkpoints in the history, in entry order, each once. */
  public List<String> checkpoints() {
    return entries.stream().map(Entry::checkpoint).distinct().toList();
  }

  /** Writes the history as JSON to a local file, after checking it against the schema. */
  public void writeTo(Path file) throws IOException {
    JsonNode tree = Json.MAPPER.valueToTree(new Document(FORMAT, runId, entries));
    JsonSchemaFile.load(SCHEMA).require(tree, "boundary history of run " + runId);
    Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
  }

  /**
   * Writes the whole file to the store in one put, replacing the previous one: the file store
   * copies to a temporary name and moves it into place atomically, S3 replaces the object with one
   * PUT, so a reader sees the old or the new history, never half of one.
   *
   * @return the file's URI
   */
  public URI write(CheckpointStore store) throws IOException {
    Path tmp = Files.createTempFile("prorl-boundary", ".json");
    try {
      writeTo(tmp);
      store.put(key(runId), tmp);
      return store.uri(key(runId));
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads the run's history from the store, merges an evaluation in and writes it back.
   *
   * @param localCopy where a copy of the merged file goes (e.g. for an MLflow artifact), or null
   * @return the file's URI in the store
   */
  public static URI record(
      CheckpointStore store,
      String runId,
      EvaluateJob.Report report,
      Instant evaluatedAt,
      Path localCopy)
      throws IOException {
    BoundaryHistory history = read(store, runId);
    history = history.merge(history.entriesOf(report, evaluatedAt));
    if (localCopy != null) {
      history.writeTo(localCopy);
    }
    return history.write(store);
  }

  /** One checkpoint however it was written: file URI or path, with or without a trailing slash. */
  static String identity(String checkpoint) {
    String s = checkpoint;
    if (s.startsWith("file:") || !s.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      Path p = s.startsWith("file:") ? Path.of(URI.create(s)) : Path.of(s);
      s = p.toAbsolutePath().normalize().toUri().toString();
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }
}
