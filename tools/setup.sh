#!/usr/bin/env bash
# Set-up: installs the Debian packages the project needs (clang and the aarch64 cross toolchain for NativeAOT
# arm64 builds, qemu-user to run them) when they are missing, and restores the NuGet packages. Needs the .NET 10
# SDK on PATH. tools/test.sh does the same on its own, so CI needs only the test command.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
# shellcheck source=tools/lib/packages.sh
source tools/lib/packages.sh
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet on PATH): https://dot.net" >&2; exit 1; }
ensure_packages
dotnet restore OnlineLearning.sln
dotnet restore src/olrt -r linux-arm64
echo "set-up done: run tools/test.sh"
