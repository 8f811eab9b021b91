#!/usr/bin/env bash
# Publish the olrt CLI as a NativeAOT executable for a runtime identifier or a board.
# Run tools/publish.sh --help for usage.
set -euo pipefail

# Largest acceptable linux-arm64 binary, in bytes (10 MB = 10 * 2^20). The publish fails above it.
# OLRT_SIZE_BUDGET_BYTES overrides it (e.g. to test the check).
SIZE_BUDGET_BYTES="${OLRT_SIZE_BUDGET_BYTES:-$((10 * 1024 * 1024))}"
# Board whose CPU tuning a plain "linux-arm64" publish uses.
DEFAULT_ARM64_BOARD=rpi4
# Instruction set of the default linux-x64 build: x86-64-v3 (AVX2, BMI1/2, FMA, LZCNT, MOVBE), every x86-64
# CPU since Haswell (2013) and Zen 1. linux-x64-portable leaves it unset (the x86-64-v1 baseline) for older CPUs.
X64_INSTRUCTION_SET=x86-64-v3
# Valid targets (runtime identifiers and host profiles).
RIDS=(linux-x64 linux-x64-portable linux-arm64)
BOARDS=(rpi3 rpi4 rpi5 rpi-zero2w)
# Debian packages needed to cross-compile for arm64 and to run the result under emulation.
APT_PACKAGES=(clang llvm binutils-aarch64-linux-gnu libc6-dev-arm64-cross libgcc-12-dev-arm64-cross qemu-user)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$REPO_ROOT/src/olrt/olrt.csproj"

usage() {
  cat <<EOF
Usage: tools/publish.sh <rid|board>
       tools/publish.sh --help

Publishes src/olrt/olrt.csproj as a NativeAOT executable (Release, trimmed,
InvariantGlobalization) into artifacts/publish/<rid|board>/olrt and prints the
binary's path and size.

Targets:
  linux-x64            x86-64 host build with IlcInstructionSet=$X64_INSTRUCTION_SET: AVX2 kernels
                       compiled in (Haswell / Zen 1 or newer; an older CPU refuses to start it)
  linux-x64-portable   x86-64 host build for any x86-64 CPU: the NativeAOT baseline instruction set,
                       so the AVX2 kernel bodies are compiled out (olrt info: Avx2 no)
  linux-arm64          generic 64-bit Raspberry Pi build; uses the $DEFAULT_ARM64_BOARD CPU tuning
  rpi3 rpi4 rpi5 rpi-zero2w
                       linux-arm64 with boards/<board>/publish.props
                       (IlcInstructionSet matched to the board's core)

arm64 binaries larger than $SIZE_BUDGET_BYTES bytes fail the publish.
Cross-compiling needs: ${APT_PACKAGES[*]}
(installed automatically when run as root, otherwise the apt-get command is printed).

Exit codes: 0 ok, 1 build failure / missing tools / over size budget, 2 bad arguments.
EOF
}

die_usage() {
  echo "publish.sh: $1" >&2
  echo "valid targets: ${RIDS[*]} ${BOARDS[*]}" >&2
  echo "see tools/publish.sh --help" >&2
  exit 2
}

is_board() {
  local b
  for b in "${BOARDS[@]}"; do [[ "$1" == "$b" ]] && return 0; done
  return 1
}

# Install the cross toolchain if a required tool is missing (root only).
ensure_tools() {
  local rid="$1" missing=()
  command -v dotnet >/dev/null 2>&1 || { echo "publish.sh: dotnet SDK not found on PATH" >&2; exit 1; }
  command -v clang >/dev/null 2>&1 || missing+=(clang)
  if [[ "$rid" == linux-arm64 ]]; then
    command -v aarch64-linux-gnu-ld >/dev/null 2>&1 || missing+=(aarch64-linux-gnu-ld)
    command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-aarch64)
  fi
  ((${#missing[@]} == 0)) && return 0

  echo "publish.sh: missing tools: ${missing[*]}" >&2
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "publish.sh: installing ${APT_PACKAGES[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${APT_PACKAGES[@]}"
  else
    echo "publish.sh: install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES[*]}" >&2
    exit 1
  fi
}

if (($# != 1)); then
  [[ $# -eq 0 ]] && die_usage "missing <rid|board> argument"
  die_usage "expected exactly one argument, got $#: $*"
fi
case "$1" in
  -h | --help) usage; exit 0 ;;
esac

TARGET="$1"
PROFILE=""
ISA=""
case "$TARGET" in
  linux-x64)
    RID=linux-x64
    ISA="$X64_INSTRUCTION_SET"
    ;;
  linux-x64-portable)
    RID=linux-x64
    ;;
  linux-arm64)
    RID=linux-arm64
    PROFILE="$REPO_ROOT/boards/$DEFAULT_ARM64_BOARD/publish.props"
    echo "publish.sh: linux-arm64 without a board: using the $DEFAULT_ARM64_BOARD profile's CPU tuning ($PROFILE)"
    ;;
  *)
    is_board "$TARGET" || die_usage "unknown rid or board '$TARGET'"
    RID=linux-arm64
    PROFILE="$REPO_ROOT/boards/$TARGET/publish.props"
    ;;
esac

if [[ -n "$PROFILE" && ! -f "$PROFILE" ]]; then
  echo "publish.sh: publish profile not found: $PROFILE" >&2
  exit 1
fi
if [[ ! -f "$PROJECT" ]]; then
  echo "publish.sh: project not found: $PROJECT" >&2
  exit 1
fi

ensure_tools "$RID"

OUT_DIR="$REPO_ROOT/artifacts/publish/$TARGET"
# Intermediate files per target, so that boards with different instruction sets never share ILC output.
OBJ_PIVOT="release_${RID}_${TARGET}"

args=(
  publish "$PROJECT"
  -c Release
  -r "$RID"
  -o "$OUT_DIR"
  -p:PublishAot=true
  -p:InvariantGlobalization=true
  -p:ArtifactsPivots="$OBJ_PIVOT"
  -nologo
)
if [[ -n "$ISA" ]]; then
  args+=(-p:IlcInstructionSet="$ISA")
  echo "publish.sh: IlcInstructionSet=$ISA"
fi
if [[ -n "$PROFILE" ]]; then
  args+=(-p:PublishProfileFullPath="$PROFILE")
  isa="$(sed -n 's:.*<IlcInstructionSet>\(.*\)</IlcInstructionSet>.*:\1:p' "$PROFILE" | head -n 1)"
  echo "publish.sh: profile $PROFILE (IlcInstructionSet=${isa:-default})"
fi

rm -rf "$OUT_DIR"
echo "publish.sh: dotnet ${args[*]}"
dotnet "${args[@]}"

BINARY="$OUT_DIR/olrt"
if [[ ! -x "$BINARY" ]]; then
  echo "publish.sh: expected binary not produced: $BINARY" >&2
  exit 1
fi

size=$(stat -c %s "$BINARY")
mb=$(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }')
budget_mb=$(awk -v s="$SIZE_BUDGET_BYTES" 'BEGIN { printf "%.2f", s / 1048576 }')
echo "binary: $BINARY"
echo "size:   $size bytes ($mb MB)"
if [[ "$RID" == linux-arm64 ]]; then
  if ((size > SIZE_BUDGET_BYTES)); then
    echo "publish.sh: FAIL: $size bytes exceeds the arm64 size budget of $SIZE_BUDGET_BYTES bytes ($budget_mb MB)" >&2
    exit 1
  fi
  echo "budget: $SIZE_BUDGET_BYTES bytes ($budget_mb MB) - ok"
fi
