#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite
# (GoogleTest for core and probes, Qt Test on the offscreen platform for the
# GUI, short fuzz runs). Usage: scripts/test.sh [--sanitize address|thread]
set -euo pipefail
cd "$(dirname "$0")/.."

preset=default
if [[ "${1:-}" == "--sanitize" ]]; then
  case "${2:-}" in
    address) preset=asan ;;
    thread) preset=tsan ;;
    *) echo "usage: $0 [--sanitize address|thread]" >&2; exit 2 ;;
  esac
fi

scripts/setup.sh
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
export QT_QPA_PLATFORM=offscreen
ctest --preset "$preset" -j "$(nproc)"
