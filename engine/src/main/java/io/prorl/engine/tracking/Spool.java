package io.prorl.engine.tracking;

import io.prorl.engine.io.FileTrees;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tracking operations waiting on disk for the server: an append-only JSONL file ({@code
 * <id>.jsonl}, first line a header naming the tracking server), a counter of the operations handed
 * over ({@code <id>.sent}, replaced atomically), copies of artifact files ({@code <id>.files/}) and
 * operations the server refused ({@code <id>.rejected.jsonl}). The owner holds a lock on the file;
 * a spool left by a task that ended before the server came back is unlocked and can be claimed.
 * Thread-safe: a training thread appends while the courier thread takes.
 */
final class Spool implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final String SUFFIX = ".jsonl";

  /** The first line of a spool file. */
  record Header(String format, String trackingUri) {
    static final String FORMAT = "prorl-mlflow-spool/1";
  }

  private final Path file;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final List<TrackingOp> ops = new ArrayList<>();
  private int sent;
  private BufferedWriter out;

  private Spool(Path file, FileChannel lockChannel, FileLock lock) {
    this.file = file;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** A new spool in {@code dir} for the given server. */
  static Spool create(Path dir, String trackingUri) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(UUID.randomUUID() + SUFFIX);
    Files.writeString(
        file,
        JSON.writeValueAsString(new Header(Header.FORMAT, trackingUri)) + "\n",
        StandardCharsets.UTF_8);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
    Spool s = new Spool(file, ch, ch.lock());
    s.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    return s;
  }

  /**
   * Claims a spool another tracker left, when it belongs to the same server and nobody holds it.
   * Returns empty for a spool of another server, one still in use, or one already fully sent.
   */
  static Optional<Spool> claim(Path file, String trackingUri) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.WRITE);
    } catch (java.nio.file.NoSuchFileException gone) {
      return Optional.empty();
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException heldHere) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      return Optional.empty();
    }
    Spool s = new Spool(file, ch, lock);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Header h = lines.isEmpty() ? null : JSON.readValue(lines.get(0), Header.class);
    if (h == null || !trackingUri.equals(h.trackingUri())) {
      s.release();
      return Optional.empty();
    }
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        s.ops.add(JSON.readValue(line, TrackingOp.class));
      }
    }
    Path sentFile = s.sibling(".sent");
    s.sent = Files.exists(sentFile) ? Integer.parseInt(Files.readString(sentFile).trim()) : 0;
    s.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    return Optional.of(s);
  }

  /** The spool files in a folder (owned or not). */
  static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(SUFFIX))
          .filter(p -> !p.getFileName().toString().endsWith(".rejected" + SUFFIX))
          .sorted()
          .toList();
    }
  }

  Path file() {
    return file;
  }

  /** Appends an operation and flushes it to disk before returning. */
  synchronized void append(TrackingOp op) throws IOException {
    out.write(JSON.writeValueAsString(op));
    out.newLine();
    out.flush();
    ops.add(op);
    notifyAll();
  }

  /** Keeps a copy of an artifact file until it is delivered; returns the copy's path. */
  Path keepFile(Path source, String name) throws IOException {
    Path dir = sibling(".files");
    Files.createDirectories(dir);
    Path copy = dir.resolve(UUID.randomUUID() + "-" + name.replaceAll("[^A-Za-z0-9._-]", "_"));
    Files.copy(source, copy);
    return copy;
  }

  /** The next operation not yet handed over, if any. */
  synchronized Optional<TrackingOp> peek() {
    return sent < ops.size() ? Optional.of(ops.get(sent)) : Optional.empty();
  }

  /** Waits up to {@code millis} for an operation to arrive. */
  synchronized void awaitMore(long millis) throws InterruptedException {
    if (sent >= ops.size()) {
      wait(millis);
    }
  }

  synchronized int pending() {
    return ops.size() - sent;
  }

  /**
   * The operation at the head was delivered (or set aside as rejected). Only the courier calls
   * this; the counter file is written outside the lock, so an append never waits on that I/O.
   */
  void advance() throws IOException {
    int count;
    synchronized (this) {
      count = ++sent;
    }
    Path tmp = sibling(".sent.tmp");
    Files.writeString(tmp, Integer.toString(count));
    Files.move(tmp, sibling(".sent"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** Records an operation the server refused, with its reason, then moves past it. */
  void reject(TrackingOp op, String reason) throws IOException {
    String line =
        JSON.writeValueAsString(
                java.util.Map.of(
                    "reason", reason, "op", JSON.valueToTree(op), "spool", file.toString()))
            + "\n";
    Files.writeString(
        rejectedFile(),
        line,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    advance();
  }

  Path rejectedFile() {
    return file.resolveSibling(file.getFileName().toString().replace(SUFFIX, ".rejected" + SUFFIX));
  }

  private Path sibling(String suffix) {
    return file.resolveSibling(file.getFileName().toString().replace(SUFFIX, suffix));
  }

  /**
   * Releases the spool: deleted when everything was handed over, else left on disk (unlocked) for a
   * later tracker to claim. The rejected file always stays for the user to read.
   */
  @Override
  public synchronized void close() throws IOException {
    out.close();
    boolean done = sent >= ops.size();
    release();
    if (done) {
      Files.deleteIfExists(sibling(".sent"));
      FileTrees.delete(sibling(".files"));
      Files.deleteIfExists(file);
    }
  }

  private void release() throws IOException {
    if (lock.isValid()) {
      lock.release();
    }
    lockChannel.close();
  }
}
