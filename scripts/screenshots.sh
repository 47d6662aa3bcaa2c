#!/usr/bin/env bash
# Renders every view of the GUI into docs/images/*.png (the user guide shows
# them). Re-run it when a view changes, and look at the pictures.
#
#   scripts/screenshots.sh                 the synthetic leak run, at 45 s
#   scripts/screenshots.sh --demo          the real buffered-task demo in
#                                          closure mode, recorded for 10 s,
#                                          into docs/images/demo
#   scripts/screenshots.sh CAPTURE [SECONDS] [PID]
#                                          a recorded capture, at SECONDS,
#                                          with the process window of PID
#
# Uses the offscreen platform; set SCREENSHOT_PLATFORM=xvfb to render under
# xvfb-run instead (real fonts and X11 rendering). BUILD_DIR picks the build
# directory (default build/screenshots).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build/screenshots}
out=$root/docs/images

cmake -S "$root" -B "$build" -G Ninja -DOVERSEER_BUILD_GUI=ON >/dev/null
cmake --build "$build" -j2 --target overseer overseer_gui_screenshots >/dev/null

run() {
  if [[ "${SCREENSHOT_PLATFORM:-offscreen}" == "xvfb" ]]; then
    xvfb-run -a -s "-screen 0 1600x1000x24" "$@"
  else
    QT_QPA_PLATFORM=offscreen "$@"
  fi
}

# Settings of a person's own session must not change the pictures.
export XDG_CONFIG_HOME="$build/screenshot-config"
rm -rf "$XDG_CONFIG_HOME"

if [[ "${1:-}" == "--demo" ]]; then
  run "$build/tests/gui/overseer_gui_screenshots" --demo "$out/demo"
elif [[ $# -ge 1 ]]; then
  args=(--screenshot "$out")
  [[ $# -ge 2 ]] && args+=(--at "$2")
  [[ $# -ge 3 ]] && args+=(--open-pid "$3")
  run "$build/gui/overseer" "${args[@]}" "$1"
else
  run "$build/tests/gui/overseer_gui_screenshots" "$out"
fi
