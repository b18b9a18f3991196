package io.prorl.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA set-up check on made-up environments: each missing piece is named, all present = ready.
 */
class DjlCudaSetupTest {
  @TempDir Path dir;

  private Map<String, String> complete() throws IOException {
    Path lib = Files.createDirectories(dir.resolve("libtorch/lib"));
    Files.writeString(lib.resolve("libtorch.so"), "");
    Files.writeString(lib.resolve("libtorch_cuda.so"), "");
    Path cuda = Files.createDirectories(dir.resolve("cuda/lib64"));
    Files.writeString(cuda.resolve("libcudart.so.12"), "");
    Map<String, String> env = new HashMap<>();
    env.put("PYTORCH_LIBRARY_PATH", lib.toString());
    env.put("PYTORCH_FLAVOR", "cu128");
    env.put("LD_LIBRARY_PATH", lib + ":" + cuda);
    return env;
  }

  private static DjlCudaSetup.Check check(Map<String, String> env, boolean bridge) {
    return DjlCudaSetup.check(env::get, bridge, List.of());
  }

  @Test
  void theDocumentedSetUpIsReady() throws IOException {
    DjlCudaSetup.Check c = check(complete(), true);
    assertThat(c.problems()).isEmpty();
    assertThat(c.ready()).isTrue();
  }

  @Test
  void thisBuildShipsTheCudaBridgeDjlWouldLookFor() {
    assertThat(DjlCudaSetup.class.getClassLoader().getResource(DjlCudaSetup.BRIDGE)).isNotNull();
  }

  @Test
  void eachMissingPieceIsNamed() throws IOException {
    Map<String, String> env = complete();
    env.remove("PYTORCH_FLAVOR");
    assertThat(check(env, true).problems())
        .singleElement()
        .asString()
        .contains("PYTORCH_FLAVOR is not set", "cu128");

    env = complete();
    env.put("PYTORCH_VERSION", "2.5.1");
    assertThat(check(env, true).problems()).singleElement().asString().contains("'2.5.1'");

    env = complete();
    env.remove("PYTORCH_LIBRARY_PATH");
    assertThat(check(env, true).problems())
        .singleElement()
        .asString()
        .contains("PYTORCH_LIBRARY_PATH is not set");

    env = complete();
    Files.delete(Path.of(env.get("PYTORCH_LIBRARY_PATH"), "libtorch_cuda.so"));
    assertThat(check(env, true).problems()).singleElement().asString().contains("CPU-only");

    env = complete();
    env.put("LD_LIBRARY_PATH", env.get("PYTORCH_LIBRARY_PATH"));
    assertThat(check(env, true).problems()).singleElement().asString().contains("libcudart.so");

    assertThat(check(complete(), false).problems())
        .singleElement()
        .asString()
        .contains("pytorch-jni");
  }

  @Test
  void thisCpuMachineIsNotReadyAndSaysWhy() {
    // CI has no CUDA libtorch: the check must say so rather than pass
    DjlCudaSetup.Check c = DjlCudaSetup.current();
    if (System.getenv("PYTORCH_LIBRARY_PATH") == null) {
      assertThat(c.ready()).isFalse();
      assertThat(c.problems()).anyMatch(p -> p.startsWith("PYTORCH_LIBRARY_PATH is not set"));
    }
  }
}
