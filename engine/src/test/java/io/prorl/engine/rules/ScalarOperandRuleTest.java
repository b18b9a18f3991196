package io.prorl.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The build-time rule behind {@link io.prorl.engine.JavaArrays#scalar}: in the packages whose
 * arithmetic can sit on a differentiable path ({@code rl}, {@code model}, {@code scoring}, {@code
 * optim}), no code calls {@code NDArray.add/sub/mul/div/pow/maximum/minimum} or their in-place
 * forms with a Java {@code Number}. DJL wraps the number in a borrowed direct buffer and frees it
 * right after the op, while autograd keeps it for backward: a garbage collection in between scales
 * that term's gradient by whatever the reused memory holds. Whether a GC lands there is chance, so
 * the guarantee is this rule over the compiled classes, not a test that happens to pass.
 *
 * <p>{@code clip(Number, Number)} and the comparisons ({@code lt}, {@code gt}, ...) pass scalars by
 * value through JNI, or carry no gradient, and stay allowed.
 */
class ScalarOperandRuleTest {
  private static final Set<String> ARITHMETIC =
      Set.of(
          "add",
          "sub",
          "mul",
          "div",
          "pow",
          "maximum",
          "minimum",
          "addi",
          "subi",
          "muli",
          "divi",
          "powi",
          "maximumi",
          "minimumi");

  private static final List<String> PACKAGES =
      List.of(
          "io.prorl.engine.rl",
          "io.prorl.engine.model",
          "io.prorl.engine.scoring",
          "io.prorl.engine.optim");

  /**
   * Methods allowed a Java-number operand, by full name, each with its reason: both run after the
   * backward pass, in place on tensors autograd does not track, so nothing saves the number for a
   * later backward.
   *
   * <ul>
   *   <li>{@code AdamW.apply}: the moments and the parameter step (of a block of rows), without
   *       gradient;
   *   <li>{@code GradientClipping.clipGlobalNorm}: scales the finished {@code .grad} tensors.
   * </ul>
   */
  private static final Set<String> EXCEPTIONS =
      Set.of(
          "io.prorl.engine.optim.AdamW.apply",
          "io.prorl.engine.optim.GradientClipping.clipGlobalNorm");

  @Test
  void noJavaNumberOperandInDifferentiableArithmetic() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(PACKAGES);
    assertThat(classes).as("classes of %s", PACKAGES).isNotEmpty();

    List<String> violations =
        classes.stream()
            .flatMap(c -> c.getMethodCallsFromSelf().stream())
            .filter(ScalarOperandRuleTest::numberArithmetic)
            .filter(call -> !EXCEPTIONS.contains(origin(call)))
            .map(JavaMethodCall::getDescription)
            .sorted()
            .toList();

    assertThat(violations)
        .as(
            "NDArray arithmetic with a Java Number (use JavaArrays.scalar: DJL frees the number's"
                + " buffer before backward reads it)")
        .isEmpty();
  }

  @Test
  void theRuleSeesANumberOperand() {
    JavaClasses classes = new ClassFileImporter().importClasses(Offender.class);
    assertThat(
            classes.get(Offender.class).getMethodCallsFromSelf().stream()
                .filter(ScalarOperandRuleTest::numberArithmetic)
                .map(c -> c.getTarget().getName())
                .sorted()
                .toList())
        .containsExactly("div", "muli");
  }

  private static boolean numberArithmetic(JavaMethodCall call) {
    return call.getTarget().getOwner().isAssignableTo(NDArray.class)
        && ARITHMETIC.contains(call.getTarget().getName())
        && call.getTarget().getRawParameterTypes().size() == 1
        && call.getTarget().getRawParameterTypes().getFirst().isEquivalentTo(Number.class);
  }

  private static String origin(JavaMethodCall call) {
    return call.getOrigin().getOwner().getName() + "." + call.getOrigin().getName();
  }

  /** Code the rule must refuse: a number divisor and an in-place number factor. */
  @SuppressWarnings("unused")
  private static final class Offender {
    static NDArray bad(NDArray x, NDArray y) {
      return x.div(2f).add(y).muli(3);
    }
  }
}
