#!/usr/bin/env bash
# Starts samples/beam/buffered_task.erl on a node of its own, records it with
# overseer-capture --beam, stops the node and prints the report.
#   samples/beam/record.sh closure|function [SECONDS] [OUT.ovc]
# Needs erl and erlc (scripts/setup.sh) and a built overseer-capture and
# overseer-report (OVERSEER_BIN: their directory; default build/headless/probes/tools).
set -euo pipefail
mode=${1:-closure}
seconds=${2:-10}
out=${3:-buffered_task_${mode}.ovc}
here=$(cd "$(dirname "$0")" && pwd)
bin=${OVERSEER_BIN:-$here/../../build/headless/probes/tools}
work=$(mktemp -d)
trap 'kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

erlc -o "$work" "$here/buffered_task.erl" "$here/buffered_task_sup_cb.erl"
name=bt_${mode}_$$
cookie=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$cookie" > "$work/cookie"
chmod 600 "$work/cookie"
erl -sname "$name" -setcookie "$cookie" -noinput -pa "$work" \
    -eval "buffered_task:start($mode)" > "$work/node.log" 2>&1 &
node_pid=$!
# The node is up once epmd knows it.
for _ in $(seq 100); do
  if epmd -names 2>/dev/null | grep -q "name $name "; then break; fi
  sleep 0.1
done
"$bin/overseer-capture" --beam "$name" --cookie-file "$work/cookie" \
    --out "$out" --duration "${seconds}s" --interval 500ms --quiet
"$bin/overseer-report" "$out" --top 8
echo "node log (buffer call time-outs):"
grep -c "timed out" "$work/node.log" || true
