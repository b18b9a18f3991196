package io.prorl.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based fuzzing (jqwik, fixed seed, bounded tries) of the safetensors reader, which reads
 * weights from wherever a flow points: a valid file with bytes flipped, cut short, or its 8-byte
 * header length replaced by a lie either reads or fails with an IOException naming the file - never
 * another exception, never an allocation the header length asked for.
 */
class SafeTensorsFuzzTest {
  private static final byte[] VALID = valid();

  private static byte[] valid() {
    try {
      Path f = Files.createTempFile("valid", ".safetensors");
      Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
      tensors.put("a.weight", new SafeTensors.Tensor(new long[] {2, 3}, new float[6]));
      tensors.put("b.bias", new SafeTensors.Tensor(new long[] {4}, new float[] {1, 2, 3, 4}));
      SafeTensors.write(tensors, SafeTensors.DType.F32, f);
      byte[] bytes = Files.readAllBytes(f);
      Files.delete(f);
      return bytes;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Provide
  Arbitrary<byte[]> damaged() {
    Arbitrary<byte[]> flipped =
        Arbitraries.integers()
            .between(0, VALID.length - 1)
            .list()
            .ofMinSize(1)
            .ofMaxSize(6)
            .map(positions -> {
              byte[] out = VALID.clone();
              for (int p : positions) {
                out[p] = (byte) (out[p] ^ (1 << (p % 8)));
              }
              return out;
            });
    Arbitrary<byte[]> cut =
        Arbitraries.integers()
            .between(0, VALID.length - 1)
            .map(n -> java.util.Arrays.copyOf(VALID, n));
    Arbitrary<byte[]> lyingLength =
        Arbitraries.longs()
            .map(len -> {
              byte[] out = VALID.clone();
              ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, len);
              return out;
            });
    return Arbitraries.oneOf(flipped, cut, lyingLength);
  }

  @Property(tries = 400, seed = "20261202")
  void aDamagedFileReadsOrFailsNamingTheFile(@ForAll("damaged") byte[] bytes) throws IOException {
    Path f = Files.createTempFile("fuzz", ".safetensors");
    try {
      Files.write(f, bytes);
      try {
        assertThat(SafeTensors.read(f)).isNotNull();
      } catch (IOException expected) {
        assertThat(expected.getMessage()).startsWith(f.toString());
      }
    } finally {
      Files.delete(f);
    }
  }
}
