#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job:
#  - with a display: the Overseer GUI, running the BufferedTask leak demo
#    (closure mode) in-process;
#  - without one: records the leak demo headless in both modes and prints
#    the outlier reports (and where the captures are, to open later).
# Usage: scripts/run.sh [seconds]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

scripts/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" \
  --target overseer overseer-demo overseer-capture overseer-report

bin=build/default
out=captures
mkdir -p "$out"

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  exec "$bin/gui/overseer" --demo buffered-task -- --mode closure
fi

for mode in closure mfa; do
  echo "== buffered-task --mode $mode, ${seconds}s, recorded to $out/buffered-task-$mode.ovc"
  "$bin/samples/demo/overseer-demo" buffered-task --mode "$mode" \
    --duration "${seconds}s" --capture "$out/buffered-task-$mode.ovc"
done
for mode in closure mfa; do
  echo
  echo "== outliers at the end of the $mode run"
  "$bin/probes/tools/overseer-report" "$out/buffered-task-$mode.ovc" --top 10 --sort memory
  "$bin/probes/tools/overseer-report" "$out/buffered-task-$mode.ovc" --top 3 --sort msgq
done
echo
echo "Open a capture in the GUI with: $bin/gui/overseer $out/buffered-task-closure.ovc"
