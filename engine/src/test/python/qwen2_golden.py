"""Writes a golden Qwen2 checkpoint and its logits for the Java engine's compatibility test.

The forward pass below follows Hugging Face transformers' modeling_qwen2.py (RMSNorm, rotate-half
rotary embedding, repeat_kv grouped-query attention with q/k/v bias, SwiGLU MLP, untied LM head)
in plain PyTorch, since transformers itself cannot be installed here. Weights are rounded to
bfloat16 and stored as BF16, the usual dtype of HF checkpoints, so the test also covers bf16
reading. Run with Debian's python3-torch:

    /usr/bin/python3 engine/src/test/python/qwen2_golden.py engine/src/test/resources/golden/qwen2-tiny
"""
import json, math, os, struct, sys
import torch

torch.manual_seed(1234)
cfg = dict(vocab_size=64, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
           num_key_value_heads=2, intermediate_size=48, rope_theta=10000.0, rms_norm_eps=1e-6,
           tie_word_embeddings=False, max_position_embeddings=128, eos_token_id=63,
           architectures=["Qwen2ForCausalLM"], model_type="qwen2", hidden_act="silu",
           torch_dtype="bfloat16")
V, D, L, H, KV, FF = 64, 32, 2, 4, 2, 48
HD = D // H

def w(*shape, scale=0.2):
    return (torch.randn(*shape) * scale).to(torch.bfloat16)

params = {"model.embed_tokens.weight": w(V, D, scale=1.0)}
for i in range(L):
    p = f"model.layers.{i}."
    params[p + "input_layernorm.weight"] = (1 + 0.1 * torch.randn(D)).to(torch.bfloat16)
    params[p + "self_attn.q_proj.weight"] = w(D, D)
    params[p + "self_attn.q_proj.bias"] = w(D)
    params[p + "self_attn.k_proj.weight"] = w(KV * HD, D)
    params[p + "self_attn.k_proj.bias"] = w(KV * HD)
    params[p + "self_attn.v_proj.weight"] = w(KV * HD, D)
    params[p + "self_attn.v_proj.bias"] = w(KV * HD)
    params[p + "self_attn.o_proj.weight"] = w(D, D)
    params[p + "post_attention_layernorm.weight"] = (1 + 0.1 * torch.randn(D)).to(torch.bfloat16)
    params[p + "mlp.gate_proj.weight"] = w(FF, D)
    params[p + "mlp.up_proj.weight"] = w(FF, D)
    params[p + "mlp.down_proj.weight"] = w(D, FF)
params["model.norm.weight"] = (1 + 0.1 * torch.randn(D)).to(torch.bfloat16)
params["lm_head.weight"] = w(V, D)
f = {k: v.float() for k, v in params.items()}

def rms(x, wt):
    return wt * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + cfg["rms_norm_eps"]))

def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)

def forward(ids):
    B, T = ids.shape
    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, HD, 2).float() / HD))
    pos = torch.arange(T).float()
    freqs = pos[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[None, None], emb.sin()[None, None]
    x = f["model.embed_tokens.weight"][ids]
    mask = torch.full((T, T), float("-inf")).triu(1)
    for i in range(L):
        p = f"model.layers.{i}."
        h = rms(x, f[p + "input_layernorm.weight"])
        q = h @ f[p + "self_attn.q_proj.weight"].T + f[p + "self_attn.q_proj.bias"]
        k = h @ f[p + "self_attn.k_proj.weight"].T + f[p + "self_attn.k_proj.bias"]
        v = h @ f[p + "self_attn.v_proj.weight"].T + f[p + "self_attn.v_proj.bias"]
        q = q.view(B, T, H, HD).transpose(1, 2)
        k = k.view(B, T, KV, HD).transpose(1, 2)
        v = v.view(B, T, KV, HD).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = H // KV  # repeat_kv: kv head j serves query heads j*rep .. j*rep+rep-1
        k = k[:, :, None].expand(B, KV, rep, T, HD).reshape(B, H, T, HD)
        v = v[:, :, None].expand(B, KV, rep, T, HD).reshape(B, H, T, HD)
        att = (q @ k.transpose(2, 3)) / math.sqrt(HD) + mask
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, D)
        x = x + o @ f[p + "self_attn.o_proj.weight"].T
        h = rms(x, f[p + "post_attention_layernorm.weight"])
        g = h @ f[p + "mlp.gate_proj.weight"].T
        u = h @ f[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(g) * u) @ f[p + "mlp.down_proj.weight"].T
    x = rms(x, f["model.norm.weight"])
    return x @ f["lm_head.weight"].T

def write_safetensors(path, tensors):
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name, t in tensors.items():
        raw = t.contiguous().view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": "BF16", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(h)))
        out.write(h)
        for b in blobs:
            out.write(b)

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
ids = torch.tensor([[1, 5, 9, 13, 2, 40, 41, 7, 8, 62]])
logits = forward(ids)
write_safetensors(os.path.join(out, "model.safetensors"), params)
with open(os.path.join(out, "config.json"), "w") as fh:
    json.dump(cfg, fh, indent=2)
with open(os.path.join(out, "expected-logits.json"), "w") as fh:
    json.dump({"ids": ids.tolist(), "logits": [round(v, 6) for v in logits.flatten().tolist()]}, fh)
print("wrote", out, "logits", tuple(logits.shape))
