package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The plugin as a Kestra server gets it: the built {@code plugin-prorl-*-kestra.jar} in a plugins
 * folder, scanned by Kestra core's plugin registry into a class loader of its own, and the
 * quickstart flow (every task type of the plugin but the S3 and MLflow ones, with DJL's natives
 * loading inside that class loader) run at test size. A JVM of its own: its application class path
 * holds Kestra and the runner only - no engine, no DJL - so nothing can come from anywhere but the
 * jar.
 */
class PluginJarLoadTest {
  /** What the other JVM's class path must not hold: the plugin would then not need its jar. */
  private static final List<String> NOT_ON_THE_CLASS_PATH =
      List.of("/ai/djl/", "/io/prorl/", "plugin-prorl", "prorl-engine", "prorl-tasks", "/engine/");

  @TempDir Path tmp;

  @Test
  void theShadedPluginJarRunsTheQuickstartInAKestraOfItsOwn() throws Exception {
    Path jar = pluginJar();
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Files.copy(jar, plugins.resolve(jar.getFileName()));

    List<String> classPath = new ArrayList<>();
    classPath.add(Path.of("target/classes").toAbsolutePath().toString()); // the runner
    String kestraOnly =
        Files.readString(Path.of(System.getProperty("prorl.kestraOnlyClasspath"))).trim();
    classPath.addAll(List.of(kestraOnly.split(File.pathSeparator)));
    for (String entry : classPath) {
      for (String banned : NOT_ON_THE_CLASS_PATH) {
        assertThat(entry.replace(File.separatorChar, '/'))
            .as("application class path entry")
            .doesNotContain(banned);
      }
    }

    Path out = tmp.resolve("out.json");
    Path log = tmp.resolve("run.log");
    Path checkpoints = tmp.resolve("ckpt");
    Process process =
        ChildRun.start(
            classPath,
            List.of(
                "run",
                FlowValidationTest.flows().resolve("prorl-quickstart.yaml").toString(),
                "--plugins",
                plugins.toString(),
                "--input",
                "problemsPerFamily=40",
                "--input",
                "warmStartSteps=2",
                "--input",
                "runSteps=2",
                "--input",
                "maxStepsPerPhase=1",
                "--input",
                "validationProblems=2",
                "--input",
                "evalProblems=2",
                "--input",
                "evalSamples=2",
                "--input",
                "checkpointRoot=" + checkpoints.toUri(),
                "--outputs",
                out.toString()),
            tmp.resolve("djl"),
            log,
            Map.of("PRORL_LANES", "1"));
    try {
      process.waitFor(8, TimeUnit.MINUTES);
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    String text = Files.readString(log);
    String tail = text.substring(Math.max(0, text.length() - 6000));
    assertThat(process.exitValue()).as("exit code; the run's log ends:\n%s", tail).isZero();

    // the registry found the jar and gave it its own class loader
    assertThat(text)
        .contains("plugin jar file:" + plugins.resolve(jar.getFileName()).toAbsolutePath())
        .contains("tasks in its own class loader (PluginClassLoader)");
    JsonNode doc = Json.MAPPER.readTree(Files.readString(out));
    assertThat(doc.path("state").asString()).isEqualTo("SUCCESS");
    JsonNode outputs = doc.path("outputs");
    assertThat(outputs.path("phase").path("runSteps").asInt()).isEqualTo(2);
    assertThat(fieldNames(outputs.path("report").path("boundary")))
        .containsExactly("base", "phase-0001", "phase-0002");
    for (String chart : List.of("boundaryChart", "trainingChart")) {
      assertThat(Files.size(Path.of(outputs.path("report").path(chart).asString())))
          .as(chart)
          .isGreaterThan(10_000);
    }
  }

  private static Path pluginJar() throws IOException {
    Path dir = Path.of(System.getProperty("prorl.pluginJarDir"));
    List<Path> jars;
    try (Stream<Path> s = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
      jars = s.filter(p -> p.getFileName().toString().endsWith("-kestra.jar")).toList();
    }
    assertThat(jars)
        .as(
            "the plugin jar in %s: `mvn verify` makes it (maven-shade-plugin, execution"
                + " kestra-jar); `mvn test` alone does not",
            dir)
        .hasSize(1);
    return jars.get(0);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.propertyNames().forEach(names::add);
    return names;
  }
}
