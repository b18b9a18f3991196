package io.prorl.engine.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A checkpoint store on a local or mounted file system. Files are copied to a temporary name and
 * moved into place, so a reader never sees half a file.
 */
public final class FileCheckpointStore implements CheckpointStore {
  private final Path root;

  public FileCheckpointStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  private static final int PUT_ATTEMPTS = 5;

  /** A store for a {@code file:} URI or a plain path. */
  public static FileCheckpointStore of(String uriOrPath) {
    return new FileCheckpointStore(
        uriOrPath.startsWith("file:") ? Path.of(URI.create(uriOrPath)) : Path.of(uriOrPath));
  }

  @Override
  public void put(String key, Path source) throws IOException {
    Path target = resolve(key);
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    // another writer's delete may prune the (then empty) folder between our creating it and
    // writing into it (createDirectories then fails with FileAlreadyExistsException, the copy with
    // NoSuchFileException): create it again, a bounded number of times
    for (int attempt = 1; ; attempt++) {
      try {
        Files.createDirectories(target.getParent());
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (FileAlreadyExistsException | NoSuchFileException prunedMeanwhile) {
        if (attempt == PUT_ATTEMPTS || !Files.exists(source)) {
          throw prunedMeanwhile;
        }
      }
    }
  }

  @Override
  public InputStream get(String key) throws IOException {
    Path p = resolve(key);
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(uri(key).toString());
    }
    return Files.newInputStream(p);
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(resolve(key));
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(k -> k.startsWith(prefix) && !k.endsWith(".tmp"))
          .sorted()
          .forEach(out::add);
    }
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    Path p = resolve(key);
    Files.deleteIfExists(p);
    // folders left empty go too, so a pruned checkpoint leaves no trace
    for (Path dir = p.getParent(); dir != null && !dir.equals(root); dir = dir.getParent()) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          break;
        }
      } catch (NoSuchFileException gone) {
        continue;
      }
      try {
        Files.deleteIfExists(dir);
      } catch (java.nio.file.DirectoryNotEmptyException refilled) {
        // another writer (e.g. the next holder of a run's lease) put a file there meanwhile
        break;
      }
    }
  }

  @Override
  public URI uri(String key) {
    return resolve(key).toUri();
  }

  private Path resolve(String key) {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("checkpoint key escapes the store root: " + key);
    }
    return p;
  }
}
