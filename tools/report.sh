#!/usr/bin/env bash
# The accuracy report (issue 12): runs a fixed matrix of olrt train runs and writes the generated part of
# docs/RESULTS.md: comparison tables (tools/report/compare.py: per task and rule the paper's figure where one exists,
# ours in float64, ours in fixed point and the gaps; the copy task beside seed 004 Table 1; ECG against the
# last-value predictor; BabySS against the majority class; the gradient cosine to BPTT at initialisation and at the
# end beside seed 002 Figs. 3 and 4), a table per run (command, result, seconds), and the learning curves and cosine
# curves as CSVs (artifacts/report/*.csv, tools/report/curves.py) drawn by tools/OnlineLearning.Plots `lines` into
# docs/results-*.png. Everything in docs/RESULTS.md below the line "<!-- hand-measured -->" is kept as it is.
#
# Usage: tools/report.sh [olrt command]
#   tools/report.sh                   the full matrix: expected about 60 minutes of wall time on this 2-core host when
#                                     it is otherwise idle (about 110 CPU-minutes, two olrt runs at a time; the
#                                     per-row expectations are the matrix's 4th field, extrapolated from short trial
#                                     runs); within the 2-hour budget with room for a shared host
#   REPORT_QUICK=1 tools/report.sh    the reduced matrix (small subsets, few epochs; about 1.5 minutes)
#   REPORT_JOBS=N                     olrt runs at a time (default 2: the host has 2 cores)
# Default olrt: the NativeAOT binary from tools/publish.sh linux-x64, else the JIT build (dotnet olrt.dll).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
START=$(date +%s)
QUICK="${REPORT_QUICK:-0}"
JOBS="${REPORT_JOBS:-2}"
if [[ $# -gt 0 ]]; then OLRT=("$@");
elif [[ -x artifacts/publish/linux-x64/olrt ]]; then OLRT=(artifacts/publish/linux-x64/olrt);
else dotnet build src/olrt -c Release -nologo -v q >/dev/null; OLRT=(dotnet artifacts/bin/olrt/release/olrt.dll); fi
PLOTS=artifacts/bin/OnlineLearning.Plots/release/OnlineLearning.Plots
[[ -x "$PLOTS" ]] || dotnet build tools/OnlineLearning.Plots -c Release -nologo -v q >/dev/null
tools/data/fetch.sh >/dev/null
OUT=artifacts/report
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.json.log "$OUT"/*.json.failed

# name | plot group (runs in a group share the curve's x: epochs, steps or samples; "-": no plot) | arguments |
# expected minutes (CPU time of the run on one otherwise idle core, from trial runs; the full matrix is ordered longest
# first so that the two lanes balance).
# Learning rates: the online rules use the task's per-step default (0.003 for MNIST-sized inputs); BPTT applies one
# update per sequence with the gradient summed over its 20 steps, so it takes a per-sequence rate (0.0002, swept by
# hand on Fashion-MNIST, docs/RESULTS.md). Randman: T-Randman at the task's 0.01 for every rule (20-epoch trials, OTPE q:
# 0.01 80.5 %, 0.003 71.0 %; BPTT 0.003 68.5 %), R-Randman at 0.003 for every rule (20 epochs: at 0.01 OTPE q 62.0 %,
# OSTL f64 47.0 %, BPTT 18.0 %; at 0.003 95.5 / 97.0 / 96.5 %; BPTT at 0.03 10 %). The copy task: QAdam with 10 % warm-up and cosine decay, the best
# fixed-point optimiser of tools/copy-sweep.sh, at lr 0.003 (trials at the full size, seed 1, final loss: 600 samples
# 0.001 / 0.003 / 0.01 gave 0.556 / 0.467 / 0.468, SGD 2^-13 0.708; 2,000 samples 0.003 / 0.01 gave 0.260 / 0.284).
FM="--task fashion-mnist --test-subset 10000 --schedule cosine"
MN="--task mnist --epochs 2 --schedule cosine"
if [[ "$QUICK" == 1 ]]; then
  RT="--task randman-t --epochs 3 --schedule cosine --cosine-every 400"
  MATRIX=(
    "fashion-mnist ostl q|-|--task fashion-mnist --subset 300 --test-subset 300 --schedule cosine|0.1"
    "fashion-mnist ostl f64|-|--task fashion-mnist --subset 300 --test-subset 300 --schedule cosine --precision f64|0.1"
    "fashion-mnist bptt f64|-|--task fashion-mnist --subset 300 --test-subset 300 --schedule cosine --rule bptt --lr 0.0002|0.1"
    "copy-full online adam warm-up cosine|copy|--task copy --size full --subset 300 --optimizer adam --lr 0.003 --schedule cosine --warmup 30|0.1"
    "randman-t ostl q|randman-t|$RT --rule ostl|0.05"
    "randman-t ostl f64|randman-t|$RT --rule ostl --precision f64|0.05"
    "randman-t otpe q|randman-t|$RT --rule otpe|0.05"
    "randman-t otpe f64|randman-t|$RT --rule otpe --precision f64|0.05"
    "randman-t bptt f64|randman-t|--task randman-t --epochs 3 --schedule cosine --rule bptt|0.05"
    "digits ostl q sgd|digits|--task digits --subset 500 --epochs 3 --schedule cosine|0.05"
    "digits ostl f64 sgd|digits|--task digits --subset 500 --epochs 3 --schedule cosine --precision f64|0.05"
    "ecg online q sgd|ecg|--task ecg|0.05"
    "babyss lru online|babyss|--task babyss --rule online --epochs 3 --schedule cosine --lr 0.001|0.02"
  )
else
  RT="--task randman-t --epochs 20 --schedule cosine --cosine-every 400"
  RR="--task randman-r --epochs 20 --schedule cosine --cosine-every 400 --lr 0.003"
  COPY="--task copy --size full --subset 20000 --optimizer adam --lr 0.003 --schedule cosine --warmup 2000"
  MATRIX=(
    "fashion-mnist ostl f64|-|$FM --rule ostl --precision f64|15"
    "fashion-mnist otpe f64|-|$FM --rule otpe --precision f64|15"
    "fashion-mnist bptt f64|-|$FM --rule bptt --lr 0.0002|10.5"
    "fashion-mnist approx-otpe f64|-|$FM --rule approx-otpe --precision f64|9"
    "fashion-mnist ottt f64|-|$FM --rule ottt --precision f64|8.5"
    "copy-full truncated adam warm-up cosine|copy|$COPY --rule truncated|6.5"
    "copy-full online adam warm-up cosine|copy|$COPY --rule online|5.2"
    "copy-full spatial adam warm-up cosine|copy|$COPY --rule spatial|5"
    "mnist-10k ostl f64|-|$MN --rule ostl --precision f64|4"
    "mnist-10k otpe f64|-|$MN --rule otpe --precision f64|4"
    "fashion-mnist ostl q|-|$FM --rule ostl|3.6"
    "fashion-mnist otpe q|-|$FM --rule otpe|3.5"
    "fashion-mnist approx-otpe q|-|$FM --rule approx-otpe|3"
    "fashion-mnist ottt q|-|$FM --rule ottt|2.8"
    "mnist-10k bptt f64|-|$MN --rule bptt --lr 0.0002|2.7"
    "mnist-10k approx-otpe f64|-|$MN --rule approx-otpe --precision f64|2.3"
    "mnist-10k ottt f64|-|$MN --rule ottt --precision f64|2.2"
    "mnist-10k ostl q|-|$MN --rule ostl|1"
    "mnist-10k otpe q|-|$MN --rule otpe|1"
    "mnist-10k approx-otpe q|-|$MN --rule approx-otpe|0.8"
    "mnist-10k ottt q|-|$MN --rule ottt|0.8"
    "randman-t ostl f64|randman-t|$RT --rule ostl --precision f64|0.3"
    "randman-t ottt f64|randman-t|$RT --rule ottt --precision f64|0.3"
    "randman-t otpe f64|randman-t|$RT --rule otpe --precision f64|0.3"
    "randman-t approx-otpe f64|randman-t|$RT --rule approx-otpe --precision f64|0.3"
    "randman-t bptt f64|randman-t|--task randman-t --epochs 20 --schedule cosine --rule bptt|0.25"
    "randman-t ostl q|randman-t|$RT --rule ostl|0.2"
    "randman-t ottt q|randman-t|$RT --rule ottt|0.2"
    "randman-t otpe q|randman-t|$RT --rule otpe|0.2"
    "randman-t approx-otpe q|randman-t|$RT --rule approx-otpe|0.2"
    "randman-r ostl f64|randman-r|$RR --rule ostl --precision f64|0.3"
    "randman-r ottt f64|randman-r|$RR --rule ottt --precision f64|0.3"
    "randman-r otpe f64|randman-r|$RR --rule otpe --precision f64|0.3"
    "randman-r approx-otpe f64|randman-r|$RR --rule approx-otpe --precision f64|0.3"
    "randman-r bptt f64|randman-r|--task randman-r --epochs 20 --schedule cosine --rule bptt --lr 0.003|0.25"
    "randman-r ostl q|randman-r|$RR --rule ostl|0.2"
    "randman-r ottt q|randman-r|$RR --rule ottt|0.2"
    "randman-r otpe q|randman-r|$RR --rule otpe|0.2"
    "randman-r approx-otpe q|randman-r|$RR --rule approx-otpe|0.2"
    "digits ostl q sgd|digits|--task digits --epochs 3 --schedule cosine|0.2"
    "digits ostl f64 sgd|digits|--task digits --epochs 3 --schedule cosine --precision f64|0.3"
    "ecg online q sgd|ecg|--task ecg|0.1"
    "ecg truncated q sgd|ecg|--task ecg --rule truncated|0.1"
    "babyss lru online|babyss|--task babyss --rule online --epochs 20 --schedule cosine --lr 0.001|0.05"
    "babyss snn ostl|babyss|--task babyss --epochs 20 --schedule cosine|0.05"
  )
fi
EXPECTED=$(printf '%s\n' "${MATRIX[@]}" | awk -F'|' '{ s += $4 } END { printf "%.1f", s }')
# Expected wall time: each run starts in the lane that frees first (as the loop below does), on an idle host.
EXPECTED_WALL=$(printf '%s\n' "${MATRIX[@]}" | awk -F'|' -v jobs="$JOBS" '{ m = 1; for (i = 2; i <= jobs; i++) if (lane[i] < lane[m]) m = i; lane[m] += $4 }
  END { w = 0; for (i = 1; i <= jobs; i++) if (lane[i] > w) w = lane[i]; printf "%.1f", w }')
echo "== ${#MATRIX[@]} runs, about $EXPECTED CPU-minutes, about $EXPECTED_WALL minutes at $JOBS at a time" >&2

field() { grep -m1 "\"$2\":" "$1" | sed -E 's/.*: *([^,]*),?/\1/'; }
file_of() { echo "$OUT/$(echo "$1" | tr ' ' '-').json"; }

# The runs, JOBS at a time (a failed run leaves a .failed marker and its log; the report goes on without it).
for entry in "${MATRIX[@]}"; do
  IFS='|' read -r name _ args _ <<<"$entry"
  file=$(file_of "$name")
  while (( $(jobs -rp | wc -l) >= JOBS )); do wait -n || true; done
  echo "== $name: olrt train $args" >&2
  # shellcheck disable=SC2086
  ( "${OLRT[@]}" train $args --out "$file" >/dev/null 2>"$file.log" || touch "$file.failed" ) &
done
wait

declare -A GROUP_RUNS=() COSINE_RUNS=()
TABLE="$OUT/table.md"
LABELS=()
{
  echo "| run | command | result | seconds | expected min |"
  echo "| --- | --- | --- | ---: | ---: |"
} > "$TABLE"
for entry in "${MATRIX[@]}"; do
  IFS='|' read -r name group args minutes <<<"$entry"
  file=$(file_of "$name")
  if [[ -f "$file.failed" || ! -f "$file" ]]; then
    printf '| %s | `olrt train %s` | **failed**: %s | — | %s |\n' "$name" "$args" "$(tail -1 "$file.log" 2>/dev/null | tr '|' '/')" "$minutes" >> "$TABLE"
    continue
  fi
  LABELS+=("$name=$file")
  task=$(field "$file" task | tr -d '"')
  case "$task" in
    ecg) result=$(printf 'test MSE %s mV² vs last value %s mV²: ratio **%.4f**' "$(field "$file" test_mse)" "$(field "$file" naive_mse)" "$(field "$file" error_ratio)") ;;
    copy) result=$(printf 'final loss / recall step **%.4f** (initial %.4f)' "$(field "$file" final_loss)" "$(field "$file" initial_loss)") ;;
    *) result=$(printf 'test accuracy **%.2f %%** (majority class %.2f %%)' "$(echo "$(field "$file" test_accuracy) * 100" | bc -l)" \
         "$(echo "$(field "$file" majority_accuracy) * 100" | bc -l)") ;;
  esac
  printf '| %s | `olrt train %s` | %s | %.1f | %s |\n' "$name" "$args" "$result" "$(field "$file" seconds)" "$minutes" >> "$TABLE"
  [[ "$group" == "-" ]] || GROUP_RUNS[$group]+="$name=$file"$'\n'
  if grep -q '"cosine_curve"' "$file"; then COSINE_RUNS[$group]+="$name=$file"$'\n'; fi
done

COMPARE="$OUT/compare.md"
python3 tools/report/compare.py "$COMPARE" "${LABELS[@]}"

# Learning curves: CSV per group, then a line plot per group; cosine curves (first hidden layer and model-wide) too.
PLOTS_MD="$OUT/plots.md"
: > "$PLOTS_MD"
for group in digits randman-t randman-r babyss ecg copy; do
  [[ -n "${GROUP_RUNS[$group]:-}" ]] || continue
  mapfile -t runs < <(printf '%s' "${GROUP_RUNS[$group]}")
  case "$group" in
    ecg) x=steps; y=train_mse; ylabel="training MSE (mV², last 3,600 steps)"; title="ECG next-sample prediction, online (training segment)" ;;
    copy) x=samples; y=train_loss; ylabel="training loss per recall step"; title="Copy task (4 layers, N 64, H 128, pattern 20)" ;;
    *) x=epoch; y=test_accuracy; ylabel="held-out test accuracy"; title="$group: test accuracy after each epoch" ;;
  esac
  python3 tools/report/curves.py "$x" "$y" "$OUT/curve-$group.csv" "${runs[@]}"
  "$PLOTS" lines "$OUT/curve-$group.csv" "docs/results-$group.png" "$title" "$ylabel" >/dev/null
  echo "![$group learning curves](results-$group.png) (data: \`artifacts/report/curve-$group.csv\`)" >> "$PLOTS_MD"
  echo >> "$PLOTS_MD"
done
for group in randman-t randman-r; do
  [[ -n "${COSINE_RUNS[$group]:-}" ]] || continue
  mapfile -t runs < <(printf '%s' "${COSINE_RUNS[$group]}")
  for layer in "layers[0]" model; do
    tag=$([[ "$layer" == model ]] && echo model || echo h1)
    what=$([[ "$layer" == model ]] && echo "model-wide (seed 002 Fig. 4)" || echo "first hidden layer H1 (seed 002 Fig. 3)")
    python3 tools/report/curves.py --array cosine_curve samples "$layer" "$OUT/cosine-$group-$tag.csv" "${runs[@]}"
    "$PLOTS" lines "$OUT/cosine-$group-$tag.csv" "docs/results-cosine-$group-$tag.png" "$group: gradient cosine to BPTT, $what" "cosine to BPTT" >/dev/null
    echo "![$group cosine to BPTT, $tag](results-cosine-$group-$tag.png) (data: \`artifacts/report/cosine-$group-$tag.csv\`)" >> "$PLOTS_MD"
    echo >> "$PLOTS_MD"
  done
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
  echo "(wall time, including any builds it needed; ${#MATRIX[@]} runs, $JOBS at a time; expected about $EXPECTED CPU-minutes, the"
  echo "sum of the last column, and about $EXPECTED_WALL minutes of wall time on an otherwise idle host; olrt: \`${OLRT[*]}\`)."
  echo "Online training, immediate updates (the copy task: one update"
  echo "per sequence; BPTT: one per sequence), held-out test sets (docs/train.md). Fixed point (q) unless the precision"
  echo "says f64. Accuracy runs report the held-out test accuracy and the majority-class baseline; \`ecg\` the"
  echo "next-sample MSE on the held-out last minute against the naive last-value predictor (ratio below 1: better than"
  echo "naive); \`copy\` the mean training loss per recall step over the last 200 samples."
  echo
  echo "### Ours against the papers, float64 against fixed point"
  echo
  cat "$COMPARE"
  echo "### Runs"
  echo
  cat "$TABLE"
  echo
  echo "Learning curves (JSON \`curve\` of each run → CSV by \`tools/report/curves.py\` → \`tools/OnlineLearning.Plots lines\`)"
  echo "and the gradient cosine to BPTT over training (JSON \`cosine_curve\`, \`--cosine-every\`):"
  echo
  cat "$PLOTS_MD"
  if [[ -n "$KEEP" ]]; then echo "$KEEP"; fi
} > "$OUT/RESULTS.md"
cp "$OUT/RESULTS.md" docs/RESULTS.md
echo "wrote docs/RESULTS.md and docs/results-*.png in ${ELAPSED} s" >&2
