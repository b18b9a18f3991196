"""Performance anchor: PyTorch eager on the CPU, on the shapes the Java engine's benchmark uses.

Trains and samples a Qwen2-shaped decoder (RMSNorm, RoPE, grouped-query attention with q/k/v bias,
SwiGLU MLP, untied LM head) in plain PyTorch and prints three figures: the fp32 matmul ceiling
(1024^3), training tokens/s (forward + next-token cross-entropy + backward + AdamW) and KV-cache
decode tokens/s. engine/src/test/java/io/prorl/engine/bench/EngineBench.java prints the same
figures for the Java engine at the same shapes, so the ratio Java / PyTorch can be read off one
run on one machine (BENCHMARKS.md, "Engine vs the PyTorch anchor"). The two shapes:

  tiny: vocab 512, d 128, 4 layers, 4 heads / 2 KV heads, ff 384; train batch 32 x 64 tokens;
        decode 64 sequences, 8-token prompt + 64 new tokens;
  ~32M: vocab 8192, d 512, 8 layers, 8 heads / 2 KV heads, ff 1536; train batch 8 x 128;
        decode 16 sequences, 8 + 32 tokens (printed as "~50M"; it has 32.5M parameters).

Set-up (Debian): apt-get install -y python3-torch libopenblas0-pthread. Without OpenBLAS,
Debian's torch falls back to the reference BLAS and runs about 30x slower. Run it with Debian's
python, not another one on the PATH, from the repository root:

    /usr/bin/python3 engine/src/test/python/anchor_torch.py

(`./prorl bench-engine anchor` runs it and then the Java engine.) It uses 2 threads
(torch.set_num_threads below; ANCHOR_THREADS=1 for one); measured figures are in BENCHMARKS.md.

`anchor_torch.py rl` times one whole RL step instead, as RlStepBench does it in Java
(`./prorl bench-rl anchor` runs both): 8 prompts x 8 responses of 32 new tokens sampled with a KV
cache at temperature 1 (the sampler's log-probs kept as the "old" ones), the reference policy's
log-probs of the responses (no gradient, no entropy), then 2 mini-batch updates of 32 responses,
each: policy log-probs and entropy of the response tokens, the clipped surrogate with
eps_low 0.2 / eps_high 0.28 and a k3 KL term (beta 1e-3), global-norm clipping at 1, AdamW. Shapes:
the embedded tiny policy (vocab 1024, d 160, 4 layers, 4 / 2 heads, ff 448, tied embeddings) and
~32M (as above). The prompt length is an argument (`rl P`, default 24: RlStepBench prints the
length its prompts have).

`anchor_torch.py update DIR N T naive|chunked` measures one RL update of the HF directory DIR
(config.json and safetensors, as `prorl engine init` writes them), as UpdateMemoryBench does it in
Java (`./prorl bench-update-memory DIR`): N responses of T random tokens after
64-token prompts, old and reference log-probs -12, advantages +-1, the clipped surrogate with a k3
KL term (beta 1e-3), token-mean, global-norm clipping, AdamW (its moments made by a first update of
a 1-token response). `naive` forms the whole [N, T, V] logits with their softmax and entropy and
back-propagates once; `chunked` does what the Java engine does with logitChunk 1,024: the trunk to
the hidden states h, cut into a leaf, per chunk of 1,024 positions (over the batch) the chunk's
loss from the leaf, back-propagated, then h.backward(leaf.grad). It prints what the Java bench
prints: the base RSS, the backward's peak and seconds, the optimizer step's peak (the peak reset
before each, /proc/self/clear_refs) and the update's seconds; a watchdog ends the process when RSS
passes 22 GB ("out of memory").
"""
import copy, math, os, sys, time, torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)
torch.set_num_threads(int(os.environ.get("ANCHOR_THREADS", "2")))

def matmul_gflops(n=1024, reps=20):
    a = torch.randn(n, n)
    for _ in range(3): a @ a
    t = time.perf_counter()
    for _ in range(reps): a @ a
    return reps * 2 * n**3 / (time.perf_counter() - t) / 1e9

class RMSNorm(nn.Module):
    def __init__(s, d, eps=1e-6): super().__init__(); s.w = nn.Parameter(torch.ones(d)); s.eps = eps
    def forward(s, x): return s.w * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + s.eps)

def rope(x, pos, theta=10000.0):
    d = x.shape[-1]; inv = theta ** (-torch.arange(0, d, 2).float() / d)
    ang = pos[:, None].float() * inv[None]; cos, sin = ang.cos(), ang.sin()
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)

class Block(nn.Module):
    def __init__(s, d, h, kv, ff):
        super().__init__(); s.h, s.kv, s.hd = h, kv, d // h
        s.n1, s.n2 = RMSNorm(d), RMSNorm(d)
        s.q = nn.Linear(d, d); s.k = nn.Linear(d, kv * s.hd); s.v = nn.Linear(d, kv * s.hd); s.o = nn.Linear(d, d, bias=False)
        s.g = nn.Linear(d, ff, bias=False); s.u = nn.Linear(d, ff, bias=False); s.dn = nn.Linear(ff, d, bias=False)
    def forward(s, x, pos, cache=None):
        B, T, _ = x.shape; y = s.n1(x)
        q = s.q(y).view(B, T, s.h, s.hd).transpose(1, 2); k = s.k(y).view(B, T, s.kv, s.hd).transpose(1, 2); v = s.v(y).view(B, T, s.kv, s.hd).transpose(1, 2)
        q, k = rope(q, pos), rope(k, pos)
        if cache is not None:
            if cache.get("k") is not None: k = torch.cat([cache["k"], k], 2); v = torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        rep = s.h // s.kv; k = k.repeat_interleave(rep, 1); v = v.repeat_interleave(rep, 1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(s.hd)
        S = k.shape[2]
        mask = torch.ones(T, S).tril(S - T).bool()
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        x = x + s.o((att @ v).transpose(1, 2).reshape(B, T, -1))
        y = s.n2(x)
        return x + s.dn(F.silu(s.g(y)) * s.u(y))

class LM(nn.Module):
    def __init__(s, V, d, L, h, kv, ff, tied=False):
        super().__init__(); s.emb = nn.Embedding(V, d); s.blocks = nn.ModuleList(Block(d, h, kv, ff) for _ in range(L)); s.n = RMSNorm(d); s.head = nn.Linear(d, V, bias=False)
        if tied: s.head.weight = s.emb.weight
    def hidden(s, ids, start=0, caches=None):
        pos = torch.arange(start, start + ids.shape[1]); x = s.emb(ids)
        for i, b in enumerate(s.blocks): x = b(x, pos, None if caches is None else caches[i])
        return s.n(x)
    def forward(s, ids, start=0, caches=None):
        return s.head(s.hidden(ids, start, caches))

def bench(name, V, d, L, h, kv, ff, B=32, T=64, steps=10, dec_B=64, dec_T=64):
    m = LM(V, d, L, h, kv, ff); opt = torch.optim.AdamW(m.parameters(), lr=1e-4)
    n = sum(p.numel() for p in m.parameters())
    ids = torch.randint(0, V, (B, T + 1))
    def step():
        logits = m(ids[:, :-1]); loss = F.cross_entropy(logits.reshape(-1, V), ids[:, 1:].reshape(-1))
        opt.zero_grad(); loss.backward(); opt.step()
    for _ in range(2): step()
    t = time.perf_counter()
    for _ in range(steps): step()
    train_tps = steps * B * T / (time.perf_counter() - t)
    with torch.no_grad():
        def decode():
            caches = [dict() for _ in range(L)]; x = torch.randint(0, V, (dec_B, 8)); logits = m(x, 0, caches); pos = 8
            for _ in range(dec_T):
                nxt = torch.multinomial(logits[:, -1].softmax(-1), 1); logits = m(nxt, pos, caches); pos += 1
        decode(); t = time.perf_counter(); decode(); dec_tps = dec_B * dec_T / (time.perf_counter() - t)
    print(f"{name}: params {n/1e6:.2f}M  train {train_tps:,.0f} tok/s (fwd+bwd+AdamW, B={B} T={T})  decode {dec_tps:,.0f} tok/s (KV cache, B={dec_B})  train GFLOP/s {6*n*train_tps/1e9:.1f}")

def response_logprobs(m, seq, P, with_entropy):
    """log-probs (and entropy) of the response tokens seq[:, P:]: the head runs on the positions
    that predict them only, as the Java SequenceScorer does."""
    h = m.hidden(seq[:, :-1])[:, P - 1 :]
    logp = F.log_softmax(m.head(h), -1)
    lp = logp.gather(-1, seq[:, P:, None]).squeeze(-1)
    return lp, (-(logp.exp() * logp).sum(-1) if with_entropy else None)

def rl_step(pol, ref, opt, V, P, prompts=8, group=8, new=32, updates=2, eps_low=0.2, eps_high=0.28, beta=1e-3):
    """One RL step; returns (sample s, reference s, update s)."""
    t0 = time.perf_counter()
    with torch.no_grad():
        ids = torch.randint(0, V, (prompts, P)).repeat_interleave(group, 0)
        caches = [dict() for _ in pol.blocks]; logits = pol(ids, 0, caches)[:, -1]
        toks, old = [], []
        for t in range(new):
            logp = F.log_softmax(logits, -1); nxt = torch.multinomial(logp.exp(), 1)
            toks.append(nxt); old.append(logp.gather(-1, nxt))
            if t + 1 < new: logits = pol(nxt, P + t, caches)[:, -1]
        seq = torch.cat([ids] + toks, 1); old = torch.cat(old, 1)
        reward = torch.rand(prompts, group)
        adv = ((reward - reward.mean(1, keepdim=True)) / (reward.std(1, keepdim=True) + 1e-6)).reshape(-1, 1)
    t1 = time.perf_counter()
    with torch.no_grad():
        ref_lp, _ = response_logprobs(ref, seq, P, False)
    t2 = time.perf_counter()
    per = seq.shape[0] // updates
    for u in range(updates):
        mb = slice(u * per, (u + 1) * per)
        lp, ent = response_logprobs(pol, seq[mb], P, True)
        ratio = (lp - old[mb]).exp()
        surrogate = torch.min(ratio * adv[mb], ratio.clamp(1 - eps_low, 1 + eps_high) * adv[mb])
        d = ref_lp[mb] - lp; kl = d.exp() - d - 1
        loss = (-surrogate + beta * kl).sum() / lp.numel()
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(pol.parameters(), 1.0); opt.step()
        _ = ent.detach().mean().item()
    return t1 - t0, t2 - t1, time.perf_counter() - t2

def rl_bench(name, V, d, L, h, kv, ff, tied, P, steps=3):
    pol = LM(V, d, L, h, kv, ff, tied); ref = copy.deepcopy(pol)
    for p in ref.parameters(): p.requires_grad_(False)
    opt = torch.optim.AdamW(pol.parameters(), lr=1e-4, weight_decay=0.0)
    rl_step(pol, ref, opt, V, P)
    t = [rl_step(pol, ref, opt, V, P) for _ in range(steps)]
    med = lambda xs: sorted(xs)[len(xs) // 2]
    s, r, u = (med([x[i] for x in t]) for i in range(3))
    n = sum(p.numel() for p in pol.parameters())
    print(f"{name:<6} {'torch':>6} {n/1e6:7.1f}M {s:10.2f} {r:12.2f} {u:10.2f} {med([sum(x) for x in t]):10.2f}   prompt {P} + 32 new tokens, 64 responses")

def load_hf(d):
    """An LM from an HF Qwen2 directory: config.json and (sharded) safetensors, read by hand."""
    import json, struct, glob
    c = json.load(open(os.path.join(d, "config.json")))
    m = LM(c["vocab_size"], c["hidden_size"], c["num_hidden_layers"], c["num_attention_heads"],
           c["num_key_value_heads"], c["intermediate_size"], c.get("tie_word_embeddings", False))
    names = {"model.embed_tokens.weight": "emb.weight", "model.norm.weight": "n.w", "lm_head.weight": "head.weight"}
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        for hf, ours in [("self_attn.q_proj", "q"), ("self_attn.k_proj", "k"), ("self_attn.v_proj", "v"), ("self_attn.o_proj", "o"),
                         ("mlp.gate_proj", "g"), ("mlp.up_proj", "u"), ("mlp.down_proj", "dn")]:
            names[p + hf + ".weight"] = f"blocks.{i}.{ours}.weight"; names[p + hf + ".bias"] = f"blocks.{i}.{ours}.bias"
        names[p + "input_layernorm.weight"] = f"blocks.{i}.n1.w"; names[p + "post_attention_layernorm.weight"] = f"blocks.{i}.n2.w"
    state = dict(m.named_parameters())
    dtypes = {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32}
    for f in sorted(glob.glob(os.path.join(d, "*.safetensors"))):
        raw = open(f, "rb").read(); n = struct.unpack("<Q", raw[:8])[0]; header = json.loads(raw[8 : 8 + n])
        for name, t in header.items():
            if name == "__metadata__" or name not in names: continue
            a, b = t["data_offsets"]
            x = torch.frombuffer(bytearray(raw[8 + n + a : 8 + n + b]), dtype=dtypes[t["dtype"]]).reshape(t["shape"])
            with torch.no_grad(): state[names[name]].copy_(x.float())
        del raw
    return m

def rss_gb(field="VmRSS"):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"): return int(line.split()[1]) / 1048576
    return 0.0

def update_bench(d, N, T, mode, cap_gb=22.0, P=64, chunk=1024, eps_low=0.2, eps_high=0.28, beta=1e-3):
    import threading
    def watchdog():
        while True:
            r = rss_gb()
            if r > cap_gb:
                print(f"{'torch ' + mode:<20} {N:3d} {T:6d}   out of memory at {r:.1f} GB (killed at the cap)", flush=True); os._exit(3)
            time.sleep(0.02)
    threading.Thread(target=watchdog, daemon=True).start()
    pol = load_hf(d); opt = torch.optim.AdamW(pol.parameters(), lr=1e-6, weight_decay=0.0)
    V = pol.head.weight.shape[0]
    def token_loss(lp, n_tokens, adv):
        old = torch.full_like(lp, -12.0); ratio = (lp - old).exp()
        surrogate = torch.min(ratio * adv, ratio.clamp(1 - eps_low, 1 + eps_high) * adv)
        dlt = -12.0 - lp; kl = dlt.exp() - dlt - 1
        return (-surrogate + beta * kl).sum() / n_tokens
    def update(n, t):
        g = torch.Generator().manual_seed(n * 31 + t)
        seq = torch.randint(0, V, (n, P + t), generator=g); adv = torch.tensor([1.0 if i % 2 == 0 else -1.0 for i in range(n)])[:, None]
        opt.zero_grad()
        h = pol.hidden(seq[:, :-1])[:, P - 1 :]
        if mode == "naive":
            logp = F.log_softmax(pol.head(h), -1); lp = logp.gather(-1, seq[:, P:, None]).squeeze(-1)
            _ = (-(logp.exp() * logp).sum(-1)).detach().sum().item()
            token_loss(lp, n * t, adv).backward()
        else:
            leaf = h.detach().requires_grad_(True); step = max(1, chunk // n)
            for a in range(0, t, step):
                logp = F.log_softmax(pol.head(leaf[:, a : a + step]), -1)
                lp = logp.gather(-1, seq[:, P + a : P + a + step, None]).squeeze(-1)
                _ = (-(logp.exp() * logp).sum(-1)).detach().sum().item()
                token_loss(lp, n * t, adv).backward(); del logp, lp
            h.backward(leaf.grad)
        t1 = time.perf_counter(); backward_peak = rss_gb("VmHWM"); reset_peak()
        torch.nn.utils.clip_grad_norm_(pol.parameters(), 1.0); opt.step()
        return t1, backward_peak
    def reset_peak(): open("/proc/self/clear_refs", "w").write("5")
    update(1, 1)
    base = rss_gb(); reset_peak(); t0 = time.perf_counter(); t1, backward_peak = update(N, T); sec = time.perf_counter() - t0
    print(f"{'torch ' + mode:<20} {N:3d} {T:6d} {base:9.2f} {backward_peak:13.2f} {t1 - t0:12.1f} {rss_gb('VmHWM'):12.2f} {sec:10.1f}", flush=True)

if len(sys.argv) > 1 and sys.argv[1] == "update":
    update_bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    sys.exit(0)

if len(sys.argv) > 1 and sys.argv[1] == "rl":
    P = int(sys.argv[2]) if len(sys.argv) > 2 else 24
    which = sys.argv[3:] or ["tiny", "32m"]
    print(f"torch {torch.__version__} threads {torch.get_num_threads()}: one RL step, medians of 3 after 1")
    print(f"{'model':<6} {'engine':>6} {'params':>8} {'sample s':>10} {'reference s':>12} {'update s':>10} {'step s':>10}")
    if "tiny" in which: rl_bench("tiny", V=1024, d=160, L=4, h=4, kv=2, ff=448, tied=True, P=P)
    if "32m" in which: rl_bench("~32M", V=8192, d=512, L=8, h=8, kv=2, ff=1536, tied=False, P=P)
    sys.exit(0)

print(f"torch {torch.__version__} threads {torch.get_num_threads()}  matmul fp32 1024^3: {matmul_gflops():.1f} GFLOP/s")
bench("tiny", V=512, d=128, L=4, h=4, kv=2, ff=384)
bench("~50M", V=8192, d=512, L=8, h=8, kv=2, ff=1536, B=8, T=128, steps=3, dec_B=16, dec_T=32)
