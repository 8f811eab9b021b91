#!/usr/bin/env python3
"""PyTorch float32 baseline for tools/bench.sh (issue 11): the online rules of the olrt bench presets, batch 1.

The same rule at the same sizes as tools/OnlineLearning.Baselines/Float32OstlNetwork.cs, written by hand with
tensor kernels (no autograd), one thread, float32:
  LIF with subtractive reset   v = λ (v − θ y) + W x,  y = [v − θ > 0],  h' = 1 / (1 + 25 |v − θ|)²
  OSTL eligibility             ε = D ε + x per synapse, D = λ (1 − θ h'_{t−1})
  immediate update             W −= lr (L ⊙ h') ⊗ ε
  readout                      leaky-integrated logits o = 0.9 o + W_out y, softmax cross-entropy
  learning signal              L_top = W_outᵀ e,  L_{l−1} = W_lᵀ (L_l ⊙ h'_l)
OTTT (shd) keeps a presynaptic trace â = λ â + x per layer input instead of ε and updates W −= lr (L ⊙ h') ⊗ â.
The LRU presets (4 layers, N 64, H 128, encoder 10→128, decoder 128→10, MSE; lru-only layers for lru, GLU blocks with
layer norm for lru-glu) learn online with the exact diagonal traces e_λ, e_γ, e_B (seed 004 A.2) and the error passed
down through the current step only. Their initial values (|λ| in [0.9, 0.999], phase in [0, π/10]) need not match
olrt's: the work per step does not depend on them.

Usage: torch_baseline.py [seconds per preset, default 2] [preset[:rule] ...]
Prints one JSON line per preset and rule: {"preset", "rule", "us_per_step", "steps", "seconds", "torch" (torch.__version__),
"package" (the Debian python3-torch version, or null), "threads", "blas" (BLAS_INFO and the libblas files mapped), "dtype", "batch"}.
"""
import json
import math
import random
import re
import subprocess
import sys
import time

import torch

DECAY, READOUT_LEAK, SLOPE, LR = 0.8, 0.9, 25.0, 1.0 / 1024

# name -> (inputs, hidden sizes, outputs, input spike rate); the same sizes and rates as src/olrt/Bench/BenchPresets.cs.
SNN_PRESETS = {
    "sensor": (12, [64], 8, 0.2),
    "shd": (700, [256, 256], 20, 0.05),
    "mnist": (784, [256, 256], 10, 0.10),
}
DEFAULT_RUNS = ["sensor:ostl", "shd:ostl", "shd:ottt", "mnist:ostl", "lru:online", "lru-glu:online"]


def uniform(rng, rows, cols):
    """Uniform(−1, 1) / sqrt(fan-in), as the C# float32 baseline draws its weights."""
    scale = 1.0 / math.sqrt(cols)
    return torch.tensor([[(rng.random() * 2 - 1) * scale for _ in range(cols)] for _ in range(rows)], dtype=torch.float32)


class Snn:
    """A feed-forward LIF net with a leaky-integrated CE readout, learning with OSTL or OTTT and immediate updates."""

    def __init__(self, inputs, hidden, outputs, rule, seed=1):
        rng = random.Random(seed)
        self.rule = rule
        self.sizes = [inputs] + hidden
        self.w, self.eps, self.trace = [], [], []
        self.v, self.y, self.h, self.theta, self.d, self.pre = [], [], [], [], [], []
        for l, n in enumerate(hidden):
            m = self.sizes[l]
            self.w.append(uniform(rng, n, m))
            # OSTL: ε per synapse [n, m]; OTTT: â per presynaptic input [m].
            self.eps.append(torch.zeros(n, m) if rule == "ostl" else None)
            self.trace.append(torch.zeros(m) if rule == "ottt" else None)
            for buf in (self.v, self.y, self.h, self.d, self.pre):
                buf.append(torch.zeros(n))
            self.theta.append(torch.ones(n))
        top = hidden[-1]
        self.w_out = uniform(rng, outputs, top)
        self.out_trace = torch.zeros(top)
        self.out = torch.zeros(outputs)
        self.lh = [torch.zeros(n) for n in hidden]
        self.signal = [torch.zeros(n) for n in hidden]

    def forward(self, l, x):
        v, y, h, theta, d, pre = self.v[l], self.y[l], self.h[l], self.theta[l], self.d[l], self.pre[l]
        # D = λ (1 − θ h'_{t−1}) from the previous step (LIF with subtractive reset).
        torch.mul(theta, h, out=d)
        d.neg_().add_(1).mul_(DECAY)
        torch.mv(self.w[l], x, out=pre)
        # v = λ (v − θ y) + W x
        v.sub_(theta * y).mul_(DECAY).add_(pre)
        u = v - theta
        torch.gt(u, 0, out=y)  # writes 1.0 / 0.0 into the float tensor
        s = u.abs_().mul_(SLOPE).add_(1)
        torch.reciprocal(s.mul_(s), out=h)

    def step(self, x_in, label):
        x = x_in
        for l in range(len(self.w)):
            if self.rule == "ottt":
                # â = λ â + x: the presynaptic trace of this layer's input.
                self.trace[l].mul_(DECAY).add_(x)
            self.forward(l, x)
            x = self.y[l]
        # o = leak o + W_out y; e = softmax(o) − onehot; the readout's ∂o/∂W_out is a leaky trace of y.
        self.out_trace.mul_(READOUT_LEAK).add_(x)
        self.out.mul_(READOUT_LEAK).add_(torch.mv(self.w_out, x))
        error = torch.softmax(self.out, 0)
        loss = -math.log(max(float(error[label]), 1e-30))
        error[label] -= 1
        # L_top = W_outᵀ e (before the update), then W_out −= lr e ⊗ trace.
        torch.mv(self.w_out.t(), error, out=self.signal[-1])
        self.w_out.addr_(error, self.out_trace, alpha=-LR)
        for l in range(len(self.w) - 1, -1, -1):
            self.learn(l, x_in if l == 0 else self.y[l - 1])
        return loss

    def learn(self, l, x):
        w, lh = self.w[l], self.lh[l]
        torch.mul(self.signal[l], self.h[l], out=lh)
        if l > 0:
            # L_{l−1} = W_lᵀ (L_l ⊙ h'_l), with W before this step's update.
            torch.mv(w.t(), lh, out=self.signal[l - 1])
        if self.rule == "ostl":
            eps = self.eps[l]
            # ε = D ε + x (D per postsynaptic row), then W −= lr (L ⊙ h') ⊗ ε.
            torch.addcmul(x.unsqueeze(0), eps, self.d[l].unsqueeze(1), out=eps)
            w.addcmul_(lh.unsqueeze(1), eps, value=-LR)
        else:
            # OTTT: W −= lr (L ⊙ h') ⊗ â.
            w.addr_(lh, self.trace[l], alpha=-LR)


class LruOnline:
    """
    4 LRU layers (seed 004 Eq. 8-9) between a linear encoder and decoder, online with exact diagonal traces; with
    glu=True each layer adds the block z = (W1 y + b1) ⊙ sigmoid(W2 y + b2), out = LayerNorm(x + z) ⊙ gain + bias,
    whose gradients are instantaneous.
    """

    def __init__(self, inputs=10, width=128, states=64, layers=4, outputs=10, seed=1, glu=False):
        rng = random.Random(seed)
        gen = torch.Generator().manual_seed(seed)
        self.enc = uniform(rng, width, inputs)
        self.dec = uniform(rng, outputs, width)
        self.layers = []
        for _ in range(layers):
            r = torch.empty(states).uniform_(0.9 ** 2, 0.999 ** 2, generator=gen).sqrt()  # |λ| in [0.9, 0.999]
            phase = torch.empty(states).uniform_(0, math.pi / 10, generator=gen)
            p = {
                "nu_log": torch.log(-torch.log(r)), "theta_log": torch.log(phase),
                "gamma_log": torch.log(torch.sqrt(1 - r * r)),
                "B_re": uniform(rng, states, width) / math.sqrt(2), "B_im": uniform(rng, states, width) / math.sqrt(2),
                "C_re": uniform(rng, width, states) / math.sqrt(2), "C_im": uniform(rng, width, states) / math.sqrt(2),
                "D": torch.empty(width).normal_(generator=gen),
                # state h, traces e_λ, e_γ (N, complex as re/im planes) and e_B (N × H, re/im planes)
                "h_re": torch.zeros(states), "h_im": torch.zeros(states),
                "el_re": torch.zeros(states), "el_im": torch.zeros(states),
                "eg_re": torch.zeros(states), "eg_im": torch.zeros(states),
                "eb_re": torch.zeros(states, width), "eb_im": torch.zeros(states, width),
            }
            if glu:
                p.update({"W1": uniform(rng, width, width), "b1": torch.zeros(width), "W2": uniform(rng, width, width),
                          "b2": torch.zeros(width), "gain": torch.ones(width), "bias": torch.zeros(width)})
            self.layers.append(p)
        self.glu = glu

    @staticmethod
    def lam(p):
        mod = torch.exp(-torch.exp(p["nu_log"]))
        ang = torch.exp(p["theta_log"])
        return mod * torch.cos(ang), mod * torch.sin(ang)

    def step(self, u, target):
        x = torch.mv(self.enc, u)
        cache = []
        for p in self.layers:
            lr_, li = self.lam(p)
            gamma = torch.exp(p["gamma_log"])
            v_re, v_im = torch.mv(p["B_re"], x), torch.mv(p["B_im"], x)
            h_re, h_im = p["h_re"], p["h_im"]
            # e_λ = λ e_λ + h_{t−1} (before h moves on)
            el_re, el_im = p["el_re"], p["el_im"]
            nr = lr_ * el_re - li * el_im + h_re
            el_im.mul_(lr_).add_(li * el_re).add_(h_im)
            el_re.copy_(nr)
            # h = λ h + γ v
            nr = lr_ * h_re - li * h_im + gamma * v_re
            h_im.mul_(lr_).add_(li * h_re).add_(gamma * v_im)
            h_re.copy_(nr)
            # e_γ = λ e_γ + v
            eg_re, eg_im = p["eg_re"], p["eg_im"]
            nr = lr_ * eg_re - li * eg_im + v_re
            eg_im.mul_(lr_).add_(li * eg_re).add_(v_im)
            eg_re.copy_(nr)
            # e_B = λ e_B + γ xᵀ (row n decays with λ_n)
            eb_re, eb_im = p["eb_re"], p["eb_im"]
            gx = torch.outer(gamma, x)
            nr = torch.addcmul(gx, eb_re, lr_.unsqueeze(1)).sub_(eb_im * li.unsqueeze(1))
            eb_im.mul_(lr_.unsqueeze(1)).addcmul_(eb_re, li.unsqueeze(1))
            eb_re.copy_(nr)
            # y = Re(C h) + D ⊙ x
            y = torch.mv(p["C_re"], h_re).sub_(torch.mv(p["C_im"], h_im)).addcmul_(p["D"], x)
            block = None
            if self.glu:
                pre = torch.addmv(p["b1"], p["W1"], y)
                g = torch.sigmoid(torch.addmv(p["b2"], p["W2"], y))
                res = torch.addcmul(x, pre, g)  # x + z
                mean, var = res.mean(), res.var(unbiased=False)
                inv_std = torch.rsqrt(var + 1e-5)
                u_hat = res.sub_(mean).mul_(inv_std)
                block = (y, pre, g, u_hat, inv_std)
                out_l = torch.addcmul(p["bias"], u_hat, p["gain"])
            else:
                out_l = y
            cache.append((x, lr_, li, gamma, block))
            x = out_l
        out = torch.mv(self.dec, x)
        err = out - target  # MSE error
        loss = float(0.5 * err.dot(err))
        dy = torch.mv(self.dec.t(), err)
        self.dec.addr_(err, x, alpha=-LR)
        for p, (xin, lr_, li, gamma, block) in zip(reversed(self.layers), reversed(cache)):
            residual = None
            if block is not None:
                # dy is dL/d(out): layer norm, GLU, then dL/dy for the LRU below it; the residual's share goes to x.
                y, pre, g, u_hat, inv_std = block
                d_hat = dy * p["gain"]
                p["gain"].addcmul_(dy, u_hat, value=-LR)
                p["bias"].add_(dy, alpha=-LR)
                residual = (d_hat - d_hat.mean() - u_hat * (d_hat * u_hat).mean()).mul_(inv_std)
                d_pre = residual * g
                d_q = residual * pre * g * (1 - g)
                dy = torch.mv(p["W1"].t(), d_pre).add_(torch.mv(p["W2"].t(), d_q))
                p["W1"].addr_(d_pre, y, alpha=-LR)
                p["b1"].add_(d_pre, alpha=-LR)
                p["W2"].addr_(d_q, y, alpha=-LR)
                p["b2"].add_(d_q, alpha=-LR)
            # δh = C^H δy (conjugated), the instantaneous parameter gradients, then δx for the layer below.
            dh_re = torch.mv(p["C_re"].t(), dy)
            dh_im = torch.mv(p["C_im"].t(), dy).neg_()
            dx = torch.mv(p["B_re"].t(), gamma * dh_re).add_(torch.mv(p["B_im"].t(), gamma * dh_im)).addcmul_(p["D"], dy)
            p["C_re"].addr_(dy, p["h_re"], alpha=-LR)
            p["C_im"].addr_(dy, p["h_im"], alpha=LR)
            p["D"].addcmul_(dy, xin, value=-LR)
            # Re(δh̄ e): dλ, dγ, dB through the traces, chained to ν_log, θ_log, γ_log.
            dl_re = dh_re * p["el_re"] + dh_im * p["el_im"]
            dl_im = dh_im * p["el_re"] - dh_re * p["el_im"]
            dnu = -(dl_re * lr_ + dl_im * li) * torch.exp(p["nu_log"])
            dth = (dl_im * lr_ - dl_re * li) * torch.exp(p["theta_log"])
            dga = (dh_re * p["eg_re"] + dh_im * p["eg_im"]) * gamma
            p["nu_log"].add_(dnu, alpha=-LR)
            p["theta_log"].add_(dth, alpha=-LR)
            p["gamma_log"].add_(dga, alpha=-LR)
            eb_re, eb_im = p["eb_re"], p["eb_im"]
            # dB_re = Re(δh̄ e_B), dB_im = Re(δh̄ i e_B) = −Im(δh̄ e_B)
            p["B_re"].addcmul_(dh_re.unsqueeze(1), eb_re, value=-LR).addcmul_(dh_im.unsqueeze(1), eb_im, value=-LR)
            p["B_im"].addcmul_(dh_re.unsqueeze(1), eb_im, value=LR).addcmul_(dh_im.unsqueeze(1), eb_re, value=-LR)
            dy = dx if residual is None else dx.add_(residual)
        self.enc.addr_(dy, u, alpha=-LR)
        return loss


def build(preset, rule):
    if preset in SNN_PRESETS and rule in ("ostl", "ottt"):
        inputs, hidden, outputs, rate = SNN_PRESETS[preset]
        net = Snn(inputs, hidden, outputs, rule)
        rng = random.Random(7)
        xs = [torch.tensor([1.0 if rng.random() < rate else 0.0 for _ in range(inputs)]) for _ in range(64)]
        return lambda i: net.step(xs[i & 63], i % outputs)
    if preset in ("lru", "lru-glu") and rule == "online":
        net = LruOnline(glu=preset == "lru-glu")
        gen = torch.Generator().manual_seed(7)
        xs = [torch.empty(10).uniform_(-1, 1, generator=gen) for _ in range(64)]
        targets = [torch.zeros(10) for _ in range(64)]
        for i, t in enumerate(targets):
            t[i % 10] = 0.25 * (i & 1)

        return lambda i: net.step(xs[i & 63], targets[i & 63])
    raise SystemExit(f"unknown preset:rule {preset}:{rule}; known: {', '.join(DEFAULT_RUNS)}")


def blas():
    """torch's BLAS_INFO and the libblas this process loaded (Debian: the reference BLAS unless an alternative is set)."""
    found = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    info = found.group(1) if found else "unknown"
    torch.mv(torch.ones(4, 4), torch.ones(4))
    try:
        libs = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.split()[-1]})
    except OSError:
        libs = []
    return f"{info}: {', '.join(libs) or 'no libblas mapped'}"


def debian_package():
    """The Debian version of python3-torch (torch.__version__ says 1.13.0a0 for 1.13.1+dfsg), or None."""
    try:
        done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"], capture_output=True, text=True, check=False)
        return done.stdout.strip() or None
    except OSError:
        return None


def main(argv):
    seconds = float(argv[0]) if argv else 2.0
    runs = argv[1:] or DEFAULT_RUNS
    torch.set_num_threads(1)
    torch.set_grad_enabled(False)
    torch.manual_seed(1)
    meta = {"torch": torch.__version__, "package": debian_package(), "threads": torch.get_num_threads(), "blas": blas(),
            "dtype": "float32", "batch": 1}
    with torch.no_grad():
        for run in runs:
            preset, _, rule = run.partition(":")
            rule = rule or ("online" if preset.startswith("lru") else "ostl")
            step = build(preset, rule)
            start = time.perf_counter()
            i = 0
            while i < 64 or time.perf_counter() - start < min(0.5, seconds / 2):
                step(i)
                i += 1
            steps = 0
            start = time.perf_counter()
            while True:
                for _ in range(16):
                    step(steps)
                    steps += 1
                elapsed = time.perf_counter() - start
                if elapsed >= seconds:
                    break
            print(json.dumps({"preset": preset, "rule": rule, "us_per_step": round(elapsed * 1e6 / steps, 3), "steps": steps,
                              "seconds": round(elapsed, 3), **meta}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
