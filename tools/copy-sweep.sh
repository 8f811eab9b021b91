#!/usr/bin/env bash
# Copy-task optimiser sweep (CI size: 2 layers, N 32, H 64, pattern 10): SGD vs QAdam, constant vs warm-up + cosine,
# through olrt train --task copy. Prints a Markdown table. Usage: tools/copy-sweep.sh [samples] [olrt command]
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
SAMPLES="${1:-3000}"; shift || true
if [[ $# -gt 0 ]]; then OLRT=("$@"); else OLRT=(dotnet artifacts/bin/olrt/release/olrt.dll); fi
OUT=artifacts/copy-sweep
mkdir -p "$OUT"
WARM=$((SAMPLES / 10))
RUNS=(
  "sgd|0.0009765625|constant|0" "sgd|0.001953125|constant|0" "sgd|0.00390625|constant|0" "sgd|0.0078125|constant|0"
  "sgd|0.00390625|cosine|$WARM" "sgd|0.0078125|cosine|$WARM"
  "adam|0.001|constant|0" "adam|0.003|constant|0" "adam|0.01|constant|0"
  "adam|0.001|cosine|$WARM" "adam|0.003|cosine|$WARM" "adam|0.01|cosine|$WARM" "adam|0.03|cosine|$WARM"
)
field() { grep -m1 "\"$2\":" "$1" | sed -E 's/.*: *([^,]*),?/\1/'; }
echo "| optimiser | lr | schedule | warm-up | initial loss | final loss | saturations | seconds |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
for run in "${RUNS[@]}"; do
  IFS='|' read -r opt lr sched warm <<<"$run"
  file="$OUT/copy-$opt-$lr-$sched-$warm.json"
  "${OLRT[@]}" train --task copy --subset "$SAMPLES" --optimizer "$opt" --lr "$lr" --schedule "$sched" --warmup "$warm" --out "$file" >/dev/null 2>&1
  printf '| %s | %s | %s | %s | %.4f | %.4f | %s | %.1f |\n' "$opt" "$lr" "$sched" "$warm" "$(field "$file" initial_loss)" \
    "$(field "$file" final_loss)" "$(field "$file" saturations)" "$(field "$file" seconds)"
done
