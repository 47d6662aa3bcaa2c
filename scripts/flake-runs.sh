#!/usr/bin/env bash
# Runs each integration test program (attach, the capture and report tools,
# the samples, the GUI's live sessions) N times in a row and prints a table
# of runs and failures per program, with the log of every failed run kept.
# Meant to run while something else keeps the cores busy (docs/testing.md).
#
#   scripts/flake-runs.sh [BUILD_DIR [N [PROGRAM...]]]
#     BUILD_DIR  default build/default;  N  default 20
#     PROGRAM    paths under BUILD_DIR/tests; default: the list below
set -uo pipefail
cd "$(dirname "$0")/.."

build=${1:-build/default}
runs=${2:-20}
shift $(($# > 2 ? 2 : $#))
programs=("$@")
if ((${#programs[@]} == 0)); then
  programs=(
    probes/attach/attach_test
    probes/tools/report_test
    probes/tools/report_capture_test
    probes/tools/capture_tool_test
    probes/tools/demo_capture_test
    samples/samples_flags_test
    samples/samples_buffered_task_test
    samples/samples_workloads_test
    samples/samples_demo_suspects_test
    gui/gui_session_test
    gui/gui_main_window_test
    gui/gui_analysis_test
    gui/gui_demo_test
  )
fi

logs="$build/flake-runs"
mkdir -p "$logs"
export QT_QPA_PLATFORM=offscreen
export XDG_CONFIG_HOME="$logs/config"

printf '| %-36s | %4s | %8s | %9s |\n' program runs failures "wall (s)"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..38})" ------ ---------- -----------
total_failed=0
for p in "${programs[@]}"; do
  exe="$build/tests/$p"
  name=$(basename "$p")
  if [[ ! -x "$exe" ]]; then
    printf '| %-36s | %4s | %8s | %9s |\n' "$name" - "not built" -
    continue
  fi
  failed=0
  start=$(date +%s)
  for ((i = 1; i <= runs; ++i)); do
    log="$logs/$name.$i.log"
    if "$exe" >"$log" 2>&1; then
      rm -f "$log"
    else
      failed=$((failed + 1))
    fi
  done
  total_failed=$((total_failed + failed))
  printf '| %-36s | %4d | %8d | %9d |\n' "$name" "$runs" "$failed" $(($(date +%s) - start))
done
if ((total_failed > 0)); then
  echo "failed runs' logs: $logs" >&2
  exit 1
fi
