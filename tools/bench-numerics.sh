#!/usr/bin/env bash
# Benchmark the Numerics kernels on every backend this CPU supports and print the speed-up table.
# Run tools/bench-numerics.sh --help for usage. Not part of tools/test.sh.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$REPO_ROOT/tools/OnlineLearning.Benchmarks/OnlineLearning.Benchmarks.csproj"
# UseArtifactsOutput (Directory.Build.props) puts the build here.
DLL="$REPO_ROOT/artifacts/bin/OnlineLearning.Benchmarks/release/OnlineLearning.Benchmarks.dll"
TABLE="$REPO_ROOT/artifacts/bench/numerics.md"

usage() {
  cat <<EOF
Usage: tools/bench-numerics.sh [BenchmarkDotNet args...]
       tools/bench-numerics.sh --help

Builds tools/OnlineLearning.Benchmarks in Release, checks that no benchmark
method allocates, then runs every kernel of OnlineLearning.Numerics for each
backend this CPU supports (scalar, vector128, neon, x86) and sizes 64, 256,
1024 with a short in-process BenchmarkDotNet job (3 warm-up + 8 measured
iterations of ~100 ms; the full sweep takes about 5 minutes on 2 cores).
Matrix kernels use 16 rows x Size columns.

It ends by printing a table with ns per call on each backend and each backend's
speed-up over scalar; the table is also written to
  artifacts/bench/numerics.md
and BenchmarkDotNet's own reports go to artifacts/bench/BenchmarkDotNet/.

Extra arguments go to BenchmarkDotNet, for example:
  tools/bench-numerics.sh --filter '*MatVec*' '*Dot*'
  tools/bench-numerics.sh --list flat
Program option: --table PATH (write the markdown table there instead).
EOF
}

for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
  esac
done

echo "== Building (Release)"
dotnet build "$PROJECT" -c Release -nologo -v quiet

echo "== Allocation check"
dotnet "$DLL" --check-alloc

echo "== Benchmarks"
table="$TABLE"
prev=""
for arg in "$@"; do
  if [[ "$prev" == "--table" ]]; then table="$arg"; fi
  prev="$arg"
done
rm -f "$table"
start=$SECONDS
dotnet "$DLL" --short "$@"
elapsed=$((SECONDS - start))

if [[ -f "$table" ]]; then
  echo
  echo "== Speed-up over scalar (benchmarks took ${elapsed}s; also in $table)"
  cat "$table"
fi
