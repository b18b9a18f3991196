package io.prorl.tasks.instruction;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstraintTest {

  private static boolean met(Constraint c, String text) {
    return c.isMet(ResponseText.of(text));
  }

  @Test
  void wordCountCountsRunsOfLettersAndDigits() {
    Constraint c = new Constraint.WordCount(3, 4);
    assertThat(met(c, "one two")).isFalse();
    assertThat(met(c, "one, two -- three!")).isTrue();
    assertThat(met(c, "don't stop 4 me")).isTrue();
    assertThat(met(c, "a b c d e")).isFalse();
  }

  @Test
  void keywordsAreWholeWordsIgnoringCase() {
    Constraint c = new Constraint.Keywords(List.of("bees", "honey"));
    assertThat(met(c, "Bees make HONEY.")).isTrue();
    assertThat(met(c, "Beeswax and honey")).isFalse();
  }

  @Test
  void forbiddenCommasLowercaseBulletsJsonEndingAndTitle() {
    assertThat(met(new Constraint.ForbiddenWord("wax"), "bees make wax")).isFalse();
    assertThat(met(new Constraint.ForbiddenWord("wax"), "bees make waxy combs")).isTrue();
    assertThat(met(new Constraint.NoCommas(), "a, b")).isFalse();
    assertThat(met(new Constraint.NoCommas(), "a\uFF0C b")).isFalse();
    assertThat(met(new Constraint.Lowercase(), "all small")).isTrue();
    assertThat(met(new Constraint.Lowercase(), "Not small")).isFalse();
    assertThat(met(new Constraint.Lowercase(), "123")).isFalse();
    assertThat(met(new Constraint.BulletPoints(2), "* a\n- b\nc")).isTrue();
    assertThat(met(new Constraint.BulletPoints(2), "* a\n* b\n* c")).isFalse();
    assertThat(met(new Constraint.JsonFormat(), "{\"a\": 1}")).isTrue();
    assertThat(met(new Constraint.JsonFormat(), "```json\n{\"a\": 1}\n```")).isTrue();
    assertThat(met(new Constraint.JsonFormat(), "{a: 1}")).isFalse();
    assertThat(met(new Constraint.EndsWith("bye."), "ok then bye.  ")).isTrue();
    assertThat(met(new Constraint.EndsWith("bye."), "bye. ok")).isFalse();
    assertThat(met(new Constraint.Title(), "<<Bees>>\ntext")).isTrue();
    assertThat(met(new Constraint.Title(), "<< >> text")).isFalse();
  }

  @Test
  void rewardIsTheShareOfInstructionsFollowed() {
    Problem p =
        new Problem(
            "t",
            "instruction",
            Map.of(),
            "p",
            Map.of(
                "topic",
                "bees",
                "constraints",
                List.of(
                    Map.of("type", "no_commas"),
                    Map.of("type", "lowercase"),
                    Map.of("type", "keywords", "words", List.of("honey")),
                    Map.of("type", "word_count", "min", 1, "max", 3))),
            null);
    Reward r = new InstructionFamily().score(p, "<answer>Bees, honey</answer>");
    assertThat(r.value()).isEqualTo(0.5);
    assertThat(r.reason()).contains("not followed: [no_commas, lowercase]");
  }
}
