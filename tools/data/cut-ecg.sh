#!/usr/bin/env bash
# Cuts the bundled ECG recording, src/OnlineLearning.Sensors/Recordings/mitbih-ecg.olrc, from Debian's
# python3-scipy package: scipy/misc/ecg.dat is a NumPy .npz holding ecg.npy, 108,000 little-endian uint16
# samples (5 min of MIT-BIH record 208, lead MLII, at 360 Hz; mV = (v - 1024) / 200).
# The cut is the first 3 minutes, stored as int16 counts v - 1024 (0 fractional bits, 200 counts per mV) in
# the OLRC format that OnlineLearning.Sensors.Recording reads. Needs apt-get, dpkg-deb and python3 (stdlib
# only). Writes mitbih-ecg.md next to the cut with the package version, licence and both SHA-256 sums.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT_DIR="$REPO_ROOT/src/OnlineLearning.Sensors/Recordings"
SECONDS_CUT="${SECONDS_CUT:-180}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
if ! apt-get download python3-scipy >/dev/null 2>&1; then
  apt-get update >/dev/null
  apt-get download python3-scipy >/dev/null
fi
DEB="$(ls python3-scipy_*.deb)"
VERSION="$(dpkg-deb -f "$DEB" Version)"
dpkg-deb -x "$DEB" extracted
SOURCE="extracted/usr/lib/python3/dist-packages/scipy/misc/ecg.dat"
[[ -f "$SOURCE" ]] || { echo "scipy/misc/ecg.dat is not in $DEB" >&2; exit 1; }
SOURCE_SHA="$(sha256sum "$SOURCE" | cut -d' ' -f1)"

mkdir -p "$OUT_DIR"
python3 - "$SOURCE" "$OUT_DIR/mitbih-ecg.olrc" "$SECONDS_CUT" <<'PY'
import ast, struct, sys, zipfile

source, target, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
rate = 360
npy = zipfile.ZipFile(source).read("ecg.npy")
if npy[:6] != b"\x93NUMPY":
    sys.exit("ecg.npy: not a NumPy array file")
major = npy[6]
header_len = struct.unpack_from("<H" if major == 1 else "<I", npy, 8)[0]
start = 10 if major == 1 else 12
header = ast.literal_eval(npy[start:start + header_len].decode("latin1"))
if header["descr"] != "<u2" or header["fortran_order"] or len(header["shape"]) != 1:
    sys.exit(f"ecg.npy: expected a 1-D little-endian uint16 array, found {header}")
count = header["shape"][0]
data = struct.unpack_from(f"<{count}H", npy, start + header_len)
frames = data[: seconds * rate]
# Header: magic, version, channels, sample rate, fractional bits, flags (bit 0: label channel), reserved,
# frame count; then the frames as little-endian int16.
out = bytearray(b"OLRC")
out += struct.pack("<HHIBBHI", 1, 1, rate, 0, 0, 0, len(frames))
out += struct.pack(f"<{len(frames)}h", *(v - 1024 for v in frames))
with open(target, "wb") as f:
    f.write(out)
print(f"{len(frames)} frames of {count}, min {min(frames) - 1024}, max {max(frames) - 1024}")
PY

CUT_SHA="$(sha256sum "$OUT_DIR/mitbih-ecg.olrc" | cut -d' ' -f1)"
cat > "$OUT_DIR/mitbih-ecg.md" <<MD
# mitbih-ecg.olrc

The first ${SECONDS_CUT} s of the ECG excerpt that SciPy ships as \`scipy/misc/ecg.dat\`: MIT-BIH Arrhythmia
Database record 208, lead MLII, 19:35 to 24:35, sampled at 360 Hz (Moody GB, Mark RG, IEEE Eng in Med and
Biol 20(3):45-50, 2001, doi:10.13026/C2F305; Goldberger et al., PhysioNet, Circulation 101(23), 2000).

| what | value |
| --- | --- |
| source package | Debian \`python3-scipy\` ${VERSION} (\`apt-get download python3-scipy\`) |
| source file | \`usr/lib/python3/dist-packages/scipy/misc/ecg.dat\` (NumPy .npz holding \`ecg.npy\`, 108,000 uint16) |
| source SHA-256 | \`${SOURCE_SHA}\` |
| licence | SciPy's BSD-3-Clause (Debian copyright, \`Files: *\`); the MIT-BIH data are published by PhysioNet under the Open Data Commons Attribution License v1.0 |
| cut | first ${SECONDS_CUT} s, $((SECONDS_CUT * 360)) frames, 1 channel, no label channel |
| encoding | OLRC v1, int16 counts \`v - 1024\`, 0 fractional bits; 200 counts = 1 mV |
| cut SHA-256 | \`${CUT_SHA}\` |

Regenerate with \`tools/data/cut-ecg.sh\`; the output is byte-for-byte the same for the same package version.
MD
echo "wrote $OUT_DIR/mitbih-ecg.olrc ($(stat -c %s "$OUT_DIR/mitbih-ecg.olrc") bytes, sha256 $CUT_SHA)"
