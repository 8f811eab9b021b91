# Sourced by tools/setup.sh and tools/test.sh: the Debian packages the project needs, installed when missing.
APT_PACKAGES=(clang llvm binutils-aarch64-linux-gnu libc6-dev-arm64-cross libgcc-12-dev-arm64-cross qemu-user file)
QEMU_SYSROOT=/usr/aarch64-linux-gnu

ensure_packages() {
  local missing=()
  command -v clang >/dev/null || missing+=(clang)
  command -v aarch64-linux-gnu-ld >/dev/null || missing+=(binutils-aarch64-linux-gnu)
  command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
  command -v file >/dev/null || missing+=(file)
  [[ -f "$QEMU_SYSROOT/lib/ld-linux-aarch64.so.1" ]] || missing+=(libc6-dev-arm64-cross)
  ((${#missing[@]} == 0)) && return 0
  echo "missing: ${missing[*]}; installing ${APT_PACKAGES[*]}"
  local sudo=""
  [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${APT_PACKAGES[@]}"
}
