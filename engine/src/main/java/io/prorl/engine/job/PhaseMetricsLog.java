package io.prorl.engine.job;

import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.rl.Validation;
import io.prorl.tasks.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every step of a phase in the run's store, {@code <run>/metrics/phase-NNNN.jsonl}, one {@link
 * Entry} per line, written again at every checkpoint: the file always matches the newest resume
 * point, so a resumed phase keeps the steps before it and its repeated steps replace the lost ones.
 * The training charts of a run are drawn from these files.
 */
public final class PhaseMetricsLog implements TrainingListener {
  /** One step: its metrics and, when the step was followed by a validation check, that check. */
  public record Entry(int phase, int step, StepMetrics metrics, Validation validation) {}

  private final CheckpointStore store;
  private final String runId;
  private final Path local;
  private final List<Entry> entries = new ArrayList<>();
  private int phase;
  private boolean trimmed;

  /**
   * @param local a local copy of the file, kept up to date (e.g. for a task's outputs)
   */
  public PhaseMetricsLog(CheckpointStore store, String runId, Path local) {
    this.store = store;
    this.runId = runId;
    this.local = local;
  }

  /** The key of a phase's file in the run's store. */
  public static String key(String runId, int phase) {
    return runId + "/metrics/" + String.format("phase-%04d.jsonl", phase);
  }

  /** The entries of one phase's file, or an empty list when it has none. */
  public static List<Entry> read(CheckpointStore store, String runId, int phase)
      throws IOException {
    String key = key(runId, phase);
    List<Entry> out = new ArrayList<>();
    if (!store.exists(key)) {
      return out;
    }
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(store.get(key), StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (!line.isBlank()) {
          try {
            out.add(Json.MAPPER.readValue(line, Entry.class));
          } catch (RuntimeException e) {
            throw new IOException(store.uri(key) + ":" + n + ": not a metrics entry: " + e, e);
          }
        }
      }
    }
    return out;
  }

  public Path localFile() {
    return local;
  }

  @Override
  public void onPhaseStart(int phase, String startedFrom) {
    this.phase = phase;
    try {
      entries.clear();
      entries.addAll(read(store, runId, phase));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void onStep(StepMetrics m) {
    if (!trimmed) {
      // a resumed phase repeats the steps after its checkpoint: those entries are replaced
      entries.removeIf(e -> e.step() >= m.step());
      trimmed = true;
    }
    entries.add(new Entry(phase, m.step(), m, null));
  }

  @Override
  public void onValidation(int step, Validation validation) {
    int last = entries.size() - 1;
    if (last >= 0 && entries.get(last).step() == step) {
      Entry e = entries.get(last);
      entries.set(last, new Entry(e.phase(), e.step(), e.metrics(), validation));
    }
  }

  @Override
  public void onCheckpoint(String uri, int step) {
    flush();
  }

  /** Writes the file (locally and to the store). */
  public void flush() {
    try {
      List<String> lines = new ArrayList<>();
      for (Entry e : entries) {
        lines.add(Json.MAPPER.writeValueAsString(e));
      }
      Files.write(local, lines, StandardCharsets.UTF_8);
      if (phase > 0) {
        store.put(key(runId, phase), local);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("metrics log: " + e.getMessage(), e);
    }
  }
}
