package io.prorl.engine.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The safetensors file format, read and written in Java: an 8-byte little-endian header length, a
 * JSON header ({@code name -> {dtype, shape, data_offsets}}, optional {@code __metadata__}), then
 * little-endian tensor data. F32, F16 and BF16 are read into fp32 (DJL's PyTorch engine cannot hold
 * bf16 on the CPU); files are written in F32 or BF16. Tensors are kept as Java float arrays so the
 * format never depends on the tensor library.
 */
public final class SafeTensors {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long MAX_HEADER = 100L << 20;

  private SafeTensors() {}

  /** A tensor in fp32 with its shape. */
  public record Tensor(long[] shape, float[] data) {
    public Tensor {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      if (n != data.length) {
        throw new IllegalArgumentException(
            "shape "
                + java.util.Arrays.toString(shape)
                + " holds "
                + n
                + " values, not "
                + data.length);
      }
    }
  }

  /** The on-disk element types this project reads and writes. */
  public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    final int bytes;

    /**
     * {@code bf16}, {@code f16} or {@code f32}, as commands and tasks write a dtype.
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static DType parse(String name) {
      return switch (name) {
        case "bf16" -> BF16;
        case "f16" -> F16;
        case "f32" -> F32;
        default ->
            throw new IllegalArgumentException("must be bf16, f16 or f32, got '" + name + "'");
      };
    }

    DType(int bytes) {
      this.bytes = bytes;
    }
  }

  /** Reads every tensor, in the header's order; names as in the file. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    try (Lazy lazy = new Lazy(file)) {
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (String name : lazy.names()) {
        out.put(name, lazy.get(name));
      }
      return out;
    }
  }

  /** Where a tensor's data lies in a file, checked against its dtype, shape and the file. */
  private record Entry(DType dtype, long[] shape, long begin, long end, int count) {}

  /**
   * A file whose header is read and checked at once and whose tensors are read one at a time, on
   * request: loading a model through it holds one tensor's data in Java at a time.
   */
  public static final class Lazy implements AutoCloseable {
    /** Bytes read from the file at a time by {@link #readFp32}. */
    static final int CHUNK = 8 << 20;

    private final Path file;
    private final FileChannel ch;
    private final long dataStart;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public Lazy(Path file) throws IOException {
      this.file = file;
      this.ch = FileChannel.open(file, StandardOpenOption.READ);
      try {
        this.dataStart = header();
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    }

    /** The tensors' names, in the header's order. */
    public java.util.Set<String> names() {
      return java.util.Collections.unmodifiableSet(entries.keySet());
    }

    /** The tensor, read from the file now; null when the file has none of that name. */
    public Tensor get(String name) throws IOException {
      Entry e = entries.get(name);
      if (e == null) {
        return null;
      }
      ByteBuffer raw =
          ByteBuffer.allocate((int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, raw, dataStart + e.begin(), file);
      raw.flip();
      return new Tensor(e.shape(), decode(raw, e.dtype(), e.count()));
    }

    /** The file type of a tensor of this file. */
    public DType fileType(String name) {
      return entry(name).dtype();
    }

    /** The shape of a tensor of this file. */
    public long[] shape(String name) {
      return entry(name).shape().clone();
    }

    /** The bytes a tensor takes in the file. */
    public long byteSize(String name) {
      Entry e = entry(name);
      return e.end() - e.begin();
    }

    /**
     * Reads a tensor as little-endian fp32 into {@code target} from position 0, converting from the
     * file's type in chunks of {@link #CHUNK} bytes, so nothing but {@code target} holds the whole
     * tensor; {@code target} is left flipped over its values.
     */
    public void readFp32(String name, ByteBuffer target) throws IOException {
      Entry e = entry(name);
      target.clear();
      target.limit(e.count() * 4);
      ByteBuffer chunk =
          ByteBuffer.allocate((int) Math.min(CHUNK, e.end() - e.begin()))
              .order(ByteOrder.LITTLE_ENDIAN);
      long at = dataStart + e.begin();
      long left = e.end() - e.begin();
      while (left > 0) {
        chunk.clear();
        chunk.limit((int) Math.min(chunk.capacity(), left));
        readFully(ch, chunk, at, file);
        chunk.flip();
        at += chunk.remaining();
        left -= chunk.remaining();
        switch (e.dtype()) {
          case F32 -> target.put(chunk);
          case F16 -> {
            while (chunk.hasRemaining()) {
              target.putFloat(Float.float16ToFloat(chunk.getShort()));
            }
          }
          case BF16 -> {
            while (chunk.hasRemaining()) {
              target.putFloat(Float.intBitsToFloat((chunk.getShort() & 0xFFFF) << 16));
            }
          }
        }
      }
      target.flip();
    }

    /** Values of a tensor of this file. */
    public int count(String name) {
      return entry(name).count();
    }

    private Entry entry(String name) {
      Entry e = entries.get(name);
      if (e == null) {
        throw new IllegalArgumentException(file + " has no tensor " + name);
      }
      return e;
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }

    /** Reads and checks the header; returns where the data starts. */
    private long header() throws IOException {
      long size = ch.size();
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
        throw new IOException(file + ": not a safetensors file (header length " + headerLen + ")");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
      readFully(ch, headerBuf, 8, file);
      JsonNode header;
      try {
        header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
      } catch (tools.jackson.core.JacksonException e) {
        throw new IOException(file + ": header is not JSON: " + e.getOriginalMessage(), e);
      }
      if (header == null || !header.isObject()) {
        throw new IOException(file + ": header is not a JSON object");
      }
      long start = 8 + headerLen;
      for (Map.Entry<String, JsonNode> e : header.properties()) {
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        String name = e.getKey();
        JsonNode info = e.getValue();
        JsonNode offsets = info.path("data_offsets");
        if (!info.path("dtype").isString()
            || !info.path("shape").isArray()
            || !offsets.isArray()
            || offsets.size() != 2
            || !offsets.get(0).isIntegralNumber()
            || !offsets.get(1).isIntegralNumber()) {
          throw new IOException(
              file + ": tensor " + name + " needs a dtype, a shape and two integer data_offsets");
        }
        DType dtype = dtype(info.path("dtype").asString(), name, file);
        long[] shape = new long[info.path("shape").size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
          JsonNode d = info.path("shape").get(i);
          shape[i] = d.isIntegralNumber() ? d.asLong() : -1;
          if (shape[i] < 0 || shape[i] > Integer.MAX_VALUE) {
            throw new IOException(
                file + ": tensor " + name + " has a bad shape " + info.path("shape"));
          }
          // both factors are at most 2^31, so the product fits a long; capped just above an int
          count = Math.min(count * shape[i], Integer.MAX_VALUE + 1L);
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (count > Integer.MAX_VALUE / dtype.bytes
            || end - begin != count * dtype.bytes
            || begin < 0
            || end > size - start) {
          throw new IOException(
              file
                  + ": tensor "
                  + name
                  + " has offsets "
                  + begin
                  + ".."
                  + end
                  + " that do not fit its shape and dtype or the file");
        }
        entries.put(name, new Entry(dtype, shape, begin, end, (int) count));
      }
      return start;
    }
  }

  /**
   * Writes the tensors in the given order, data 8-byte aligned, with {@code format: pt} metadata.
   * F16 and BF16 round to nearest even.
   */
  public static void write(Map<String, Tensor> tensors, DType dtype, Path file) throws IOException {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    tensors.forEach((name, t) -> shapes.put(name, t.shape()));
    try (Writer w = new Writer(file, shapes, dtype)) {
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        w.put(e.getKey(), e.getValue().data());
      }
    }
  }

  /** Bytes a tensor of {@code shape} takes in {@code dtype}. */
  public static long bytes(long[] shape, DType dtype) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n * dtype.bytes;
  }

  /**
   * A file written one tensor at a time, so no more than one tensor's data is in memory: the header
   * (every name, shape and offset) first, then each tensor's data, in the order of {@code shapes}.
   */
  public static final class Writer implements AutoCloseable {
    private final OutputStream out;
    private final List<Map.Entry<String, long[]>> order;
    private final DType dtype;
    private final Path file;
    private int next;

    public Writer(Path file, Map<String, long[]> shapes, DType dtype) throws IOException {
      this.file = file;
      this.dtype = dtype;
      this.order = new ArrayList<>(shapes.entrySet());
      ObjectNode header = JSON.createObjectNode();
      header.putObject("__metadata__").put("format", "pt");
      long offset = 0;
      for (Map.Entry<String, long[]> e : order) {
        ObjectNode info = header.putObject(e.getKey());
        info.put("dtype", dtype.name());
        var shape = info.putArray("shape");
        for (long d : e.getValue()) {
          shape.add(d);
        }
        long bytes = bytes(e.getValue(), dtype);
        info.putArray("data_offsets").add(offset).add(offset + bytes);
        offset += bytes;
      }
      byte[] headerBytes = JSON.writeValueAsBytes(header);
      int padded = (headerBytes.length + 7) / 8 * 8;
      out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(headerBytes);
      for (int i = headerBytes.length; i < padded; i++) {
        out.write(' ');
      }
    }

    /** Writes the next tensor's data; names must come in the header's order. */
    public void put(String name, float[] data) throws IOException {
      if (next >= order.size() || !order.get(next).getKey().equals(name)) {
        throw new IllegalStateException(
            file
                + ": tensor "
                + name
                + " written out of order; expected "
                + (next < order.size() ? order.get(next).getKey() : "no more tensors"));
      }
      long expected = bytes(order.get(next).getValue(), DType.F32) / DType.F32.bytes;
      if (data.length != expected) {
        throw new IllegalArgumentException(
            file + ": tensor " + name + " has " + data.length + " values, its shape " + expected);
      }
      out.write(encode(data, dtype));
      next++;
    }

    @Override
    public void close() throws IOException {
      out.close();
      if (next != order.size()) {
        throw new IOException(
            file
                + ": closed after "
                + next
                + " of "
                + order.size()
                + " tensors; the file is short");
      }
    }
  }

  /** Reads a whole stream into a temporary file first; for sources that are not files. */
  public static Map<String, Tensor> read(InputStream in) throws IOException {
    Path tmp = Files.createTempFile("prorl", ".safetensors");
    try {
      Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return read(tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static DType dtype(String name, String tensor, Path file) throws IOException {
    try {
      return DType.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          file + ": tensor " + tensor + " has dtype " + name + "; only F32, F16 and BF16 are read");
    }
  }

  private static float[] decode(ByteBuffer raw, DType dtype, int count) {
    float[] out = new float[count];
    switch (dtype) {
      case F32 -> raw.asFloatBuffer().get(out);
      case F16 -> {
        for (int i = 0; i < count; i++) {
          out[i] = Float.float16ToFloat(raw.getShort());
        }
      }
      case BF16 -> {
        // bf16 is the top 16 bits of an fp32
        for (int i = 0; i < count; i++) {
          out[i] = Float.intBitsToFloat((raw.getShort() & 0xFFFF) << 16);
        }
      }
    }
    return out;
  }

  private static byte[] encode(float[] data, DType dtype) {
    ByteBuffer buf = ByteBuffer.allocate(data.length * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case F32 -> buf.asFloatBuffer().put(data);
      case F16 -> {
        for (float f : data) {
          buf.putShort(Float.floatToFloat16(f));
        }
      }
      case BF16 -> {
        for (float f : data) {
          buf.putShort(toBf16(f));
        }
      }
    }
    return buf.array();
  }

  /** Round-to-nearest-even of fp32 to bf16 (NaN stays NaN). */
  static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file)
      throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException(file + ": truncated safetensors file");
      }
      pos += n;
    }
  }
}
