#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job:
#  - with a display: the Overseer GUI, running the BufferedTask leak demo
#    (closure mode) in-process;
#  - without one: records the leak demo headless in both modes and prints
#    the outliers, the run-wide peaks, the suspects of each run and the
#    comparison of the two (and where the captures are, to open later).
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
echo
echo "== outliers at the end of the closure run (the instant is not the story: read on)"
"$bin/probes/tools/overseer-report" "$out/buffered-task-closure.ovc" --top 8 --sort memory \
  | sed -n '/^Top /,$p'
echo
echo "== the processes that peaked highest over the whole closure run (ended ones too)"
"$bin/probes/tools/overseer-report" "$out/buffered-task-closure.ovc" --top 8 \
  --sort peak_memory 2>/dev/null | sed -n '/^Top /,$p'
echo
echo "== suspects of the closure run: what leaked, through which process, and why"
"$bin/probes/tools/overseer-report" "$out/buffered-task-closure.ovc" --suspects
echo
echo "== suspects of the mfa run (the fix)"
"$bin/probes/tools/overseer-report" "$out/buffered-task-mfa.ovc" --suspects \
  | sed -n '/^Suspects/,$p'
echo
echo "== the two runs side by side: A = closure, B = mfa (the fix), ratio B/A"
"$bin/probes/tools/overseer-report" --compare "$out/buffered-task-closure.ovc" \
  "$out/buffered-task-mfa.ovc" --top 10
echo
echo "Open a capture in the GUI with: $bin/gui/overseer $out/buffered-task-closure.ovc"
