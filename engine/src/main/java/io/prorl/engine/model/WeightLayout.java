package io.prorl.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** The HF Qwen2 tensor names and shapes a config implies, in checkpoint order. */
public final class WeightLayout {
  private WeightLayout() {}

  public static Map<String, long[]> of(ModelConfig c) {
    long d = c.hiddenSize();
    long kv = (long) c.numKvHeads() * c.headDim();
    long ff = c.intermediateSize();
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "model.layers." + i + ".";
      m.put(p + "input_layernorm.weight", new long[] {d});
      m.put(p + "self_attn.q_proj.weight", new long[] {d, d});
      m.put(p + "self_attn.q_proj.bias", new long[] {d});
      m.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
      m.put(p + "self_attn.k_proj.bias", new long[] {kv});
      m.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
      m.put(p + "self_attn.v_proj.bias", new long[] {kv});
      m.put(p + "self_attn.o_proj.weight", new long[] {d, d});
      m.put(p + "post_attention_layernorm.weight", new long[] {d});
      m.put(p + "mlp.gate_proj.weight", new long[] {ff, d});
      m.put(p + "mlp.up_proj.weight", new long[] {ff, d});
      m.put(p + "mlp.down_proj.weight", new long[] {d, ff});
    }
    m.put("model.norm.weight", new long[] {d});
    if (!c.tieWordEmbeddings()) {
      m.put("lm_head.weight", new long[] {c.vocabSize(), d});
    }
    return m;
  }
}
