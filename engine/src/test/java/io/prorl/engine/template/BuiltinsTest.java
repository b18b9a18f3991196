package io.prorl.engine.template;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The names the parser accepts are the names the renderer applies, and a name it does not know is
 * refused when the template is parsed, also in a branch no conversation takes.
 */
class BuiltinsTest {

  @Test
  void everyAcceptedFilterAndTestIsApplied() {
    for (String name : Filters.NAMES) {
      try {
        Filters.apply(name, List.of(1L, 2L), List.of(), Map.of());
      } catch (TemplateException e) {
        org.assertj.core.api.Assertions.assertThat(e.getMessage())
            .as(name)
            .doesNotContain("unsupported filter");
      } catch (RuntimeException e) {
        // a filter that needs other arguments fails otherwise; only "unknown" matters here
      }
    }
    for (String name : Tests.NAMES) {
      try {
        Tests.apply(name, 2L, List.of(2L));
      } catch (TemplateException e) {
        org.assertj.core.api.Assertions.assertThat(e.getMessage())
            .as(name)
            .doesNotContain("unsupported test");
      }
    }
  }

  @Test
  void anUnknownFilterOrTestIsRefusedWhenParsedEvenInAnUntakenBranch() {
    assertThatThrownBy(() -> JinjaTemplate.compile("{% if false %}{{ x | frobnicate }}{% endif %}"))
        .isInstanceOf(TemplateException.class)
        .hasMessage("line 1: unsupported filter 'frobnicate'");
    assertThatThrownBy(() -> JinjaTemplate.compile("{% if tools %}\n{{ x is fancy }}{% endif %}"))
        .hasMessage("line 2: unsupported test 'fancy'");
  }
}
