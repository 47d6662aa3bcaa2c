#!/usr/bin/env bash
# A real Prometheus scrapes the BufferedTask demo (closure mode) through
# overseer-capture --metrics, and its HTTP API answers the fleet queries of
# docs/user-guide.md: the task supervisor's peak memory, the top task
# supervisor by peak, the suspects. promtool lints what the endpoint serves.
# Everything listens on loopback and is stopped at the end; every wait is
# bounded.
#
# usage: prometheus_scrape_test.sh OVERSEER_CAPTURE OVERSEER_DEMO
set -euo pipefail
capture=$1
demo=$2

for tool in prometheus promtool curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (scripts/setup.sh installs it)"
    exit 77
  fi
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  echo "--- overseer-capture:"; tail -20 "$work/capture.log" || true
  echo "--- prometheus:"; tail -20 "$work/prometheus.log" || true
  exit 1
}

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  until "$@"; do
    ((SECONDS < end)) || return 1
    sleep 0.5
  done
}

# The demo, watched by overseer-capture, which only serves (no --out).
"$capture" --metrics 127.0.0.1:0 --launch -- \
  "$demo" buffered-task --mode closure --duration 240s >"$work/capture.log" 2>&1 &
pids+=($!)
wait_for 60 grep -q "metrics on http://" "$work/capture.log" || fail "no metrics endpoint"
target=$(grep -o "metrics on http://[0-9.]*:[0-9]*" "$work/capture.log" | head -1)
target=${target#metrics on http://}
echo "metrics endpoint: $target"

# promtool lints the text format (what a scraper gets without asking for
# OpenMetrics).
wait_for 60 sh -c "curl -sf http://$target/metrics | grep -q '^overseer_samples_total [1-9]'" \
  || fail "the endpoint served no sample"
curl -sf "http://$target/metrics" >"$work/exposition.txt"
promtool check metrics <"$work/exposition.txt" || fail "promtool rejected the exposition"
echo "promtool check metrics: ok ($(wc -l <"$work/exposition.txt") lines)"

# Prometheus on a free loopback port, scraping every second.
cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: overseer
    static_configs:
      - targets: ['$target']
YAML
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 40000))
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$port" >"$work/prometheus.log" 2>&1 &
  ppid=$!
  if wait_for 30 curl -sf "http://127.0.0.1:$port/-/ready" -o /dev/null; then
    pids+=("$ppid")
    break
  fi
  kill "$ppid" 2>/dev/null || true
  wait "$ppid" 2>/dev/null || true
  ((attempt < 5)) || fail "prometheus did not start"
done
echo "prometheus on 127.0.0.1:$port"

api="http://127.0.0.1:$port/api/v1"
query() { curl -sf --get "$api/query" --data-urlencode "query=$1"; }
# The first value of a query's result, or nothing.
first_value() { query "$1" | grep -o '"value":\[[0-9.]*,"[^"]*"\]' | head -1 | sed 's/.*,"\(.*\)"\]/\1/'; }
at_least() {
  local v
  v=$(first_value "$1")
  [[ -n "$v" ]] && awk -v v="$v" -v min="$2" 'BEGIN { exit !(v + 0 >= min + 0) }'
}

wait_for 120 at_least 'up{job="overseer"}' 1 || fail "the target is not up"
peak='max_over_time(overseer_process_memory_peak_bytes{name="Indexer.InternalTransaction.TaskSupervisor"}[10m])'
wait_for 120 at_least "$peak" 1000000 || fail "no megabyte peak for the task supervisor"
echo "task supervisor peak memory: $(first_value "$peak") bytes"

# The fleet query of the user guide: the top task supervisor by peak memory.
top='topk(1, max_over_time(overseer_process_memory_peak_bytes{name=~".*TaskSupervisor"}[10m]))'
query "$top" | grep -q '"name":"Indexer.InternalTransaction.TaskSupervisor"' \
  || fail "the top task supervisor is not the closure's: $(query "$top")"

# The scrapes were OpenMetrics (Prometheus asks for it) and none failed.
curl -sf "$api/targets" | grep -q '"lastError":""' || fail "a scrape failed: $(curl -sf "$api/targets")"

wait_for 120 at_least 'overseer_suspects{kind="state_in_messages"}' 1 \
  || fail "the suspects never named the state in the messages"
echo "suspects: state_in_messages = $(first_value 'overseer_suspects{kind="state_in_messages"}')"
echo "PASS"
