"""Writes the golden inputs, losses and gradients of VerlParityTest: verl's RL loss and the warm
start's SFT loss, differentiated by PyTorch through an HF-style Qwen2 forward, on a warm-started
checkpoint of the embedded default policy.

The checkpoint (config.json, model.safetensors in BF16) and examples.json (tokenised warm-start
examples: prompt + worked solution + <|im_end|>, with their loss weights) were made once by a
throwaway Java program on the test classpath: EmbeddedDefault.config() initialised with seed 1,
WarmStart.run for 200 steps (batch 16, lr 2e-3, endWeight 4) on 300 two-term arithmetic problems
(maxOperand 9, seed 11) and 150 4-vertex graph colorings (p 0.5, 3 colors, seed 12), written with
SafeTensors.write(model.toTensors(), BF16, ...); examples.json holds WarmStart.example(tokenizer,
p, 4.0) of 8 held-out arithmetic and 4 held-out graph-coloring problems. Rounded to bf16, both
sides load bit-identical weights. This script only reads them.

What it computes, all in float64 (the reference; the engine runs in float32):

  * RL samples: prompts from examples.json (some left-trimmed so the lengths differ), responses
    sampled from the checkpoint at T = 1 with a seeded generator, one of them cut short and marked
    counted = false (a truncated response under maskTruncated: masked out of the loss).
  * Per RL case, the HF/verl scoring of the responses: prompts LEFT-padded to the longest prompt,
    responses RIGHT-padded, attention mask = real tokens, position ids = clamp(cumsum(mask) - 1,
    min 0) (verl's compute_position_id_with_mask), logits / T, log_softmax, gather.
  * old log-probs = those log-probs minus a chosen log-ratio per token, so that the lower clip
    (A < 0, ratio < 1 - 0.2), the upper clip (A > 0, ratio > 1 + 0.28) and the dual clip (A < 0,
    ratio > clip_ratio_c = 3) each bind on some counted tokens; no ratio lies within 0.03 (in log
    space) of 0.8, 1.28 or 3, so float32 noise cannot flip a branch. ref log-probs = log-probs plus
    N(0, 0.5) noise. Both are drawn again until they are <= 0 (log-probs), and stored as float32
    and used as such.
  * verl's compute_policy_loss_vanilla + kl_penalty(..., "low_var_kl") * kl_coef (0.05), both
    through agg_loss, then loss.backward(): the loss and every parameter's gradient.
      (a) token-mean at T = 1.0, (b) seq-mean-token-mean at T = 0.7.
    agg_loss convention for a fully masked (truncated) sequence in seq-mean-token-mean: verl
    divides by torch.sum(loss_mask, -1) = 0 (NaN); the engine (GrpoLoss.aggregate) clamps that
    length at 1, so the sequence contributes 0, and the mean still divides by the number of
    sequences INCLUDING it. This script follows the engine there and is verl everywhere else.
    verl's masked_mean adds 1e-8 to the token count in some versions; with ~300 tokens that
    changes the loss by ~3e-11 relative, so it is left out.
  * (c) the warm start's SFT loss L = - sum_i sum_t w_it log p(x_i,t+1 | x_i,<=t) / sum w on
    examples right-padded, positions 0..len-1 (WarmStart.backward).

Outputs, in the checkpoint's folder: inputs.json (samples, per-case old/ref log-probs, expected
log-probs, losses, clip counts) and grad-<case>.safetensors (F32, one tensor per parameter, named
as Qwen2Model.parameters(); the tied embedding is one tensor, model.embed_tokens.weight). Run with
Debian's python3-torch:

    /usr/bin/python3 engine/src/test/python/verl_parity_golden.py \
        engine/src/test/resources/golden/verl-parity
"""
import json, math, os, random, struct, sys
import numpy as np
import torch

torch.set_default_dtype(torch.float64)

EPS_LOW, EPS_HIGH, CLIP_RATIO_C, KL_COEF = 0.2, 0.28, 3.0, 0.05
IM_END = 1023
DIR = sys.argv[1]


# ---------------------------------------------------------------- checkpoint


def read_safetensors(path):
    with open(path, "rb") as fh:
        (n,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(n))
        data = fh.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        raw = data[a:b]
        if info["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
            values = bits.view(np.float32)
        elif info["dtype"] == "F32":
            values = np.frombuffer(raw, dtype=np.float32)
        else:
            raise ValueError(info["dtype"])
        out[name] = torch.from_numpy(values.astype(np.float64).reshape(info["shape"]))
    return out


def write_safetensors_f32(path, tensors):
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name, t in tensors.items():
        raw = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(h)))
        out.write(h)
        for b in blobs:
            out.write(b)


cfg = json.load(open(os.path.join(DIR, "config.json")))
V, D, L = cfg["vocab_size"], cfg["hidden_size"], cfg["num_hidden_layers"]
H, KV = cfg["num_attention_heads"], cfg["num_key_value_heads"]
HD, EPS, THETA = D // H, cfg["rms_norm_eps"], cfg["rope_theta"]
assert cfg["tie_word_embeddings"], "the embedded default ties its LM head to the embedding"
weights = read_safetensors(os.path.join(DIR, "model.safetensors"))
# the engine's parameter names, in WeightLayout's order (no lm_head.weight: tied)
NAMES = ["model.embed_tokens.weight"]
for i in range(L):
    p = f"model.layers.{i}."
    NAMES += [p + n for n in (
        "input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.q_proj.bias",
        "self_attn.k_proj.weight", "self_attn.k_proj.bias", "self_attn.v_proj.weight",
        "self_attn.v_proj.bias", "self_attn.o_proj.weight", "post_attention_layernorm.weight",
        "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight")]
NAMES.append("model.norm.weight")
assert sorted(NAMES) == sorted(weights), "checkpoint tensors differ from the engine's layout"


# ---------------------------------------------------------------- HF Qwen2 forward


def rms(x, w):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS))


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def forward(f, ids, mask, pos):
    """Logits [B, T, V]: ids, attention mask (1 real, 0 padding) and position ids, all [B, T]."""
    B, T = ids.shape
    # HF: inv_freq in float32, the angles and their cos / sin here in float64
    inv_freq = (1.0 / (THETA ** (torch.arange(0, HD, 2, dtype=torch.int64).float() / HD))).double()
    freqs = pos.double()[..., None] * inv_freq
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]
    allowed = torch.ones(T, T, dtype=torch.bool).tril()[None] & mask.bool()[:, None, :]
    allowed = allowed[:, None]  # [B, 1, T, T]: causal and not padding
    x = f["model.embed_tokens.weight"][ids]
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
        att = (q @ k.transpose(2, 3)) / math.sqrt(HD)
        # HF's eager mask: the dtype's minimum, so a padding query row is uniform, never NaN
        att = att.masked_fill(~allowed, torch.finfo(att.dtype).min)
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, D)
        x = x + o @ f[p + "self_attn.o_proj.weight"].T
        h = rms(x, f[p + "post_attention_layernorm.weight"])
        g = h @ f[p + "mlp.gate_proj.weight"].T
        u = h @ f[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(g) * u) @ f[p + "mlp.down_proj.weight"].T
    x = rms(x, f["model.norm.weight"])
    return x @ f["model.embed_tokens.weight"].T  # tied LM head


def position_ids(mask):
    """verl's compute_position_id_with_mask."""
    return torch.clip(torch.cumsum(mask, dim=-1) - 1, min=0)


def score(f, prompts, responses, temperature):
    """verl-style log-probs [B, R] of the response tokens and the response mask [B, R]."""
    P = max(len(p) for p in prompts)
    R = max(len(r) for r in responses)
    B = len(prompts)
    ids = torch.zeros(B, P + R, dtype=torch.long)
    mask = torch.zeros(B, P + R, dtype=torch.long)
    resp = torch.zeros(B, R, dtype=torch.long)
    resp_mask = torch.zeros(B, R)
    for b, (p, r) in enumerate(zip(prompts, responses)):
        ids[b, P - len(p) : P] = torch.tensor(p)  # left padding
        ids[b, P : P + len(r)] = torch.tensor(r)  # right padding
        mask[b, P - len(p) : P + len(r)] = 1
        resp[b, : len(r)] = torch.tensor(r)
        resp_mask[b, : len(r)] = 1
    logits = forward(f, ids, mask, position_ids(mask))
    logits = logits[:, P - 1 : P + R - 1] / temperature  # the states that predict the response
    logp = torch.log_softmax(logits, dim=-1).gather(-1, resp[..., None]).squeeze(-1)
    return logp, resp_mask


# ---------------------------------------------------------------- verl (core_algos.py)


def agg_loss(loss_mat, loss_mask, loss_agg_mode):
    if loss_agg_mode == "token-mean":
        return (loss_mat * loss_mask).sum() / loss_mask.sum()  # verl_F.masked_mean
    if loss_agg_mode == "seq-mean-token-mean":
        # the engine's convention for a fully masked sequence (see the module comment): its length
        # is clamped to 1 (verl: 0, hence NaN) and it counts in the mean over sequences
        seq_losses = torch.sum(loss_mat * loss_mask, dim=-1) / torch.sum(loss_mask, dim=-1).clamp(min=1)
        return torch.mean(seq_losses)
    raise ValueError(loss_agg_mode)


def compute_policy_loss_vanilla(old_log_prob, log_prob, advantages, response_mask, loss_agg_mode):
    negative_approx_kl = log_prob - old_log_prob
    negative_approx_kl = torch.clamp(negative_approx_kl, min=-20.0, max=20.0)
    ratio = torch.exp(negative_approx_kl)
    pg_losses1 = -advantages * ratio
    pg_losses2 = -advantages * torch.clamp(ratio, 1 - EPS_LOW, 1 + EPS_HIGH)
    clip_pg_losses1 = torch.maximum(pg_losses1, pg_losses2)
    pg_losses3 = -advantages * CLIP_RATIO_C
    clip_pg_losses2 = torch.min(pg_losses3, clip_pg_losses1)
    pg_losses = torch.where(advantages < 0, clip_pg_losses2, clip_pg_losses1)
    return agg_loss(loss_mat=pg_losses, loss_mask=response_mask, loss_agg_mode=loss_agg_mode)


def kl_penalty_low_var_kl(logprob, ref_logprob):
    kl = ref_logprob - logprob
    kl = torch.clamp(kl, min=-20, max=20)
    ratio = torch.exp(kl)
    kld = (ratio - kl - 1).contiguous()
    return torch.clamp(kld, min=-10, max=10)


# ---------------------------------------------------------------- inputs

examples = json.load(open(os.path.join(DIR, "examples.json")))["examples"]
arith = [e for e in examples if e["family"] == "arithmetic"]
graph = [e for e in examples if e["family"] == "graph_color"]
base = {name: weights[name] for name in NAMES}
rng = random.Random(20250601)


def sample(prompt, max_new):
    """A response drawn from the checkpoint at T = 1 (inverse CDF on a seeded uniform)."""
    out = []
    with torch.no_grad():
        while len(out) < max_new:
            seq = torch.tensor([prompt + out])
            m = torch.ones_like(seq)
            probs = torch.softmax(forward(base, seq, m, position_ids(m))[0, -1], -1)
            token = int(torch.searchsorted(torch.cumsum(probs, 0), torch.tensor([rng.random()]))[0])
            out.append(min(token, V - 1))
            if out[-1] == IM_END:
                break
    return out


# (prompt source, tokens trimmed from the prompt's left, most new tokens, advantage, counted):
# interleaved so that each of two lanes (5 + 5) gets several prompt and response lengths
PLAN = [
    (arith[0], 0, 48, 0.8, True),
    (graph[0], 0, 48, -0.9, True),
    (arith[1], 5, 48, 0.7, True),
    (arith[2], 0, 48, -1.3, True),
    (graph[1], 0, 9, -0.8, False),  # truncated: cut at 9 tokens, masked out of the loss
    (arith[3], 9, 48, 0.5, True),
    (graph[2], 0, 48, -1.0, True),
    (arith[4], 2, 48, -0.6, True),
    (graph[3], 0, 48, 0.9, True),
    (arith[5], 0, 48, -1.1, True),
]
samples = []
for src, trim, max_new, adv, counted in PLAN:
    prompt = src["tokens"][trim : src["promptLength"]]
    response = sample(prompt, max_new)
    assert counted or response[-1] != IM_END, "the truncated response must not have ended"
    samples.append(dict(prompt=prompt, response=response, advantage=adv, counted=counted))
prompts = [s["prompt"] for s in samples]
responses = [s["response"] for s in samples]
advantages = torch.tensor([s["advantage"] for s in samples])[:, None]
counted = torch.tensor([1.0 if s["counted"] else 0.0 for s in samples])[:, None]

LN_BOUNDS = [math.log(1 - EPS_LOW), math.log(1 + EPS_HIGH), math.log(CLIP_RATIO_C)]


def draw_log_ratio(adv, logp):
    """log(pi / pi_old) for one token of log-prob logp, chosen so the clips bind on some tokens,
    never sit on a boundary, and old = logp - log_ratio is a log-prob (<= 0)."""
    while True:
        u = rng.random()
        if adv > 0:  # inside, upper clip, below the range (unclipped for A > 0)
            d = rng.uniform(-0.15, 0.2) if u < 0.5 else rng.uniform(0.3, 0.9) if u < 0.85 else rng.uniform(-0.7, -0.3)
        else:  # inside, lower clip, above the range but under c, dual clip
            d = (rng.uniform(-0.15, 0.2) if u < 0.35 else rng.uniform(-0.8, -0.3) if u < 0.6
                 else rng.uniform(0.3, 1.0) if u < 0.8 else rng.uniform(1.2, 2.0))
        if all(abs(d - b) > 0.03 for b in LN_BOUNDS) and logp - d <= 0:
            return d


def draw_ref(logp):
    """A reference log-prob: logp plus N(0, 0.5) noise, redrawn until it is <= 0."""
    while True:
        ref = logp + rng.gauss(0.0, 0.5)
        if ref <= 0:
            return ref


def f32(t):
    return t.to(torch.float32).to(torch.float64)


def rl_case(name, agg, temperature):
    with torch.no_grad():
        logp0, resp_mask = score(base, prompts, responses, temperature)
    old = torch.zeros_like(logp0)
    ref = torch.zeros_like(logp0)
    for b, s in enumerate(samples):
        for t in range(len(s["response"])):
            old[b, t] = logp0[b, t] - draw_log_ratio(s["advantage"], logp0[b, t].item())
            ref[b, t] = draw_ref(logp0[b, t].item())
    old, ref = f32(old) * resp_mask, f32(ref) * resp_mask
    mask = resp_mask * counted  # the engine: scored mask times counted
    params = {n: w.clone().requires_grad_(True) for n, w in base.items()}
    logp, _ = score(params, prompts, responses, temperature)
    pg = compute_policy_loss_vanilla(old, logp, advantages, mask, agg)
    kl = agg_loss(kl_penalty_low_var_kl(logp, ref), mask, agg)
    loss = pg + kl * KL_COEF
    loss.backward()
    with torch.no_grad():
        log_ratio = logp - old
        neg, pos, on = (advantages < 0) & (mask > 0), (advantages > 0) & (mask > 0), mask > 0
        margin = min(abs(log_ratio[on] - b).min().item() for b in LN_BOUNDS)
        counts = dict(
            clipLow=int((neg & (log_ratio < LN_BOUNDS[0])).sum()),
            clipHigh=int((pos & (log_ratio > LN_BOUNDS[1])).sum()),
            clipDual=int((neg & (log_ratio > LN_BOUNDS[2])).sum()),
        )
    assert margin > 0.02, f"{name}: a ratio lies {margin} from a clip boundary"
    assert all(v > 0 for v in counts.values()), f"{name}: a clip never binds: {counts}"
    assert abs(loss.item()) > 0.2, f"{name}: loss {loss.item()} too close to 0 for a relative check"
    grads = {n: params[n].grad for n in NAMES}
    write_safetensors_f32(os.path.join(DIR, f"grad-{name}.safetensors"), grads)
    lp = [[float(v) for v in f32(logp0[b, : len(r)])] for b, r in enumerate(responses)]
    print(f"{name}: loss {loss.item():.9f} (pg {pg.item():.6f}, kl {kl.item():.6f}), {counts}, "
          f"tokens {int(mask.sum())}, boundary margin {margin:.3f}, "
          f"mean logp {(logp0 * resp_mask).sum().item() / resp_mask.sum().item():.3f}")
    return dict(
        name=name, aggregation="TOKEN" if agg == "token-mean" else "SEQUENCE",
        temperature=temperature, loss=loss.item(), pgLoss=pg.item(), klLoss=kl.item(),
        countedTokens=int(mask.sum()), **counts,
        oldLogp=[[float(v) for v in old[b, : len(r)]] for b, r in enumerate(responses)],
        refLogp=[[float(v) for v in ref[b, : len(r)]] for b, r in enumerate(responses)],
        logp=lp, gradients=f"grad-{name}.safetensors")


def sft_case(name, chosen):
    B = len(chosen)
    T = max(len(e["tokens"]) for e in chosen) - 1
    ids = torch.zeros(B, T, dtype=torch.long)
    targets = torch.zeros(B, T, dtype=torch.long)
    w = torch.zeros(B, T)
    mask = torch.zeros(B, T, dtype=torch.long)
    for i, e in enumerate(chosen):
        n = len(e["tokens"]) - 1
        ids[i, :n] = torch.tensor(e["tokens"][:-1])
        targets[i, :n] = torch.tensor(e["tokens"][1:])
        w[i, :n] = torch.tensor(e["weights"])
        mask[i, :n] = 1
    params = {n: v.clone().requires_grad_(True) for n, v in base.items()}
    pos = torch.arange(T)[None].expand(B, T)  # right padding: positions 0..len-1
    logp = torch.log_softmax(forward(params, ids, mask, pos), -1).gather(-1, targets[..., None]).squeeze(-1)
    loss = -(w * logp).sum() / w.sum()
    loss.backward()
    write_safetensors_f32(os.path.join(DIR, f"grad-{name}.safetensors"), {n: params[n].grad for n in NAMES})
    print(f"{name}: loss {loss.item():.9f}, {B} examples, weight {w.sum().item()}")
    return dict(name=name, loss=loss.item(), gradients=f"grad-{name}.safetensors",
                examples=[dict(tokens=e["tokens"], weights=e["weights"]) for e in chosen])


cases = [rl_case("token-t1", "token-mean", 1.0), rl_case("seq-t07", "seq-mean-token-mean", 0.7)]
# the SFT batch: 8 arithmetic and 2 graph-coloring examples, the long ones apart so lanes differ
sft = sft_case("sft", [graph[0]] + arith[:5] + [graph[1]] + arith[5:8])
with open(os.path.join(DIR, "inputs.json"), "w") as fh:
    json.dump(dict(
        note="written by engine/src/test/python/verl_parity_golden.py; do not edit",
        epsLow=EPS_LOW, epsHigh=EPS_HIGH, clipRatioC=CLIP_RATIO_C, klCoef=KL_COEF,
        samples=samples, cases=cases, sft=sft), fh)
print("lengths: prompts", [len(p) for p in prompts], "responses", [len(r) for r in responses])
