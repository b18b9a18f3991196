package io.prorl.engine.tokenizer;

import io.prorl.engine.template.JinjaTemplate;
import io.prorl.engine.template.TemplateException;
import io.prorl.tasks.ChatMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model's prompt format: the {@code chat_template} of its {@code tokenizer_config.json}, rendered
 * as Hugging Face transformers' {@code apply_chat_template(messages, tokenize=False,
 * add_generation_prompt=True)} renders it ({@link JinjaTemplate}), with the tokenizer config's
 * special tokens ({@code bos_token}, {@code eos_token}, ...; a string or an {@code AddedToken}
 * object's content; a null token is left undefined, as transformers leaves it) as variables.
 */
public final class ChatTemplate {
  public static final String CONFIG = "tokenizer_config.json";
  private static final List<String> SPECIAL_TOKENS =
      List.of(
          "bos_token",
          "eos_token",
          "unk_token",
          "sep_token",
          "pad_token",
          "cls_token",
          "mask_token");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final JinjaTemplate template;
  private final Map<String, Object> specialTokens;
  private final String origin;

  private ChatTemplate(JinjaTemplate template, Map<String, Object> specialTokens, String origin) {
    this.template = template;
    this.specialTokens = specialTokens;
    this.origin = origin;
  }

  /**
   * The template of a {@code tokenizer_config.json}.
   *
   * @throws IOException naming the file and field when it is unreadable, has no {@code
   *     chat_template}, or the template does not parse
   */
  public static ChatTemplate read(Path tokenizerConfig) throws IOException {
    ChatTemplate t = readIfPresent(tokenizerConfig);
    if (t == null) {
      throw new IOException(
          tokenizerConfig + ": field chat_template: missing; the model's prompt format is unknown");
    }
    return t;
  }

  /**
   * {@link #read}, or null when the file has no {@code chat_template} (a base model's tokenizer may
   * have none; rendering a prompt then fails, naming the file).
   */
  public static ChatTemplate readIfPresent(Path tokenizerConfig) throws IOException {
    JsonNode config;
    try {
      config = JSON.readTree(Files.readString(tokenizerConfig));
    } catch (JacksonException e) {
      throw new IOException(tokenizerConfig + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode source = config.get("chat_template");
    if (source != null && source.isArray()) { // transformers' named templates: take "default"
      JsonNode named = null;
      for (JsonNode t : source) {
        if ("default".equals(t.path("name").asString(""))) {
          named = t.get("template");
        }
      }
      source = named;
    }
    if (source == null || source.isNull()) {
      return null;
    }
    if (!source.isString()) {
      throw new IOException(tokenizerConfig + ": field chat_template: not a string");
    }
    Map<String, Object> tokens = new HashMap<>();
    for (String name : SPECIAL_TOKENS) {
      JsonNode t = config.get(name);
      if (t == null || t.isNull()) {
        continue;
      }
      JsonNode content = t.isObject() ? t.get("content") : t;
      if (content == null || !content.isString()) {
        throw new IOException(
            tokenizerConfig + ": field " + name + ": neither a string nor a token with content");
      }
      tokens.put(name, content.asString());
    }
    JsonNode extra = config.get("additional_special_tokens");
    if (extra != null && extra.isArray()) {
      List<Object> list = new ArrayList<>();
      extra.forEach(t -> list.add(t.isObject() ? t.path("content").asString() : t.asString()));
      tokens.put("additional_special_tokens", list);
    }
    try {
      return of(source.asString(), tokens, tokenizerConfig + " field chat_template");
    } catch (TemplateException e) {
      throw new IOException(tokenizerConfig + ": field chat_template: " + e.getMessage(), e);
    }
  }

  /**
   * @param origin where the template came from, for error messages
   * @throws TemplateException when the template does not parse or uses an unsupported construct
   */
  public static ChatTemplate of(String source, Map<String, ?> specialTokens, String origin) {
    return new ChatTemplate(
        JinjaTemplate.compile(source), new LinkedHashMap<>(specialTokens), origin);
  }

  /** {@link #render(List, boolean, Map)} without extra variables. */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    return render(messages, addGenerationPrompt, Map.of());
  }

  /**
   * The text the model sees for {@code messages}.
   *
   * @param extra further variables (e.g. {@code enable_thinking} of Qwen3's template)
   * @throws IllegalArgumentException naming the template's origin when rendering fails (its {@code
   *     raise_exception}, an undefined value used, ...)
   */
  public String render(
      List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> extra) {
    List<Map<String, Object>> turns = new ArrayList<>();
    for (ChatMessage m : messages) {
      Map<String, Object> turn = new LinkedHashMap<>();
      turn.put("role", m.role());
      turn.put("content", m.content());
      turns.add(turn);
    }
    Map<String, Object> vars = new HashMap<>(specialTokens);
    vars.put("messages", turns);
    vars.put("tools", null);
    vars.put("documents", null);
    vars.put("add_generation_prompt", addGenerationPrompt);
    vars.putAll(extra);
    try {
      return template.render(vars);
    } catch (TemplateException e) {
      throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
    }
  }

  /** The variables a test renders raw templates with: these tokens plus {@code vars}. */
  public String renderRaw(Map<String, ?> vars) {
    Map<String, Object> all = new HashMap<>(specialTokens);
    all.putAll(vars);
    return template.render(all);
  }
}
