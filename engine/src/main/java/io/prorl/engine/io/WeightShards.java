package io.prorl.engine.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Weights split into files as Hugging Face's {@code save_pretrained} splits them: tensors in order,
 * a new shard when the next tensor would take the current one past {@code maxShardBytes} (a tensor
 * larger than that alone gets a shard of its own); one shard is {@code model.safetensors}, several
 * are {@code model-0000k-of-0000n.safetensors} with {@code model.safetensors.index.json} ({@code
 * metadata.total_size}, the tensors' bytes, and {@code weight_map}, tensor -> file).
 */
public final class WeightShards {
  /** HF's default {@code max_shard_size}, "5GB": 5 * 10^9 bytes. */
  public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KB|MB|GB|KIB|MIB|GIB)");

  private WeightShards() {}

  /**
   * A size as HF writes it: {@code 5GB} (10^9), {@code 500MB}, {@code 2GiB} (2^30), or bytes.
   *
   * @throws IllegalArgumentException naming the value
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "max shard size must look like 5GB, 500MB, 2GiB or a number of bytes, got '"
              + text
              + "'");
    }
    long n = Long.parseLong(m.group(1));
    long unit =
        switch (m.group(2)) {
          case "KB" -> 1_000L;
          case "MB" -> 1_000_000L;
          case "GB" -> 1_000_000_000L;
          case "KIB" -> 1L << 10;
          case "MIB" -> 1L << 20;
          case "GIB" -> 1L << 30;
          default -> 1L;
        };
    if (n <= 0) {
      throw new IllegalArgumentException("max shard size must be positive, got '" + text + "'");
    }
    return Math.multiplyExact(n, unit);
  }

  /** The shards' tensor names, in order, for {@code layout} at {@code dtype}. */
  public static List<List<String>> plan(
      Map<String, long[]> layout, SafeTensors.DType dtype, long maxShardBytes) {
    List<List<String>> shards = new ArrayList<>();
    List<String> current = new ArrayList<>();
    long size = 0;
    for (Map.Entry<String, long[]> e : layout.entrySet()) {
      long bytes = SafeTensors.bytes(e.getValue(), dtype);
      if (!current.isEmpty() && size + bytes > maxShardBytes) {
        shards.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(e.getKey());
      size += bytes;
    }
    if (!current.isEmpty()) {
      shards.add(current);
    }
    return shards;
  }

  /**
   * Writes {@code layout}'s tensors into a directory as they are put, in layout order, one tensor
   * in memory at a time; {@link #close} writes the index when there are several shards.
   */
  public static final class Writer implements AutoCloseable {
    private final Map<String, long[]> layout;
    private final SafeTensors.DType dtype;
    private final Path dir;
    private final List<List<String>> shards;
    private final Map<String, String> weightMap = new LinkedHashMap<>();
    private final List<Path> written = new ArrayList<>();
    private final Consumer<String> log;
    private SafeTensors.Writer current;
    private int shard = -1;
    private int inShard;
    private long total;
    private boolean closed;

    /**
     * @param log a line per shard written
     */
    public Writer(
        Map<String, long[]> layout,
        SafeTensors.DType dtype,
        long maxShardBytes,
        Path dir,
        Consumer<String> log)
        throws IOException {
      this.layout = layout;
      this.dtype = dtype;
      this.dir = dir;
      this.log = log;
      this.shards = plan(layout, dtype, maxShardBytes);
      Files.createDirectories(dir);
      for (int k = 0; k < shards.size(); k++) {
        for (String name : shards.get(k)) {
          weightMap.put(name, fileName(k));
        }
      }
    }

    private String fileName(int k) {
      return shards.size() == 1
          ? HfModelDir.WEIGHTS
          : String.format("model-%05d-of-%05d.safetensors", k + 1, shards.size());
    }

    /** The next tensor of the layout. */
    public void put(String name, float[] data) throws IOException {
      if (current == null || inShard == shards.get(shard).size()) {
        finishShard();
        shard++;
        if (shard >= shards.size()) {
          throw new IllegalStateException(
              "tensor " + name + " is not in the layout (or came twice)");
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String n : shards.get(shard)) {
          shapes.put(n, layout.get(n));
        }
        current = new SafeTensors.Writer(dir.resolve(fileName(shard)), shapes, dtype);
        inShard = 0;
      }
      current.put(name, data);
      total += SafeTensors.bytes(layout.get(name), dtype);
      inShard++;
    }

    private void finishShard() throws IOException {
      if (current != null) {
        current.close();
        current = null;
        Path path = dir.resolve(fileName(shard));
        written.add(path);
        log.accept(String.format("wrote %s (%d of %d)", path, shard + 1, shards.size()));
      }
    }

    /** The files written: the shards, then the index if any. */
    public List<Path> files() {
      return List.copyOf(written);
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      finishShard();
      if (written.size() != shards.size()) {
        throw new IOException(
            dir + ": " + written.size() + " of " + shards.size() + " weight files written");
      }
      if (shards.size() > 1) {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        Path path = dir.resolve(HfModelDir.WEIGHTS_INDEX);
        Files.writeString(
            path, json.writerWithDefaultPrettyPrinter().writeValueAsString(index) + "\n");
        written.add(path);
      }
    }
  }
}
