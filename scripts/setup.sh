#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages Overseer needs that are not
# installed yet. Idempotent: re-running it installs nothing new.
#   scripts/setup.sh            build + test dependencies
#   scripts/setup.sh --peers    also CAF, for the peer benchmarks
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  clang-format clang-tidy
  # libraries
  libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev
  libzstd-dev libprotobuf-dev protobuf-compiler libssl-dev
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev
  # recording a BEAM node (erl_interface) and the node its tests start
  erlang-base erlang-dev
  # running the GUI headless and taking screenshots
  xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 fonts-dejavu-core
  # the metrics integration test: a real Prometheus (and promtool), curl
  prometheus curl
)
if [[ "${1:-}" == "--peers" ]]; then
  packages+=(libcaf-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
