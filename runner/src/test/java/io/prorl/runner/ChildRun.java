package io.prorl.runner;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * `prorl run` in a JVM of its own (what a test needs to load natives in a fresh class loader, or to
 * kill -9 a run): the runner's main class on the given class path, the engine's environment
 * (natives from the jar, one intra-op thread, reproducible MKL), output to a log file.
 */
final class ChildRun {
  private ChildRun() {}

  /**
   * @param classPath the child's class path entries
   * @param args {@link RunCommand} arguments
   * @param environment more environment variables
   */
  static Process start(
      List<String> classPath,
      List<String> args,
      Path djlCache,
      Path log,
      Map<String, String> environment)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Xmx2g");
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath));
    command.add(RunCommand.class.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().put("DJL_OFFLINE", "true");
    builder.environment().put("DJL_CACHE_DIR", djlCache.toString());
    builder.environment().put("OMP_NUM_THREADS", "1");
    builder.environment().put("MKL_CBWR", "AUTO,STRICT");
    builder.environment().putAll(environment);
    return builder.start();
  }
}
