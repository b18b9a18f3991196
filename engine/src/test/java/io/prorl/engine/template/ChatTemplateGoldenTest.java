package io.prorl.engine.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.engine.tokenizer.ChatTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The renderer against jinja2 (goldens written by {@code
 * engine/src/test/python/chat_template_goldens.py}): the real Qwen2.5-Instruct, Qwen3 and
 * DeepSeek-R1-Distill templates on conversations with system turns, thinking, tools, unicode and
 * template syntax inside the text, with and without the generation prompt, byte for byte; jinja2
 * snippets of each construct the renderer supports; and the errors jinja2 raises, raised here too.
 */
class ChatTemplateGoldenTest {
  private static final Path DIR = Path.of("src/test/resources/chat-templates");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static JsonNode read(String name) throws IOException {
    return JSON.readTree(Files.readString(DIR.resolve(name)));
  }

  @Test
  void theThreeRealTemplatesRenderAsJinja2Does() throws IOException {
    JsonNode cases = read("cases.json").get("conversations");
    JsonNode goldens = read("goldens.json").get("templates");
    List<String> models = new ArrayList<>();
    goldens.properties().forEach(e -> models.add(e.getKey()));
    assertThat(models).containsExactly("deepseek-r1-distill-qwen", "qwen2.5-instruct", "qwen3");
    int compared = 0;
    for (String model : models) {
      ChatTemplate template = ChatTemplate.read(DIR.resolve(model).resolve(ChatTemplate.CONFIG));
      for (var golden : goldens.get(model).properties()) {
        String[] key = golden.getKey().split("/");
        JsonNode c = cases.get(key[0]);
        Map<String, Object> vars = new HashMap<>();
        c.properties()
            .forEach(e -> {
              if (!e.getKey().equals("only")) {
                vars.put(e.getKey(), e.getValue());
              }
            });
        vars.put("tools", null);
        vars.put("documents", null);
        vars.put("add_generation_prompt", key[1].equals("generation"));
        if (golden.getValue().isObject()) {
          assertThatThrownBy(() -> template.renderRaw(vars))
              .as(model + " " + golden.getKey() + " fails as jinja2 does")
              .isInstanceOf(TemplateException.class);
        } else {
          assertThat(template.renderRaw(vars))
              .as(model + " " + golden.getKey())
              .isEqualTo(golden.getValue().asString());
        }
        compared++;
      }
    }
    assertThat(compared).isEqualTo(44);
  }

  @Test
  void eachSupportedConstructRendersAsJinja2Does() throws IOException {
    JsonNode snippets = read("cases.json").get("snippets");
    JsonNode goldens = read("goldens.json").get("snippets");
    assertThat(snippets.size()).isEqualTo(goldens.size());
    for (int i = 0; i < snippets.size(); i++) {
      String source = snippets.get(i).asString();
      assertThat(JinjaTemplate.compile(source).render(Map.of("messages", List.of())))
          .as(source)
          .isEqualTo(goldens.get(i).asString());
    }
  }

  @Test
  void whatJinja2RefusesIsRefusedAndUnsupportedConstructsAreNamed() throws IOException {
    JsonNode errors = read("cases.json").get("errors");
    JsonNode goldens = read("goldens.json").get("errors");
    for (int i = 0; i < errors.size(); i++) {
      String source = errors.get(i).asString();
      if (goldens.get(i).isNull()) {
        // jinja2 renders it; this renderer refuses it by name instead of guessing
        assertThatThrownBy(() -> JinjaTemplate.compile(source).render(Map.of()))
            .as(source)
            .isInstanceOf(TemplateException.class)
            .hasMessageContaining("unsupported construct '{% macro %}'");
      } else {
        assertThatThrownBy(() -> JinjaTemplate.compile(source).render(Map.of()))
            .as(source + " (jinja2: " + goldens.get(i).asString() + ")")
            .isInstanceOf(TemplateException.class);
      }
    }
    assertThatThrownBy(() ->
            JinjaTemplate.compile("{{ raise_exception('roles must alternate') }}").render(Map.of()))
        .hasMessage("line 1: raise_exception: roles must alternate");
    assertThatThrownBy(() -> JinjaTemplate.compile("a\n{% for x in y %}\nb").render(Map.of()))
        .hasMessageContaining("line 2")
        .hasMessageContaining("never closed");
  }
}
