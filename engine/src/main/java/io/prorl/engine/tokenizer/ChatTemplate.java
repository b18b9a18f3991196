package io.prorl.engine.tokenizer;

/**
 * The ChatML turn format of Qwen models, used for every prompt: the policy sees
 *
 * <pre>
 * &lt;|im_start|&gt;user
 * {prompt}&lt;|im_end|&gt;
 * &lt;|im_start|&gt;assistant
 * </pre>
 *
 * and ends its answer with {@code <|im_end|>}.
 */
public final class ChatTemplate {
  public static final String IM_START = "<|im_start|>";
  public static final String IM_END = "<|im_end|>";
  public static final String END_OF_TEXT = "<|endoftext|>";

  private ChatTemplate() {}

  public static String userTurn(String prompt) {
    return IM_START + "user\n" + prompt + IM_END + "\n" + IM_START + "assistant\n";
  }
}
