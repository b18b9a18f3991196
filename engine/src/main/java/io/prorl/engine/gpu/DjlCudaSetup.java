package io.prorl.engine.gpu;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Would DJL 0.36 load a CUDA libtorch on this machine? Checks, without loading anything, what DJL's
 * {@code LibUtils} looks at (docs/GPU.md): {@code PYTORCH_LIBRARY_PATH} naming a directory with a
 * CUDA build of libtorch ({@code libtorch.so} and {@code libtorch_cuda.so}), {@code PYTORCH_FLAVOR}
 * equal to the flavour of the JNI bridge the {@code pytorch-jni} jar carries ({@value #FLAVOR}),
 * {@code PYTORCH_VERSION} unset or {@value #LIBTORCH_VERSION}, that bridge on the classpath, and a
 * CUDA runtime {@code libcudart.so} where JNA finds it (DJL counts GPUs through it).
 */
public final class DjlCudaSetup {
  /** The CUDA flavour of the JNI bridge in {@code pytorch-jni:2.7.1-0.36.0}. */
  public static final String FLAVOR = "cu128";

  /** The libtorch version the bridge is built against. */
  public static final String LIBTORCH_VERSION = "2.7.1";

  /** Where the bridge sits inside the {@code pytorch-jni} jar. */
  static final String BRIDGE = "jnilib/linux-x86_64/" + FLAVOR + "/libdjl_torch.so";

  /** Directories a CUDA runtime is commonly installed in, searched after the library path. */
  private static final List<String> CUDA_DIRS =
      List.of("/usr/local/cuda/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64");

  private DjlCudaSetup() {}

  /**
   * @param ready true when nothing below is missing
   * @param problems one line per missing piece, naming the variable or file and what to do
   */
  public record Check(boolean ready, List<String> problems) {}

  /** The check for this process: its environment (then system properties) and classpath. */
  public static Check current() {
    Function<String, String> setting =
        name -> System.getenv(name) != null ? System.getenv(name) : System.getProperty(name);
    return check(
        setting, DjlCudaSetup.class.getClassLoader().getResource(BRIDGE) != null, CUDA_DIRS);
  }

  /**
   * @param setting an environment variable or system property by name, null when unset
   * @param bridgeOnClasspath whether {@value #BRIDGE} is on the classpath
   * @param cudaDirs directories searched for {@code libcudart.so} after {@code LD_LIBRARY_PATH} and
   *     {@code CUDA_PATH/lib64}
   */
  static Check check(
      Function<String, String> setting, boolean bridgeOnClasspath, List<String> cudaDirs) {
    List<String> problems = new ArrayList<>();
    String libraryPath = setting.apply("PYTORCH_LIBRARY_PATH");
    if (libraryPath == null || libraryPath.isBlank()) {
      problems.add(
          "PYTORCH_LIBRARY_PATH is not set: DJL would load the CPU libtorch this build bundles;"
              + " set it to the lib directory of libtorch "
              + LIBTORCH_VERSION
              + " for CUDA 12.8");
    } else {
      Path libtorch = firstDirWith(split(libraryPath), "libtorch.so");
      if (libtorch == null) {
        problems.add("PYTORCH_LIBRARY_PATH=" + libraryPath + " holds no libtorch.so");
      } else if (!Files.isRegularFile(libtorch.resolve("libtorch_cuda.so"))) {
        problems.add(
            "PYTORCH_LIBRARY_PATH: "
                + libtorch
                + " holds a CPU-only libtorch (no libtorch_cuda.so); install the CUDA 12.8 build");
      }
    }
    String flavor = setting.apply("PYTORCH_FLAVOR");
    if (!FLAVOR.equals(flavor)) {
      problems.add(
          (flavor == null ? "PYTORCH_FLAVOR is not set" : "PYTORCH_FLAVOR is '" + flavor + "'")
              + ": set it to "
              + FLAVOR
              + ", the only CUDA JNI bridge DJL's pytorch-jni jar carries; otherwise DJL looks"
              + " for another and tries to download it");
    }
    String version = setting.apply("PYTORCH_VERSION");
    if (version != null && !version.isBlank() && !version.equals(LIBTORCH_VERSION)) {
      problems.add(
          "PYTORCH_VERSION is '"
              + version
              + "': unset it or set "
              + LIBTORCH_VERSION
              + " (another version makes DJL download natives)");
    }
    if (!bridgeOnClasspath) {
      problems.add(
          BRIDGE + " is not on the classpath: use ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0");
    }
    List<Path> runtimeDirs = new ArrayList<>(split(setting.apply("LD_LIBRARY_PATH")));
    String cudaPath = setting.apply("CUDA_PATH");
    if (cudaPath != null && !cudaPath.isBlank()) {
      runtimeDirs.add(Path.of(cudaPath, "lib64"));
    }
    cudaDirs.forEach(d -> runtimeDirs.add(Path.of(d)));
    if (firstDirWithPrefix(runtimeDirs, "libcudart.so") == null) {
      problems.add(
          "no libcudart.so in LD_LIBRARY_PATH, CUDA_PATH/lib64 or "
              + String.join(", ", cudaDirs)
              + ": DJL counts GPUs through the CUDA runtime and would see none");
    }
    return new Check(problems.isEmpty(), List.copyOf(problems));
  }

  private static List<Path> split(String pathList) {
    Set<Path> out = new LinkedHashSet<>();
    if (pathList != null) {
      for (String p : pathList.split(File.pathSeparator)) {
        if (!p.isBlank()) {
          out.add(Path.of(p));
        }
      }
    }
    return new ArrayList<>(out);
  }

  private static Path firstDirWith(List<Path> dirs, String file) {
    return dirs.stream().filter(d -> Files.isRegularFile(d.resolve(file))).findFirst().orElse(null);
  }

  private static Path firstDirWithPrefix(List<Path> dirs, String prefix) {
    for (Path d : dirs) {
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(d, prefix + "*")) {
        if (files.iterator().hasNext()) {
          return d;
        }
      } catch (IOException e) {
        // an unreadable directory holds nothing DJL could load either
      }
    }
    return null;
  }
}
