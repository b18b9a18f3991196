package io.prorl.engine.checkpoint;

/**
 * Where a checkpoint sits in the layout of docs/DESIGN.md: {@code <run>/phase-0003/step-000450/}.
 *
 * @param runId the training run
 * @param phase the phase, from 1; phase 0 holds the run's base policy (e.g. after a warm start)
 * @param step the step within the phase (0 = the policy the phase started from)
 */
public record CheckpointId(String runId, int phase, int step) implements Comparable<CheckpointId> {

  public CheckpointId {
    if (runId == null || runId.isBlank() || runId.contains("/") || runId.contains("..")) {
      throw new IllegalArgumentException("run id must be a plain name, got '" + runId + "'");
    }
    if (phase < 0 || step < 0) {
      throw new IllegalArgumentException("phase >= 0 and step >= 0, got " + phase + ", " + step);
    }
  }

  /** The folder key, ending in '/'. */
  public String prefix() {
    return String.format("%s/phase-%04d/step-%06d/", runId, phase, step);
  }

  /** Parses the folder part of a key such as {@code run/phase-0001/step-000010/MANIFEST.json}. */
  public static CheckpointId parse(String key) {
    String[] parts = key.split("/");
    if (parts.length < 3 || !parts[1].startsWith("phase-") || !parts[2].startsWith("step-")) {
      throw new IllegalArgumentException("not a checkpoint key: " + key);
    }
    return new CheckpointId(
        parts[0],
        Integer.parseInt(parts[1].substring("phase-".length())),
        Integer.parseInt(parts[2].substring("step-".length())));
  }

  @Override
  public int compareTo(CheckpointId o) {
    int c = Integer.compare(phase, o.phase);
    return c != 0 ? c : Integer.compare(step, o.step);
  }
}
