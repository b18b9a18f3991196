package io.prorl.engine.tracking;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Delivers spooled operations to the tracking server on its own thread, in order, so training never
 * waits on the network. Runs are resolved by key (looked up first, created when missing, parents
 * before children). Per kind of failure ({@link MlflowApi.Failure.Kind}): while the server is
 * unreachable, throttles or fails everything (5xx), the courier waits with a growing pause (up to
 * 30 s) and tries again, keeping everything on disk; an operation refused for itself (4xx, or a 5xx
 * {@link #SERVER_ERROR_ATTEMPTS} times in a row while other calls succeed) is set aside in the
 * spool's rejected file and delivery goes on; refused credentials (401/403) stop delivery with
 * everything kept in the spool.
 */
final class Courier implements Runnable {
  static final long FIRST_PAUSE_MILLIS = 250;
  static final long MAX_PAUSE_MILLIS = 30_000;

  /** A 5xx this many times in a row for one operation, while other calls succeed: set aside. */
  static final int SERVER_ERROR_ATTEMPTS = 5;

  private final MlflowApi api;
  private final List<Spool> spools;
  private final ArtifactWriter artifacts;
  private final TrackingLog log;
  private final Map<String, String> experiments = new HashMap<>();
  private final Map<String, MlflowApi.RunRef> runs = new HashMap<>();
  private final Map<String, String> versions = new LinkedHashMap<>();
  private volatile boolean draining;
  private volatile boolean unreachable;
  private volatile String lastProblem;
  private int rejected;
  private int serverErrors;

  /**
   * @param spools delivered in this order: leftovers from earlier tasks first, the live spool last
   */
  Courier(MlflowApi api, List<Spool> spools, ArtifactWriter artifacts, TrackingLog log) {
    this.api = api;
    this.spools = List.copyOf(spools);
    this.artifacts = artifacts;
    this.log = log;
  }

  /** Ask the thread to stop once every spool is empty. */
  void drainAndStop() {
    draining = true;
    synchronized (this) {
      notifyAll();
    }
    for (Spool s : spools) {
      synchronized (s) {
        s.notifyAll();
      }
    }
  }

  int pending() {
    return spools.stream().mapToInt(Spool::pending).sum();
  }

  int rejected() {
    return rejected;
  }

  boolean unreachable() {
    return unreachable;
  }

  String lastProblem() {
    return lastProblem;
  }

  /** Model name -> version registered by this courier. */
  synchronized Map<String, String> versions() {
    return Map.copyOf(versions);
  }

  /** The server id of a run, once the courier has resolved it. */
  synchronized Optional<MlflowApi.RunRef> resolved(String key) {
    return Optional.ofNullable(runs.get(key));
  }

  @Override
  public void run() {
    long pause = FIRST_PAUSE_MILLIS;
    try {
      while (true) {
        Optional<Spool> next = spools.stream().filter(s -> s.pending() > 0).findFirst();
        if (next.isEmpty()) {
          if (draining) {
            return;
          }
          spools.get(spools.size() - 1).awaitMore(500);
          continue;
        }
        Spool spool = next.get();
        TrackingOp op = spool.peek().orElseThrow();
        try {
          deliver(op);
          spool.advance();
          serverErrors = 0;
          if (unreachable) {
            log.info(
                "MLflow reachable again; sending the "
                    + pending()
                    + " operations still buffered on disk");
          }
          unreachable = false;
          pause = FIRST_PAUSE_MILLIS;
        } catch (MlflowApi.Failure e) {
          lastProblem = e.getMessage();
          switch (e.kind()) {
            case REFUSED -> setAside(spool, op, e.getMessage());
            case UNAUTHORIZED -> {
              stopForCredentials(e);
              return;
            }
            case SERVER_ERROR -> {
              serverErrors++;
              if (serverErrors >= SERVER_ERROR_ATTEMPTS && answersOtherCalls(op)) {
                setAside(
                    spool,
                    op,
                    e.getMessage()
                        + " ("
                        + serverErrors
                        + " times in a row, while the server answered other calls)");
                serverErrors = 0;
                pause = FIRST_PAUSE_MILLIS;
              } else {
                pause = waitOut(e.getMessage(), spool, pause);
              }
            }
            case UNREACHABLE, THROTTLED -> pause = waitOut(e.getMessage(), spool, pause);
          }
        } catch (IOException e) {
          lastProblem = e.toString();
          if (!unreachable) {
            log.warn("artifact upload failed (" + e + "); retrying");
          }
          unreachable = true;
          pause = sleep(pause);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      lastProblem = e.toString();
      log.warn("MLflow delivery stopped: " + e + "; what is left stays in the spool");
    }
  }

  /** An operation that can never succeed goes to the spool's rejected file; delivery goes on. */
  private void setAside(Spool spool, TrackingOp op, String why) throws IOException {
    rejected++;
    spool.reject(op, why);
    log.warn(
        "MLflow refused a "
            + describe(op)
            + ": "
            + why
            + " (kept in "
            + spool.rejectedFile()
            + ")");
  }

  /**
   * The server refuses the credentials: every later call would be refused too, so delivery stops
   * with everything still in the spool, for the next tracked task that has working credentials.
   */
  private void stopForCredentials(MlflowApi.Failure e) {
    lastProblem = "credentials refused: " + e.getMessage();
    log.warn(
        "MLflow refused the credentials ("
            + e.getMessage()
            + "); delivery stops, nothing is set aside: the "
            + pending()
            + " operations stay in "
            + spools.get(spools.size() - 1).file().getParent()
            + " and the next tracked task with working credentials sends them");
  }

  /** Outage: the operation stays first in line; wait, then try it again. */
  private long waitOut(String problem, Spool spool, long pause) throws InterruptedException {
    if (!unreachable) {
      log.warn(
          "MLflow unreachable ("
              + problem
              + "); buffering on disk in "
              + spool.file().getParent()
              + " and retrying");
    }
    unreachable = true;
    return sleep(pause);
  }

  private long sleep(long pause) throws InterruptedException {
    synchronized (this) {
      wait(pause);
    }
    return Math.min(MAX_PAUSE_MILLIS, pause * 2);
  }

  /** Whether a cheap call succeeds: a 5xx that only this operation meets is not an outage. */
  private boolean answersOtherCalls(TrackingOp op) {
    try {
      api.experimentId(op.run().experiment());
      return true;
    } catch (MlflowApi.Failure e) {
      return false;
    }
  }

  private void deliver(TrackingOp op) throws IOException {
    MlflowApi.RunRef run = resolve(op.run(), op.timeMillis());
    switch (op) {
      case TrackingOp.Start s -> api.setStatus(run.runId(), "RUNNING", null);
      case TrackingOp.Log l -> api.logBatch(run.runId(), l.params(), l.metrics(), l.tags());
      case TrackingOp.End e -> api.setStatus(run.runId(), e.status(), e.timeMillis());
      case TrackingOp.Register r -> {
        String version = api.registerModelVersion(r.model(), r.source(), run.runId(), r.tags());
        synchronized (this) {
          versions.put(r.model(), version);
        }
        log.info("registered " + r.source() + " as " + r.model() + " version " + version);
      }
      case TrackingOp.Artifact a ->
          artifacts.write(run.artifactUri(), a.path(), java.nio.file.Path.of(a.file()));
    }
  }

  /** The server's run for a tracked run: found by its key tag, else created (parent first). */
  private MlflowApi.RunRef resolve(TrackedRun run, long timeMillis) {
    MlflowApi.RunRef known;
    synchronized (this) {
      known = runs.get(run.key());
    }
    if (known != null) {
      return known;
    }
    String experimentId = experiments.computeIfAbsent(run.experiment(), api::experimentId);
    MlflowApi.RunRef ref =
        api.findRun(experimentId, TrackedRun.KEY_TAG, run.key())
            .orElseGet(() -> {
              Map<String, String> tags = new LinkedHashMap<>(run.tags());
              tags.put(TrackedRun.KEY_TAG, run.key());
              tags.put(TrackedRun.NAME_TAG, run.name());
              if (run.parent() != null) {
                tags.put(TrackedRun.PARENT_TAG, resolve(run.parent(), timeMillis).runId());
              }
              return api.createRun(experimentId, run.name(), timeMillis, tags);
            });
    synchronized (this) {
      runs.put(run.key(), ref);
    }
    return ref;
  }

  private static String describe(TrackingOp op) {
    return op.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
        + " of run "
        + op.run().key();
  }
}
