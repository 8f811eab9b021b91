#!/usr/bin/env python3
"""The comparison tables of docs/RESULTS.md from olrt train --out JSON files: per task and rule, the paper's figure
where one exists, ours in float64, ours in fixed point and the gaps; the copy task's final loss beside seed 004
Table 1; ECG against the last-value predictor; BabySS against the majority class; the gradient cosine to BPTT at
initialisation and at the end (--cosine-every) beside seed 002 Figs. 3 and 4.

Usage: compare.py <out.md> <label>=<file.json> ...   (runs that failed or are missing are left out)
"""
import json
import os
import sys

RULES = ["ostl", "ottt", "otpe", "approx-otpe", "f-otpe", "bptt", "online", "spatial", "truncated"]

# seed 002 Section 4, text on Fig. 2 (offline training, 2 hidden layers of 128, mean over seeds): each rule's
# validation accuracy relative to BPTT. Fig. 6 (online training) is a plot without numbers in the text.
RANDMAN_PAPER = {
    ("randman-t", "otpe"): "+0.7 pp vs BPTT",
    ("randman-t", "ostl"): "−3.8 pp vs BPTT",
    ("randman-t", "ottt"): "−8.6 pp vs BPTT",
    ("randman-t", "approx-otpe"): "on par with BPTT",
    ("randman-r", "otpe"): "+0.1 pp vs BPTT",
    ("randman-r", "ostl"): "+1.1 pp vs BPTT",
    ("randman-r", "ottt"): "+0.7 pp vs BPTT",
    ("randman-r", "approx-otpe"): "within 1.3 pp of BPTT",
}
PAPER_NOTE = {
    "fashion-mnist": "no seed paper reports Fashion-MNIST",
    "mnist": "seed 000 Fig. 3b (OSTL vs BPTT, 2 × 256 SNUs, 60,000 images, 100 epochs) gives no number in the text",
    "randman-t": "seed 002 §4 on Fig. 2: offline training, accuracy relative to BPTT (compare with our q − BPTT)",
    "randman-r": "seed 002 §4 on Fig. 2: offline training, accuracy relative to BPTT (compare with our q − BPTT)",
}
# seed 004 Table 1: final training loss on the copy task, LRU, float, mean of 5 seeds.
COPY_PAPER = {"spatial": 4.66e-1, "truncated": 2.62e-1, "online": 8.44e-3}
# seed 002 §4 on Fig. 3 (layer-wise cosine to BPTT, offline training, 2 hidden layers of 128; the paper's output
# layer O is a spiking layer, ours a linear readout, so our H2 sits where its O does relative to the loss).
COSINE_PAPER = {
    "ostl": "O exact; H2 a \"≥ 40 % reduction\", H1 \"60 %\"; T-Randman H1 ≤ 0.2",
    "ottt": "O ≥ 0.99; H2 a \"≥ 40 % reduction\", H1 \"60 %\"; T-Randman H1 ≤ 0.2",
    "otpe": "O exact; consistently the best aligned in H1 and H2",
    "approx-otpe": "O ≥ 0.99; T-Randman H1 > 0.6",
}
COSINE_FIG4 = ("Seed 002 Fig. 4 (model-wide, offline): on T-Randman OTTT and Approx OTPE start near 0.6 and settle above 0.9; "
               "on SHD and R-Randman OTPE and Approx OTPE average \"0.99 and 0.97, respectively\", OSTL and OTTT \"0.96 and 0.95\" "
               "(the text's words; which figure belongs to which data set is ambiguous).")


def load(specs):
    runs = []
    for spec in specs:
        label, path = spec.split("=", 1)
        if not os.path.exists(path):
            continue
        try:
            with open(path, encoding="utf-8") as f:
                runs.append((label, json.load(f)))
        except (OSError, ValueError):
            continue
    return runs


def pct(x):
    return "—" if x is None else f"{100 * x:.2f} %"


def pp(x):
    return "—" if x is None else f"{100 * x:+.2f} pp"


def classification(runs, out):
    tasks = []
    for _, r in runs:
        if r["task"] not in ("ecg", "copy", "babyss") and r["task"] not in tasks:
            tasks.append(r["task"])
    for task in tasks:
        mine = [r for _, r in runs if r["task"] == task]
        bptt = next((r["test_accuracy"] for r in mine if r["rule"] == "bptt"), None)
        first = mine[0]
        out.append(f"**{task}** ({first['model']}, {first['train_samples']:,} training / {first['test_samples']:,} test samples; "
                   f"majority class {pct(first.get('majority_accuracy'))}). Paper: {PAPER_NOTE.get(task, '—')}.")
        out.append("")
        out.append("| rule | paper | ours f64 | ours q | q − f64 | q − BPTT f64 | epochs | seconds f64 / q |")
        out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for rule in RULES:
            f64 = next((r for r in mine if r["rule"] == rule and r["precision"] == "f64"), None)
            q = next((r for r in mine if r["rule"] == rule and r["precision"] == "q"), None)
            if f64 is None and q is None:
                continue
            fa = f64["test_accuracy"] if f64 else None
            qa = q["test_accuracy"] if q else None
            gap = qa - fa if qa is not None and fa is not None else None
            gap_bptt = qa - bptt if qa is not None and bptt is not None and rule != "bptt" else None
            epochs = (q or f64)["epochs"]
            secs = " / ".join("—" if r is None else f"{r['seconds']:.0f}" for r in (f64, q))
            out.append(f"| {rule} | {RANDMAN_PAPER.get((task, rule), '—')} | {pct(fa)} | {pct(qa)} | {pp(gap)} | {pp(gap_bptt)} | {epochs} | {secs} |")
        out.append("")
        if task == "fashion-mnist" and bptt is not None:
            verdicts = []
            for r in mine:
                if r["precision"] == "q":
                    gap = r["test_accuracy"] - bptt
                    verdicts.append(f"{r['rule']} {pp(gap)} ({'meets it' if gap >= -0.03 else 'MISSES it'})")
            if verdicts:
                out.append("Issue 12's threshold, fixed point no more than 3 pp below our float64 BPTT on the same network: " + "; ".join(verdicts) + ".")
                out.append("")


def cosine(runs, out):
    rows = [(label, r) for label, r in runs if r.get("cosine_curve")]
    if not rows:
        return
    out.append("**Gradient cosine to BPTT** (`--cosine-every`; mean over the first 4 test sequences; fixed point: the "
               "runtime's gradient on its own weights; f64: the rule's float64 reference), at initialisation → at the end of training:")
    out.append("")
    out.append("| task | rule | precision | H1 | H2 | readout | model-wide | seed 002 Fig. 3 |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for _, r in rows:
        c = r["cosine_curve"]
        a, b = c[0], c[-1]

        def cell(key):
            return "—" if a.get(key) is None or b.get(key) is None else f"{a[key]:.3f} → {b[key]:.3f}"
        out.append(f"| {r['task']} | {r['rule']} | {r['precision']} | {cell('layers[0]')} | {cell('layers[1]')} | {cell('readout')} | "
                   f"{cell('model')} | {COSINE_PAPER.get(r['rule'], '—')} |")
    out.append("")
    out.append(COSINE_FIG4)
    out.append("")


def copy(runs, out):
    rows = [r for _, r in runs if r["task"] == "copy"]
    if not rows:
        return
    most = max(r["train_samples"] for r in rows)
    out.append(f"**Copy task** ({rows[0]['model']}; one update per sequence; fixed point). The paper: seed 004 Table 1, "
               "float, LRU, final training loss, mean of 5 seeds, after 25 epochs over 20,000 training samples with a 5-epoch "
               f"warm-up (seed 004 B.1, Table 4): 500,000 sample presentations. The budget here allowed one pass over at most "
               f"{most:,} fresh samples per rule ({most / 500000:.1%} of that): a far shorter run than the paper's. "
               "`olrt train` has no float64 LRU trainer and no BPTT for LRU stacks (the float64 LRU reference computes "
               "gradients only: `olrt grads --rule bptt`), so those columns are empty.")
    out.append("")
    out.append("| rule | optimiser | samples | paper | ours f64 | ours q: initial → final loss | q / paper |")
    out.append("| --- | --- | ---: | ---: | --- | --- | ---: |")
    for r in rows:
        paper = COPY_PAPER.get(r["rule"])
        opt = f"{r['optimizer']} {r['learning_rate']:g}, {r['schedule']}, warm-up {r['warmup']}"
        ratio = "—" if paper is None or r.get("final_loss") is None else f"{r['final_loss'] / paper:.1f}×"
        out.append(f"| {r['rule']} | {opt} | {r['train_samples']:,} | {paper if paper is not None else '—'} | not available | "
                   f"{r['initial_loss']:.4f} → **{r['final_loss']:.4f}** | {ratio} |")
    out.append("| bptt | — | — | (seed 004 reports BPTT in Fig. 2, not Table 1) | not available | not available in `olrt train` | — |")
    out.append("")


def ecg(runs, out):
    rows = [r for _, r in runs if r["task"] == "ecg"]
    if not rows:
        return
    out.append("**ECG next-sample prediction** (MIT-BIH, held-out last minute; no seed paper reports it; fixed point only: "
               "`--task ecg` trains an LRU stack, which has no float64 trainer):")
    out.append("")
    out.append("| rule | ours q: test MSE (mV²) | last-value MSE (mV²) | ratio (below 1 beats it) |")
    out.append("| --- | ---: | ---: | ---: |")
    for r in rows:
        out.append(f"| {r['rule']} | {r['test_mse']:.6f} | {r['naive_mse']:.6f} | **{r['error_ratio']:.4f}** |")
    out.append("")


def babyss(runs, out):
    rows = [r for _, r in runs if r["task"] == "babyss"]
    if not rows:
        return
    out.append("**BabySS sleep state** (BabyECG heart rate in, sleep state per step out; the last quarter held out; no seed "
               "paper reports it; online sequence labelling, fixed point; the float64 trainers take one label per sequence):")
    out.append("")
    out.append("| model | rule | epochs | ours q: per-step test accuracy | majority class | gap |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        m = r.get("majority_accuracy")
        gap = None if m is None else r["test_accuracy"] - m
        out.append(f"| {r['model']} | {r['rule']} | {r['epochs']} | **{pct(r['test_accuracy'])}** | {pct(m)} | {pp(gap)} |")
    out.append("")


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    runs = load(argv[2:])
    out = []
    classification(runs, out)
    cosine(runs, out)
    copy(runs, out)
    ecg(runs, out)
    babyss(runs, out)
    with open(argv[1], "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
