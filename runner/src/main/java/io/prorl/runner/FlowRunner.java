package io.prorl.runner;

import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.executions.TaskRun;
import io.kestra.core.models.flows.Flow;
import io.kestra.core.models.flows.FlowWithSource;
import io.kestra.core.models.validations.ModelValidator;
import io.kestra.core.plugins.DefaultPluginRegistry;
import io.kestra.core.plugins.RegisteredPlugin;
import io.kestra.core.repositories.ExecutionRepositoryInterface;
import io.kestra.core.repositories.LocalFlowRepositoryLoader;
import io.kestra.core.runners.FlowInputOutput;
import io.kestra.core.runners.TestRunner;
import io.kestra.core.runners.TestRunnerUtils;
import io.kestra.core.serializers.YamlParser;
import io.kestra.core.services.TaskOutputService;
import io.kestra.core.storages.StorageInterface;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.yaml.YamlPropertySourceLoader;
import io.micronaut.data.model.Pageable;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kestra's own in-process runtime (the one Kestra's tests start: executor, worker, worker
 * controller, scheduler and indexer on an in-memory H2 backend with local storage) around flow
 * files. Not an imitation: flows are parsed, validated and executed by Kestra itself.
 */
public final class FlowRunner implements AutoCloseable {
  private static final String SUBFLOW = "io.kestra.plugin.core.flow.Subflow";
  private final ApplicationContext context;

  private FlowRunner(ApplicationContext context) {
    this.context = context;
  }

  /**
   * Starts the runtime; internal storage lives under {@code storageDir}.
   *
   * @throws RuntimeException when a Kestra service does not come up
   */
  public static FlowRunner start(Path storageDir) {
    return start(storageDir, null);
  }

  /**
   * Starts the runtime with a server configuration file on top of the defaults: the same YAML a
   * Kestra server reads (e.g. {@code kestra.plugins.configurations} with connection settings for
   * the tasks), or null for none.
   */
  public static FlowRunner start(Path storageDir, Path configFile) {
    var builder =
        ApplicationContext.builder()
            .deduceEnvironment(false)
            .properties(Map.of("prorl.storage", storageDir.toAbsolutePath().toString()));
    if (configFile != null) {
      builder.propertySources(serverConfiguration(configFile));
    }
    ApplicationContext context = builder.start();
    try {
      context.getBean(TestRunner.class).run();
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
    return new FlowRunner(context);
  }

  /**
   * Registers the plugin jars of a folder the way a Kestra server does with {@code --plugins}:
   * Kestra core's registry scans each jar in a class loader of its own. Call it before {@link
   * #start}.
   *
   * @return the plugins found there, each with its jar and task types
   * @throws IllegalArgumentException when the folder holds no plugin jar
   */
  public static List<RegisteredPlugin> registerPlugins(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("--plugins: no folder at " + folder);
    }
    DefaultPluginRegistry registry = DefaultPluginRegistry.getOrCreate();
    registry.registerIfAbsent(folder.toAbsolutePath());
    List<RegisteredPlugin> found = registry.externalPlugins();
    if (found.isEmpty()) {
      throw new IllegalArgumentException(
          "--plugins: no Kestra plugin jar in "
              + folder
              + " (a plugin jar lists its plugins in META-INF/services/io.kestra.core.models.Plugin)");
    }
    return found;
  }

  private static PropertySource serverConfiguration(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Map<String, Object> values = new YamlPropertySourceLoader().read(file.toString(), in);
      return PropertySource.of(file.toString(), values);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the server configuration " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "the server configuration " + file + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  /**
   * Kestra's model validation of a flow file: parse errors and constraint violations, each as
   * "path: message"; empty when the flow is valid.
   */
  public List<String> validate(Path flowFile) throws IOException {
    return validateSource(Files.readString(flowFile));
  }

  /** {@link #validate(Path)} on flow source text. */
  public List<String> validateSource(String source) {
    List<String> out = new ArrayList<>();
    try {
      Flow flow = YamlParser.parse(source, Flow.class);
      context.getBean(ModelValidator.class).isValid(flow).ifPresent(e -> out.addAll(messages(e)));
    } catch (ConstraintViolationException e) {
      out.addAll(messages(e));
    }
    return out;
  }

  private static List<String> messages(ConstraintViolationException e) {
    List<String> out = new ArrayList<>();
    if (e.getConstraintViolations() == null || e.getConstraintViolations().isEmpty()) {
      out.add(e.getMessage());
      return out;
    }
    for (ConstraintViolation<?> v : e.getConstraintViolations()) {
      out.add(v.getPropertyPath() + ": " + v.getMessage());
    }
    return out;
  }

  /** Loads a valid flow file into the runtime's repository. */
  public FlowWithSource load(Path flowFile) throws IOException {
    List<String> violations = validate(flowFile);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(
          flowFile + " is not a valid flow:\n  " + String.join("\n  ", violations));
    }
    List<FlowWithSource> flows =
        context.getBean(LocalFlowRepositoryLoader.class).load(flowFile.toFile());
    if (flows.size() != 1) {
      throw new IllegalArgumentException(flowFile + ": expected one flow, loaded " + flows.size());
    }
    return flows.get(0);
  }

  /**
   * Loads a flow file after every flow it calls through a {@code Subflow} task that lies beside it
   * as {@code <flowId>.yaml} (and the flows those call), so the call resolves; a called flow that
   * is neither there nor loaded already is an error naming it.
   */
  public FlowWithSource loadWithSubflows(Path flowFile) throws IOException {
    return loadWithSubflows(flowFile, new java.util.HashSet<>());
  }

  private FlowWithSource loadWithSubflows(Path flowFile, java.util.Set<Path> seen)
      throws IOException {
    seen.add(flowFile.toAbsolutePath().normalize());
    @SuppressWarnings("unchecked")
    Map<String, Object> parsed = YamlParser.parse(Files.readString(flowFile), Map.class);
    for (Map<?, ?> call : subflowCalls(parsed, new ArrayList<>())) {
      Path called = flowFile.resolveSibling(call.get("flowId") + ".yaml");
      if (!Files.isRegularFile(called)) {
        throw new IllegalArgumentException(
            flowFile
                + ": task "
                + call.get("id")
                + " calls flow "
                + call.get("namespace")
                + "."
                + call.get("flowId")
                + ", but "
                + called
                + " does not exist");
      }
      if (seen.add(called.toAbsolutePath().normalize())) {
        loadWithSubflows(called, seen);
      }
    }
    return load(flowFile);
  }

  /** Every task of a parsed flow document, at any depth, whose type is Kestra's Subflow. */
  private static List<Map<?, ?>> subflowCalls(Object node, List<Map<?, ?>> out) {
    if (node instanceof Map<?, ?> m) {
      if (SUBFLOW.equals(m.get("type")) && m.get("flowId") != null) {
        out.add(m);
      }
      m.values().forEach(v -> subflowCalls(v, out));
    } else if (node instanceof List<?> l) {
      l.forEach(v -> subflowCalls(v, out));
    }
    return out;
  }

  /** Executes a loaded flow with inputs and waits until it ends (or the timeout passes). */
  public Execution run(FlowWithSource flow, Map<String, Object> inputs, Duration timeout)
      throws Exception {
    FlowInputOutput io = context.getBean(FlowInputOutput.class);
    return context
        .getBean(TestRunnerUtils.class)
        .runOne(flow.toFlow(), (f, e) -> io.readExecutionInputs(f, e, inputs), timeout);
  }

  /** Every task run's outputs, keyed by task id (and value for iterations), in run order. */
  public Map<String, Object> outputs(Execution execution) throws Exception {
    TaskOutputService service = context.getBean(TaskOutputService.class);
    Map<String, Object> out = new LinkedHashMap<>();
    for (TaskRun run : execution.getTaskRunList()) {
      Map<String, Object> o = service.getOutputs(run);
      String key =
          run.getValue() == null ? run.getTaskId() : run.getTaskId() + "[" + run.getValue() + "]";
      out.put(key, o == null ? Map.of() : o);
    }
    return out;
  }

  /**
   * The executions of a loaded flow so far, whoever started them (a run call, a trigger fired by
   * the scheduler), as the repository holds them now.
   */
  public List<Execution> executions(FlowWithSource flow) {
    return context
        .getBean(ExecutionRepositoryInterface.class)
        .findByFlowId(
            flow.getTenantId(),
            flow.getNamespace(),
            flow.getId(),
            Pageable.from(1, 100) /* Kestra counts pages from 1 */);
  }

  /** Opens a {@code kestra://} file of an execution. */
  public InputStream open(Execution execution, URI uri) throws IOException {
    return context
        .getBean(StorageInterface.class)
        .get(execution.getTenantId(), execution.getNamespace(), uri);
  }

  @Override
  public void close() {
    context.close();
  }
}
