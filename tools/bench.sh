#!/usr/bin/env bash
# Benchmarks whole learn steps and writes docs/PERFORMANCE.md (issue 11). Not part of tools/test.sh.
#   1. olrt bench for every preset in the JIT build and in the NativeAOT linux-x64 build (JSON);
#   2. the float32 TensorPrimitives OSTL baseline (tools/OnlineLearning.Baselines) at the same sizes;
#   3. if Debian's python3-torch is installed, the same rules in PyTorch float32 at batch 1 (tools/bench/torch_baseline.py;
#      optional: skipped with a note when `import torch` fails);
#   4. the report: tables, ratios, a plot (tools/OnlineLearning.Plots, ScottPlot), memory per rule against BPTT,
#      and a labelled Cortex-A72 / A53 estimate.
# Usage: tools/bench.sh [seconds per preset, default 12]
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
SECONDS_PER_PRESET="${1:-12}"
OUT=artifacts/bench
mkdir -p "$OUT" docs
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi

echo "build (Release) and publish NativeAOT linux-x64" >&2
dotnet build OnlineLearning.sln -c Release -nologo -v q >/dev/null
tools/publish.sh linux-x64 >"$OUT/publish.log" 2>&1
presets=(sensor shd mnist lru lru-glu)
for p in "${presets[@]}"; do
  echo "olrt bench --preset $p (JIT, then NativeAOT)" >&2
  artifacts/bin/olrt/release/olrt bench --preset "$p" --seconds "$SECONDS_PER_PRESET" --json "$OUT/jit-$p.json" >"$OUT/jit-$p.txt"
  artifacts/publish/linux-x64/olrt bench --preset "$p" --seconds "$SECONDS_PER_PRESET" --json "$OUT/aot-$p.json" >"$OUT/aot-$p.txt"
done
echo "float32 TensorPrimitives baseline" >&2
artifacts/bin/OnlineLearning.Baselines/release/OnlineLearning.Baselines 3 sensor shd mnist >"$OUT/baseline-f32.txt"
# PyTorch float32 (optional). Debian's python3-torch lives in /usr/bin/python3's dist-packages, which another python3 first
# on PATH (pyenv, a venv) does not see, so both are tried.
rm -f "$OUT/baseline-torch.jsonl" "$OUT/torch-note.txt"
TORCH_PY=""
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null && "$py" -c 'import torch' >/dev/null 2>&1; then TORCH_PY="$py"; break; fi
done
if [[ -n "$TORCH_PY" ]]; then
  echo "PyTorch float32 baseline ($TORCH_PY, torch $("$TORCH_PY" -c 'import torch; print(torch.__version__)'))" >&2
  if ! "$TORCH_PY" tools/bench/torch_baseline.py "$(awk -v s="$SECONDS_PER_PRESET" 'BEGIN { print (s < 3 ? s : 3) }')" \
      >"$OUT/baseline-torch.jsonl" 2>"$OUT/torch.log"; then
    echo "PyTorch baseline failed (see $OUT/torch.log); the report says not timed" >&2
    rm -f "$OUT/baseline-torch.jsonl"
    echo "tools/bench/torch_baseline.py failed on this host (see artifacts/bench/torch.log)." >"$OUT/torch-note.txt"
  fi
else
  echo "PyTorch baseline skipped: python3-torch is not installed (import torch fails)" >&2
  echo "python3-torch was not installed on this host (import torch failed), so tools/bench.sh skipped it." >"$OUT/torch-note.txt"
fi
echo '{"type":"snn","neuron":"lif","inputs":700,"seed":1,"loss":"ce","layers":[{"size":256},{"size":256}],"readout":{"size":20}}' >"$OUT/shd.json"
for rule in ostl ottt otpe approx-otpe f-otpe; do
  artifacts/publish/linux-x64/olrt plan --model "$OUT/shd.json" --rule $rule >"$OUT/plan-shd-$rule.txt"
done
artifacts/publish/linux-x64/olrt info >"$OUT/info.txt"
python3 tools/bench/performance_report.py "$OUT" docs/PERFORMANCE.md
artifacts/bin/OnlineLearning.Plots/release/OnlineLearning.Plots bars "$OUT/plot.csv" docs/performance.png \
  "Full learn step, batch 1 (lower is better)" "microseconds per step" >&2
echo "wrote docs/PERFORMANCE.md and docs/performance.png" >&2
