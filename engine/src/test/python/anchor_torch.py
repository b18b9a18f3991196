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
(torch.set_num_threads below); measured figures are in BENCHMARKS.md.
"""
import math, sys, time, torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)
torch.set_num_threads(2)

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
    def __init__(s, V, d, L, h, kv, ff):
        super().__init__(); s.emb = nn.Embedding(V, d); s.blocks = nn.ModuleList(Block(d, h, kv, ff) for _ in range(L)); s.n = RMSNorm(d); s.head = nn.Linear(d, V, bias=False)
    def forward(s, ids, start=0, caches=None):
        pos = torch.arange(start, start + ids.shape[1]); x = s.emb(ids)
        for i, b in enumerate(s.blocks): x = b(x, pos, None if caches is None else caches[i])
        return s.head(s.n(x))

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

print(f"torch {torch.__version__} threads {torch.get_num_threads()}  matmul fp32 1024^3: {matmul_gflops():.1f} GFLOP/s")
bench("tiny", V=512, d=128, L=4, h=4, kv=2, ff=384)
bench("~50M", V=8192, d=512, L=8, h=8, kv=2, ff=1536, B=8, T=128, steps=3, dec_B=16, dec_T=32)
