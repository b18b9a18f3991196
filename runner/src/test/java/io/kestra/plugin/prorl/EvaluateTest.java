package io.kestra.plugin.prorl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.kestra.core.junit.annotations.KestraTest;
import io.kestra.core.models.executions.AbstractMetricEntry;
import io.kestra.core.models.executions.metrics.Gauge;
import io.kestra.core.models.property.Property;
import io.kestra.core.runners.RunContext;
import io.kestra.core.runners.RunContextFactory;
import io.kestra.core.utils.TestsUtils;
import io.prorl.engine.boundary.BoundaryHistory;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.checkpoint.TrainerState;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Evaluate task built with its builder and run with a RunContext from Kestra's
 * RunContextFactory: typed outputs per set (held-out families and an OOD set given as an expression
 * that renders to a JSON map), Gauge metrics, the run's boundary history, and exact errors.
 */
@KestraTest
class EvaluateTest {
  @Inject RunContextFactory runContextFactory;
  @TempDir Path tmp;

  private String problems(String family, Map<String, ?> difficulty, int count) throws Exception {
    Path file = tmp.resolve(family + count + ".jsonl");
    List<Problem> ps = TaskFamilies.builtIn().generate(family, difficulty, 7, count);
    Files.writeString(
        file, ps.stream().map(ProblemJsonl::toLine).collect(Collectors.joining("\n", "", "\n")));
    return file.toUri().toString();
  }

  /** The embedded policy as the base checkpoint (phase 0) of run r1 under {@code root}. */
  private String baseOfRun(Path root) throws Exception {
    Path plain = EmbeddedDefault.write(tmp.resolve("plain"), 5);
    Checkpointer checkpointer =
        new Checkpointer(
            new FileCheckpointStore(root),
            plain.resolve(HfModelDir.TOKENIZER),
            null,
            null,
            Map.of());
    try (Qwen2Model model = HfModelDir.load(plain, Device.cpu())) {
      return checkpointer.write(
          new CheckpointId("r1", 0, 0),
          model,
          null,
          new TrainerState(0, 0, 1, 0, 0, 0, null, List.of(), null));
    }
  }

  @Test
  void perSetOutputsGaugesAndTheRunsBoundaryHistory() throws Exception {
    Path root = tmp.resolve("ckpt");
    String base = baseOfRun(root);
    String heldOut = problems("graph_color", Map.of(), 3);
    String boxnet = problems("boxnet", Map.of(), 2);
    Evaluate task =
        Evaluate.builder()
            .id("evaluate")
            .type(Evaluate.class.getName())
            .policies(Property.ofValue(Map.of("start", base)))
            .problems(Property.ofValue(heldOut))
            .outOfDistribution(Property.ofExpression("{{ inputs.ood }}"))
            .samples(Property.ofValue(4))
            .maxNewTokens(Property.ofValue(8))
            .maxProblems(Property.ofValue(2))
            .checkpointRoot(Property.ofValue(root.toUri().toString()))
            .runId(Property.ofValue("r1"))
            .build();
    assertThat(task.staticViolations()).isEmpty();
    RunContext rc =
        TestsUtils.mockRunContext(
            runContextFactory, task, Map.of("ood", Map.of("boxnet_ood", boxnet)));

    Evaluate.Output out = task.run(rc);

    assertThat(out.getKs()).containsExactly(1, 2, 4);
    assertThat(out.getProblems()).isEqualTo(2);
    assertThat(out.getPerSet().get("start").keySet()).containsExactly("graph_color", "boxnet_ood");
    assertThat(out.getPerSet().get("start").get("boxnet_ood").keySet())
        .containsExactly("1", "2", "4");
    assertThat(out.getPerFamily().get("start").keySet()).containsExactly("graph_color");
    assertThat(out.getPassAtK().get("start"))
        .isEqualTo(out.getPerSet().get("start").get("graph_color"));
    assertThat(out.getMeanReward().get("start").keySet())
        .containsExactly("graph_color", "boxnet_ood");
    assertThat(out.getReport().getScheme()).isEqualTo("kestra");
    assertThat(out.getHistory())
        .isEqualTo(root.resolve("r1/boundary-history.json").toUri().toString());

    BoundaryHistory history = BoundaryHistory.read(new FileCheckpointStore(root), "r1");
    assertThat(history.entries())
        .extracting(
            BoundaryHistory.Entry::label,
            BoundaryHistory.Entry::set,
            BoundaryHistory.Entry::outOfDistribution)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("base", "graph_color", false),
            org.assertj.core.groups.Tuple.tuple("base", "boxnet_ood", true));
    assertThat(history.entries().get(1).problems()).isEqualTo(2);
    assertThat(history.entries().get(1).samples()).isEqualTo(4);
    assertThat(history.entries().get(1).temperature()).isEqualTo(0.6);
    assertThat(history.entries().get(1).topP()).isEqualTo(0.95);

    List<AbstractMetricEntry<?>> gauges =
        rc.metrics().stream().filter(m -> m.getName().equals("pass_at_k")).toList();
    assertThat(gauges).hasSize(6).allMatch(m -> m.getType().equals(Gauge.TYPE));
    assertThat(gauges.get(5).getTags())
        .containsEntry("policy", "start")
        .containsEntry("set", "boxnet_ood")
        .containsEntry("k", "4");
    assertThat(gauges.get(5).getValue())
        .isEqualTo(out.getPerSet().get("start").get("boxnet_ood").get("4"));
    assertThat(rc.metrics().stream().filter(m -> m.getName().equals("mean_reward")))
        .hasSize(2)
        .allMatch(m -> m.getType().equals(Gauge.TYPE));
  }

  private static Evaluate withKs(Property<List<Integer>> ks) {
    return Evaluate.builder()
        .id("evaluate")
        .type(Evaluate.class.getName())
        .policies(Property.ofValue(Map.of("p", "/nowhere")))
        .problems(Property.ofValue("/nowhere.jsonl"))
        .ks(ks)
        .build();
  }

  @Test
  void aKAboveTheSampleCountIsRefusedNamingKs() throws Exception {
    String message = "ks: each k must lie in [1, samples=8], got 16";
    // a literal list: Kestra's model validation refuses the task (checked again at rendering)
    Evaluate literal = withKs(Property.ofValue(List.of(1, 16)));
    assertThat(literal.staticViolations()).containsExactly(message);
    RunContext literalContext = TestsUtils.mockRunContext(runContextFactory, literal, Map.of());
    assertThatThrownBy(() -> literal.run(literalContext))
        .isInstanceOf(ConstraintViolationException.class)
        .hasMessageEndingWith(message);
    // an expression: refused when rendered, by the same rule
    Evaluate rendered = withKs(Property.ofExpression("{{ inputs.ks }}"));
    assertThat(rendered.staticViolations()).isEmpty();
    RunContext rc =
        TestsUtils.mockRunContext(runContextFactory, rendered, Map.of("ks", List.of(1, 16)));
    assertThatThrownBy(() -> rendered.run(rc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void aHistoryNeedsBothTheRootAndTheRun() throws Exception {
    Evaluate task =
        Evaluate.builder()
            .id("evaluate")
            .type(Evaluate.class.getName())
            .policies(Property.ofValue(Map.of("p", "/nowhere")))
            .problems(Property.ofValue("/nowhere.jsonl"))
            .checkpointRoot(Property.ofValue("file:///tmp/ckpt"))
            .build();
    assertThat(task.staticViolations())
        .containsExactly(
            "checkpointRoot and runId: give both to keep the run's boundary history, or neither");
  }
}
