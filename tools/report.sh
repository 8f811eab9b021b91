#!/usr/bin/env bash
# The accuracy report: runs a fixed matrix of olrt train runs (reduced sizes; one core) and writes the generated part
# of docs/RESULTS.md: a table per run (held-out accuracy; for ecg the test MSE against the last-value predictor; for
# copy the final training loss per recall step), and the learning curves as CSVs (artifacts/report/curve-*.csv,
# tools/report/curves.py) drawn by tools/OnlineLearning.Plots `lines` into docs/results-*.png. Everything in
# docs/RESULTS.md below the line "<!-- hand-measured -->" is kept as it is.
# Usage: tools/report.sh [olrt command]
#   REPORT_QUICK=1 tools/report.sh    the reduced matrix (small subsets, fewer epochs; about 2 minutes on one core)
# Default olrt: the NativeAOT binary from tools/publish.sh linux-x64, else dotnet run.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
START=$(date +%s)
QUICK="${REPORT_QUICK:-0}"
if [[ $# -gt 0 ]]; then OLRT=("$@");
elif [[ -x artifacts/publish/linux-x64/olrt ]]; then OLRT=(artifacts/publish/linux-x64/olrt);
else dotnet build src/olrt -c Release -nologo -v q >/dev/null; OLRT=(dotnet artifacts/bin/olrt/release/olrt.dll); fi
PLOTS=artifacts/bin/OnlineLearning.Plots/release/OnlineLearning.Plots
[[ -x "$PLOTS" ]] || dotnet build tools/OnlineLearning.Plots -c Release -nologo -v q >/dev/null
tools/data/fetch.sh >/dev/null
OUT=artifacts/report
mkdir -p "$OUT"

# name | plot group (runs in a group share the curve's x: epochs, steps or samples; "-": no plot) | arguments
if [[ "$QUICK" == 1 ]]; then
  MATRIX=(
    "digits ostl q sgd|digits|--task digits --subset 500 --epochs 3 --schedule cosine"
    "digits ostl f64 sgd|digits|--task digits --subset 500 --epochs 3 --schedule cosine --precision f64"
    "digits ostl q adamw|digits|--task digits --subset 500 --epochs 3 --schedule cosine --optimizer adam --lr 0.003 --weight-decay 0.01"
    "randman-t otpe q sgd|randman-t|--task randman-t --rule otpe --epochs 3 --schedule cosine"
    "randman-t ostl q sgd|randman-t|--task randman-t --rule ostl --epochs 3 --schedule cosine"
    "randman-t ottt q sgd|randman-t|--task randman-t --rule ottt --epochs 3 --schedule cosine"
    "ecg online q sgd|ecg|--task ecg"
    "ecg truncated q sgd|ecg|--task ecg --rule truncated"
    "copy online sgd|copy|--task copy --subset 2000"
    "copy online adam warm-up cosine|copy|--task copy --subset 2000 --optimizer adam --lr 0.003 --schedule cosine --warmup 200"
  )
else
  MATRIX=(
    "digits ostl q sgd|digits|--task digits --epochs 3 --schedule cosine"
    "digits ostl f64 sgd|digits|--task digits --epochs 3 --schedule cosine --precision f64"
    "digits otpe q sgd|digits|--task digits --rule otpe --epochs 3 --schedule cosine"
    "digits ostl q adamw|digits|--task digits --epochs 3 --schedule cosine --optimizer adam --lr 0.003 --weight-decay 0.01"
    "mnist-2k ostl q sgd|-|--task mnist --subset 2000 --schedule cosine"
    "randman-t otpe q sgd|randman-t|--task randman-t --rule otpe --epochs 8 --schedule cosine"
    "randman-t ostl q sgd|randman-t|--task randman-t --rule ostl --epochs 8 --schedule cosine"
    "randman-t ottt q sgd|randman-t|--task randman-t --rule ottt --epochs 8 --schedule cosine"
    "randman-r otpe q sgd|randman-r|--task randman-r --rule otpe --epochs 3 --schedule cosine"
    "randman-r ostl q sgd|randman-r|--task randman-r --rule ostl --epochs 3 --schedule cosine"
    "ecg online q sgd|ecg|--task ecg"
    "ecg truncated q sgd|ecg|--task ecg --rule truncated"
    "copy online sgd|copy|--task copy --subset 6000"
    "copy online adam warm-up cosine|copy|--task copy --subset 6000 --optimizer adam --lr 0.003 --schedule cosine --warmup 600"
  )
fi

field() { grep -m1 "\"$2\":" "$1" | sed -E 's/.*: *([^,]*),?/\1/'; }
declare -A GROUP_RUNS=()
TABLE="$OUT/table.md"
{
  echo "| run | command | result | seconds |"
  echo "| --- | --- | --- | ---: |"
} > "$TABLE"
for entry in "${MATRIX[@]}"; do
  IFS='|' read -r name group args <<<"$entry"
  file="$OUT/$(echo "$name" | tr ' ' '-').json"
  echo "== $name: olrt train $args" >&2
  # shellcheck disable=SC2086
  "${OLRT[@]}" train $args --out "$file" >/dev/null 2>"$file.log"
  task=$(field "$file" task | tr -d '"')
  case "$task" in
    ecg) result=$(printf 'test MSE %s mV² vs last value %s mV²: ratio **%.4f**' "$(field "$file" test_mse)" "$(field "$file" naive_mse)" "$(field "$file" error_ratio)") ;;
    copy) result=$(printf 'final loss / recall step **%.4f** (initial %.4f)' "$(field "$file" final_loss)" "$(field "$file" initial_loss)") ;;
    *) result=$(printf 'test accuracy **%.2f %%**' "$(echo "$(field "$file" test_accuracy) * 100" | bc -l)") ;;
  esac
  printf '| %s | `olrt train %s` | %s | %.1f |\n' "$name" "$args" "$result" "$(field "$file" seconds)" >> "$TABLE"
  [[ "$group" == "-" ]] || GROUP_RUNS[$group]+="$name=$file"$'\n'
done

# Learning curves: CSV per group, then a line plot per group.
PLOTS_MD="$OUT/plots.md"
: > "$PLOTS_MD"
for group in digits randman-t randman-r ecg copy; do
  [[ -n "${GROUP_RUNS[$group]:-}" ]] || continue
  mapfile -t runs < <(printf '%s' "${GROUP_RUNS[$group]}")
  case "$group" in
    ecg) x=steps; y=train_mse; ylabel="training MSE (mV², last 3,600 steps)"; title="ECG next-sample prediction, online (training segment)" ;;
    copy) x=samples; y=train_loss; ylabel="training loss per recall step"; title="Copy task (2 layers, N 32, H 64, pattern 10)" ;;
    *) x=epoch; y=test_accuracy; ylabel="held-out test accuracy"; title="$group: test accuracy after each epoch" ;;
  esac
  python3 tools/report/curves.py "$x" "$y" "$OUT/curve-$group.csv" "${runs[@]}"
  "$PLOTS" lines "$OUT/curve-$group.csv" "docs/results-$group.png" "$title" "$ylabel" >/dev/null
  echo "![$group learning curves](results-$group.png) (data: \`artifacts/report/curve-$group.csv\`)" >> "$PLOTS_MD"
  echo >> "$PLOTS_MD"
done

ELAPSED=$(( $(date +%s) - START ))
MODE=$([[ "$QUICK" == 1 ]] && echo "REPORT_QUICK=1 tools/report.sh (the reduced matrix)" || echo "tools/report.sh (the full matrix)")
KEEP=""
if [[ -f docs/RESULTS.md ]] && grep -q '^<!-- hand-measured -->' docs/RESULTS.md; then
  KEEP=$(sed -n '/^<!-- hand-measured -->/,$p' docs/RESULTS.md)
fi
{
  echo "# Results"
  echo
  echo "## Generated by tools/report.sh"
  echo
  echo "Generated by \`$MODE\` on $(date -u +%Y-%m-%d) ($(uname -m), backend $("${OLRT[@]}" info | sed -n 's/^backend: *//p'), 2 shared cores) in ${ELAPSED} s"
  echo "(wall time, including any builds it needed; olrt: \`${OLRT[*]}\`). Online training, immediate updates (the copy task: one update per sequence),"
  echo "held-out test sets (docs/train.md). Fixed point unless the precision says f64. Accuracy runs report the"
  echo "held-out test accuracy; \`ecg\` the next-sample MSE on the held-out last minute against the naive last-value predictor"
  echo "(ratio below 1: better than naive); \`copy\` the mean training loss per recall step over the last 200 samples."
  echo
  cat "$TABLE"
  echo
  echo "Learning curves (JSON \`curve\` of each run → CSV by \`tools/report/curves.py\` → \`tools/OnlineLearning.Plots lines\`):"
  echo
  cat "$PLOTS_MD"
  if [[ -n "$KEEP" ]]; then echo "$KEEP"; fi
} > "$OUT/RESULTS.md"
cp "$OUT/RESULTS.md" docs/RESULTS.md
echo "wrote docs/RESULTS.md and docs/results-*.png in ${ELAPSED} s" >&2
