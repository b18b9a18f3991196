package io.prorl.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.executions.TaskRun;
import io.kestra.core.models.flows.FlowWithSource;
import io.kestra.core.models.flows.State;
import io.kestra.core.plugins.RegisteredPlugin;
import io.kestra.core.serializers.JacksonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code prorl run <flow.yaml> [--input name=value]... [--outputs out.json] [--timeout PT1H]}: runs
 * one flow file through Kestra's in-process runtime, task logs streaming to the terminal. {@code
 * --outputs} writes the final state and every task's outputs as JSON and copies the
 * internal-storage files among them to {@code <out>.files/}, the JSON pointing to the local copies.
 * Exit code 0 only when the execution ends in SUCCESS.
 *
 * <p>{@code prorl validate <flow.yaml>...}: Kestra's model validation of flow files.
 */
public final class RunCommand {
  // held here: java.util.logging keeps loggers weakly, and a collected one forgets its level
  private static final java.util.logging.Logger GRPC_LOG =
      java.util.logging.Logger.getLogger("io.grpc");

  private RunCommand() {}

  public static void main(String[] args) {
    // gRPC's java.util.logging output (a stack trace when the worker controller shuts down) is
    // noise for a one-shot run; Kestra's own errors still come through logback.
    GRPC_LOG.setLevel(java.util.logging.Level.OFF);
    int code;
    try {
      code = execute(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      code = 2;
    } catch (Exception e) {
      e.printStackTrace();
      code = 1;
    }
    // Kestra's services keep non-daemon threads; the command's result is final here.
    System.exit(code);
  }

  static int execute(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException(usage());
    }
    return switch (args[0]) {
      case "run" -> run(List.of(args).subList(1, args.length));
      case "validate" -> validate(List.of(args).subList(1, args.length));
      default -> throw new IllegalArgumentException("unknown command " + args[0] + "\n" + usage());
    };
  }

  private static String usage() {
    return "usage: run <flow.yaml> [--input name=value]... [--outputs out.json] [--timeout PT1H]"
        + " [--config server.yml] [--plugins DIR]\n"
        + "       validate <flow.yaml>...\n"
        + "  --config: a Kestra server configuration (e.g. kestra.plugins.configurations with the"
        + " tasks' S3 and MLflow connections)\n"
        + "  --plugins: a folder of Kestra plugin jars, loaded as a Kestra server loads them (one"
        + " class loader per jar)";
  }

  private static int validate(List<String> files) throws Exception {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("validate: no flow file given");
    }
    int bad = 0;
    try (FlowRunner runner = FlowRunner.start(Files.createTempDirectory("prorl-storage"))) {
      for (String f : files) {
        List<String> violations = runner.validate(Path.of(f));
        System.out.println((violations.isEmpty() ? "valid   " : "INVALID ") + f);
        violations.forEach(v -> System.out.println("  " + v));
        bad += violations.isEmpty() ? 0 : 1;
      }
    }
    return bad == 0 ? 0 : 1;
  }

  private static int run(List<String> args) throws Exception {
    Path flowFile = null;
    Path outputs = null;
    Path config = null;
    Path plugins = null;
    Duration timeout = Duration.ofHours(24);
    Map<String, Object> inputs = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--input" -> {
          String kv = value(args, ++i, a);
          int eq = kv.indexOf('=');
          if (eq < 1) {
            throw new IllegalArgumentException("--input wants name=value, got " + kv);
          }
          inputs.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        case "--outputs" -> outputs = Path.of(value(args, ++i, a));
        case "--timeout" -> timeout = Duration.parse(value(args, ++i, a));
        case "--config" -> {
          config = Path.of(value(args, ++i, a));
          if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("--config: no file at " + config);
          }
        }
        case "--plugins" -> plugins = Path.of(value(args, ++i, a));
        default -> {
          if (a.startsWith("--") || flowFile != null) {
            throw new IllegalArgumentException("unexpected argument " + a + "\n" + usage());
          }
          flowFile = Path.of(a);
        }
      }
    }
    if (flowFile == null) {
      throw new IllegalArgumentException("run: no flow file given\n" + usage());
    }
    if (!Files.isRegularFile(flowFile)) {
      throw new IllegalArgumentException("run: no flow file at " + flowFile);
    }
    if (plugins != null) {
      for (RegisteredPlugin p : FlowRunner.registerPlugins(plugins)) {
        System.out.printf(
            "plugin jar %s: %d tasks in its own class loader (%s)%n",
            p.getExternalPlugin().getLocation(),
            p.getTasks().size(),
            p.getClassLoader().getClass().getSimpleName());
      }
    }
    long start = System.nanoTime();
    System.out.println(
        "starting Kestra's in-process runtime (H2, local storage"
            + (config == null ? "" : ", server configuration " + config)
            + ") ...");
    try (FlowRunner runner = FlowRunner.start(Files.createTempDirectory("prorl-storage"), config)) {
      FlowWithSource flow = runner.loadWithSubflows(flowFile);
      System.out.printf(
          "running %s.%s with inputs %s (runtime up in %.0f s)%n",
          flow.getNamespace(), flow.getId(), inputs, (System.nanoTime() - start) / 1e9);
      Execution execution = runner.run(flow, inputs, timeout);
      State.Type state = execution.getState().getCurrent();
      System.out.printf(
          "execution %s ended %s in %.0f s%n",
          execution.getId(), state, (System.nanoTime() - start) / 1e9);
      for (TaskRun t : execution.getTaskRunList()) {
        System.out.printf(
            "  %-24s %-10s %s%n",
            t.getTaskId() + (t.getValue() == null ? "" : "[" + t.getValue() + "]"),
            t.getState().getCurrent(),
            t.getState().getDuration().map(Object::toString).orElse(""));
      }
      if (outputs != null) {
        writeOutputs(runner, execution, outputs);
        System.out.println("outputs written to " + outputs);
      }
      return state == State.Type.SUCCESS ? 0 : 1;
    }
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(i);
  }

  private static void writeOutputs(FlowRunner runner, Execution execution, Path file)
      throws Exception {
    Path files = file.resolveSibling(file.getFileName() + ".files");
    Map<String, Object> tasks = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : runner.outputs(execution).entrySet()) {
      tasks.put(e.getKey(), localize(runner, execution, e.getValue(), files.resolve(e.getKey())));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("executionId", execution.getId());
    doc.put("namespace", execution.getNamespace());
    doc.put("flowId", execution.getFlowId());
    doc.put("state", execution.getState().getCurrent().name());
    doc.put("labels", execution.getLabels());
    List<Map<String, Object>> runs = new ArrayList<>();
    for (TaskRun t : execution.getTaskRunList()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("taskId", t.getTaskId());
      r.put("value", t.getValue());
      r.put("state", t.getState().getCurrent().name());
      r.put("attempts", t.getAttempts() == null ? 0 : t.getAttempts().size());
      runs.add(r);
    }
    doc.put("taskRuns", runs);
    doc.put("outputs", tasks);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    ObjectMapper json = JacksonMapper.ofJson();
    Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
  }

  /** Copies kestra:// files found in an output value to {@code dir}, returning local paths. */
  private static Object localize(FlowRunner runner, Execution execution, Object value, Path dir)
      throws IOException {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(
            String.valueOf(e.getKey()),
            localize(runner, execution, e.getValue(), dir.resolve(String.valueOf(e.getKey()))));
      }
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        out.add(localize(runner, execution, l.get(i), dir.resolve(Integer.toString(i))));
      }
      return out;
    }
    String text = value == null ? null : value.toString();
    if (text != null && text.startsWith("kestra://")) {
      URI uri = URI.create(text);
      String name = Path.of(uri.getPath()).getFileName().toString();
      Files.createDirectories(dir);
      Path local = dir.resolve(name);
      try (InputStream in = runner.open(execution, uri)) {
        Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
      }
      return local.toAbsolutePath().toString();
    }
    return value;
  }
}
