package io.prorl.engine.tracking;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * MLflow tracking that never loses data and never stops training: every call appends to a spool on
 * disk and returns; a courier thread delivers in order, waiting out an unreachable server. Spools
 * that earlier tasks on this machine left undelivered (the server was down when they ended) are
 * claimed and sent first. {@link #close()} waits up to the flush timeout; what is still undelivered
 * then stays on disk for the next tracker, and fails the task only when {@code required} is set.
 */
public final class Tracker implements AutoCloseable {
  private final MlflowSettings settings;
  private final MlflowApi api;
  private final Spool spool;
  private final List<Spool> leftovers;
  private final Courier courier;
  private final Thread thread;
  private final TrackingLog log;
  private final LongSupplier clock;

  private Tracker(
      MlflowSettings settings,
      MlflowApi api,
      Spool spool,
      List<Spool> leftovers,
      TrackingLog log,
      LongSupplier clock) {
    this.settings = settings;
    this.api = api;
    this.spool = spool;
    this.leftovers = leftovers;
    this.log = log;
    this.clock = clock;
    List<Spool> order = new ArrayList<>(leftovers);
    order.add(spool);
    this.courier = new Courier(api, order, new ArtifactWriter(settings), log);
    this.thread = Thread.ofPlatform().daemon().name("mlflow-courier").unstarted(courier);
  }

  /** A tracker on MLflow's Java client. */
  public static Tracker open(MlflowSettings settings, TrackingLog log) throws IOException {
    return open(settings, new MlflowClientApi(settings), log, System::currentTimeMillis);
  }

  /** A tracker on a given API (tests use this to put a failing server behind it). */
  static Tracker open(MlflowSettings settings, MlflowApi api, TrackingLog log, LongSupplier clock)
      throws IOException {
    Spool spool = Spool.create(settings.spoolDir(), settings.trackingUri());
    List<Spool> leftovers = new ArrayList<>();
    for (Path file : Spool.list(settings.spoolDir())) {
      if (!file.equals(spool.file())) {
        Spool.claim(file, settings.trackingUri())
            .filter(s -> s.pending() > 0 || closeQuietly(s))
            .ifPresent(leftovers::add);
      }
    }
    int waiting = leftovers.stream().mapToInt(Spool::pending).sum();
    if (waiting > 0) {
      log.info(
          waiting
              + " tracking operations left undelivered by earlier tasks found in "
              + settings.spoolDir()
              + "; sending them first");
    }
    Tracker t = new Tracker(settings, api, spool, leftovers, log, clock);
    t.thread.start();
    return t;
  }

  private static boolean closeQuietly(Spool s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // an empty leftover that could not be deleted is harmless
    }
    return false;
  }

  public MlflowSettings settings() {
    return settings;
  }

  /** Creates the run if needed and marks it RUNNING (again, for a retried task). */
  public void start(TrackedRun run) throws IOException {
    spool.append(new TrackingOp.Start(run, clock.getAsLong()));
  }

  public void logParams(TrackedRun run, Map<String, String> params) throws IOException {
    spool.append(new TrackingOp.Log(run, clock.getAsLong(), params, List.of(), Map.of()));
  }

  public void setTags(TrackedRun run, Map<String, String> tags) throws IOException {
    spool.append(new TrackingOp.Log(run, clock.getAsLong(), Map.of(), List.of(), tags));
  }

  /** Metrics of one step, all with the same step number and timestamp. */
  public void logMetrics(TrackedRun run, long step, Map<String, Double> values) throws IOException {
    long now = clock.getAsLong();
    List<TrackingOp.MetricPoint> points = new ArrayList<>();
    values.forEach((k, v) -> points.add(new TrackingOp.MetricPoint(k, v, step, now)));
    spool.append(new TrackingOp.Log(run, now, Map.of(), points, Map.of()));
  }

  /**
   * @param status FINISHED, FAILED or KILLED
   */
  public void end(TrackedRun run, String status) throws IOException {
    if (!List.of("FINISHED", "FAILED", "KILLED").contains(status)) {
      throw new IllegalArgumentException("status must be FINISHED, FAILED or KILLED: " + status);
    }
    spool.append(new TrackingOp.End(run, clock.getAsLong(), status));
  }

  /**
   * Registers a checkpoint URI as a version of {@code model}, produced by {@code run}. A source on
   * the local file system ({@code file:} or a bare path) is not sent: MLflow's server refuses it (a
   * local model-version source must lie inside the run's own artifact directory), so it is logged
   * as not registered and false is returned; the caller keeps the URI in a run tag.
   */
  public boolean registerModel(
      TrackedRun run, String model, String source, Map<String, String> tags) throws IOException {
    if (isLocal(source)) {
      log.warn(
          "model "
              + model
              + ": "
              + source
              + " is not registered: MLflow's model registry refuses a source on the local file"
              + " system; the run keeps it in its tags. Checkpoints under an s3:// root can be"
              + " registered");
      return false;
    }
    spool.append(new TrackingOp.Register(run, clock.getAsLong(), model, source, tags));
    return true;
  }

  /** A URI on the local file system: {@code file:}, or a path without a scheme. */
  static boolean isLocal(String uri) {
    return uri.startsWith("file:") || !uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  }

  /** Writes a copy of {@code file} to {@code path} under the run's artifact location. */
  public void logArtifact(TrackedRun run, String path, Path file) throws IOException {
    Path copy = spool.keepFile(file, path.substring(path.lastIndexOf('/') + 1));
    spool.append(new TrackingOp.Artifact(run, clock.getAsLong(), path, copy.toString()));
  }

  /** The server's id of a run, once delivered. */
  public Optional<String> runId(TrackedRun run) {
    return courier.resolved(run.key()).map(MlflowApi.RunRef::runId);
  }

  /** Model versions registered through this tracker: model name -> version. */
  public Map<String, String> registeredVersions() {
    return courier.versions();
  }

  /** Operations not yet delivered (this tracker's and the leftovers it claimed). */
  public int pending() {
    return courier.pending();
  }

  /**
   * Delivers what is left (up to the flush timeout) and stops. Undelivered operations stay on disk
   * for the next tracker; with {@code required} set, they, or any refused operation, fail here.
   */
  @Override
  public void close() throws IOException {
    courier.drainAndStop();
    try {
      thread.join(settings.flushTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = courier.pending();
    int refused = courier.rejected();
    try {
      for (Spool s : leftovers) {
        s.close();
      }
      spool.close();
    } finally {
      api.close();
    }
    String problem = null;
    if (left > 0) {
      problem =
          left
              + " tracking operations not delivered to "
              + settings.trackingUri()
              + " within "
              + settings.flushTimeout()
              + " ("
              + courier.lastProblem()
              + "); they stay in "
              + settings.spoolDir()
              + " and the next tracked task on this machine sends them";
    } else if (refused > 0) {
      problem =
          refused
              + " tracking operations were refused by "
              + settings.trackingUri()
              + " (last: "
              + courier.lastProblem()
              + "); see the *.rejected.jsonl files in "
              + settings.spoolDir();
    }
    if (problem != null) {
      if (settings.required()) {
        throw new IOException("MLflow tracking (mlflowRequired): " + problem);
      }
      log.warn(problem);
    }
  }
}
