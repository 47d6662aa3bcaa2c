#!/usr/bin/env bash
# Builds and runs the core runtime's benchmarks and the same work on the BEAM
# and on CAF 0.17, on this machine, with the same number of scheduler
# threads, and prints the medians side by side with the ratios.
#
#   scripts/bench-peers.sh [--rounds N] [--schedulers N] [--build-dir DIR]
#   scripts/bench-peers.sh --report [--build-dir DIR]   (table of the last run)
#
# Defaults: 5 rounds, 2 schedulers, build/bench-peers. Each round runs ours,
# then the BEAM, then CAF, so that a burst of load from elsewhere hits all
# three alike; every figure is the median over the rounds, and every ratio
# the median of the ratios within a round. Raw figures go to
# DIR/peers-results.txt ("round tool metric value"). The BEAM and CAF come
# from `scripts/setup.sh --peers`; a peer that is missing shows as n/a.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=5
schedulers=2
build=build/bench-peers
report_only=0
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --schedulers) schedulers="$2"; shift 2 ;;
    --build-dir) build="$2"; shift 2 ;;
    --report) report_only=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench-peers: unknown argument $1" >&2; exit 2 ;;
  esac
done

results="$build/peers-results.txt"
ours="$build/tests/bench/core/core_bench"
have_beam=1
have_caf=1
command -v erlc >/dev/null && command -v erl >/dev/null || have_beam=0
[[ -f /usr/include/caf/all.hpp ]] || have_caf=0

build_all() {
  if ((!have_beam || !have_caf)); then
    echo "bench-peers: the BEAM or CAF is missing; scripts/setup.sh --peers installs them" >&2
  fi
  echo "== building (Release)"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DOVERSEER_BUILD_BENCHMARKS=ON -DOVERSEER_BUILD_GUI=OFF \
    -DOVERSEER_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" --target core_bench -j 2 >/dev/null
  if ((have_caf)); then
    cmake -S tests/bench/peers/caf -B "$build/peers/caf" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build/peers/caf" -j 2 >/dev/null
  fi
  if ((have_beam)); then
    mkdir -p "$build/peers/beam"
    erlc -o "$build/peers/beam" tests/bench/peers/beam_bench.erl
  fi
}

# Google Benchmark CSV rows -> "metric value" lines.
gbench_metrics() {
  awk -F, '
    /^name,/ { for (i = 1; i <= NF; ++i) { gsub(/"/, "", $i); col[$i] = i }; next }
    !("name" in col) { next }
    {
      gsub(/"/, "", $0)
      name = $col["name"]
      split(name, part, "/")
      ips = $col["items_per_second"]
      cpu = $col["cpu_time"]
      if (part[1] == "BM_SpawnExit") print "spawn_exit_per_s", ips
      else if (part[1] == "BM_PingPong") print "ping_pong_per_s", ips
      else if (part[1] == "BM_NToOne") print "n_to_1_per_s", ips
      else if (part[1] == "BM_CallInside") print "call_inside_per_s", ips
      else if (part[1] == "BM_CallOutside") print "call_outside_per_s", ips
      else if (part[1] == "BM_IdleProcessMemory") {
        print "idle_process_info_bytes", $col["info_bytes"]
        print "idle_rss_bytes_per_process", $col["rss_bytes_per_process"]
        print "genserver_info_bytes", $col["genserver_info_bytes"]
        print "control_block_bytes", $col["control_block_bytes"]
      }
      else if (part[1] == "BM_NewDelete64") print "new_delete_" part[2] "_ns", cpu
      else if (part[1] == "BM_MallocFree") { sub("bytes:", "", part[2]); print "malloc_free_" part[2] "_ns", cpu }
    }'
}

record() {  # round tool < "metric value" lines
  awk -v round="$1" -v tool="$2" 'NF == 2 { print round, tool, $1, $2 }' >>"$results"
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

run_rounds() {
  : >"$results"
  for ((r = 1; r <= rounds; ++r)); do
    echo "== round $r/$rounds (load average $(load))"
    # The memory reading runs alone, in a fresh process, so that heap freed
    # by another benchmark cannot hide its growth.
    "$ours" --schedulers="$schedulers" --benchmark_filter=IdleProcessMemory \
      --benchmark_format=csv 2>/dev/null | gbench_metrics | record "$r" ours
    "$ours" --schedulers="$schedulers" \
      --benchmark_filter='SpawnExit|PingPong|NToOne|CallInside|CallOutside|NewDelete64|MallocFree' \
      --benchmark_format=csv 2>/dev/null | gbench_metrics | record "$r" ours
    if ((have_beam)); then
      erl +S "$schedulers:$schedulers" -noshell -pa "$build/peers/beam" \
        -eval 'beam_bench:main(), halt().' | record "$r" beam
    fi
    if ((have_caf)); then
      "$build/peers/caf/caf_bench" --schedulers="$schedulers" | record "$r" caf
    fi
  done
  echo "== done (load average $(load))"
}

if ((report_only)); then
  [[ -s "$results" ]] || { echo "bench-peers: no $results yet" >&2; exit 1; }
  rounds=$(awk '$2 == "ours" && $3 == "spawn_exit_per_s"' "$results" | wc -l)
else
  build_all
  run_rounds
fi

# Every figure as "V tool metric value", and ours over each peer's figure
# of the same round as "R peer metric ratio"; sorted, so that the table
# stage can take the median (and the spread) of each group.
awk '
  { v[$1 SUBSEP $2 SUBSEP $3] = $4; round[$1]; metric[$3]; print "V", $2, $3, $4 }
  END {
    for (r in round) for (m in metric) for (p = 1; p <= 2; ++p) {
      peer = p == 1 ? "beam" : "caf"
      o = r SUBSEP "ours" SUBSEP m
      q = r SUBSEP peer SUBSEP m
      if ((o in v) && (q in v) && v[q] != 0) print "R", peer, m, v[o] / v[q]
    }
  }' "$results" | sort -k1,1 -k2,2 -k3,3 -k4,4g | awk '
  function flush() {
    if (n == 0) return
    med[key] = (n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
    lo[key] = x[1]
    hi[key] = x[n]
    n = 0
  }
  { k = $1 " " $2 " " $3; if (k != key) { flush(); key = k }; x[++n] = $4 }
  END {
    flush()
    fmt = "%-28s %12s %12s %12s %10s %10s\n"
    printf "\nmedians of '"$rounds"' rounds, '"$schedulers"' scheduler threads each;"
    printf " a ratio is the median of the\nratios within each round (ours over the peer)\n\n"
    printf fmt, "metric", "ours", "BEAM", "CAF", "ours/BEAM", "ours/CAF"
    split("spawn_exit_per_s ping_pong_per_s n_to_1_per_s call_inside_per_s " \
          "call_outside_per_s idle_process_info_bytes idle_rss_bytes_per_process " \
          "idle_vm_bytes_per_process", rows, " ")
    for (i = 1; i in rows; ++i) {
      m = rows[i]
      printf fmt, m, show("V ours " m), show("V beam " m), show("V caf " m),
             ratio("R beam " m), ratio("R caf " m)
    }
    printf "\nrates are per second (higher is better); bytes are per process (lower is better)\n"
    printf "\nspread over the rounds (min..max)\n"
    for (i = 1; i in rows; ++i) {
      m = rows[i]
      printf "  %-28s %20s %20s %20s\n", m, range("V ours " m), range("V beam " m),
             range("V caf " m)
    }
    printf "\nours only (medians)\n"
    split("control_block_bytes genserver_info_bytes new_delete_no_account_ns " \
          "new_delete_exclusive_ns new_delete_shared_ns new_delete_deferred_ns " \
          "malloc_free_64_ns malloc_free_80_ns", more, " ")
    for (i = 1; i in more; ++i) {
      m = "V ours " more[i]
      if (m in med) printf "  %-28s %10.1f\n", more[i], med[m]
    }
    base = med["V ours malloc_free_64_ns"]
    none = med["V ours new_delete_no_account_ns"]
    printf "\naccounting per 64-byte alloc+free pair, ns"
    printf " (vs malloc/free 64 | vs our operator with no account)\n"
    split("exclusive shared deferred", modes, " ")
    for (i = 1; i in modes; ++i) {
      m = "V ours new_delete_" modes[i] "_ns"
      if (m in med) printf "  %-10s %+6.1f | %+6.1f\n", modes[i], med[m] - base, med[m] - none
    }
  }
  function show(k) { return (k in med) ? sprintf("%.0f", med[k]) : "n/a" }
  function range(k) { return (k in lo) ? sprintf("%.0f..%.0f", lo[k], hi[k]) : "n/a" }
  function ratio(k) { return (k in med) ? sprintf("%.2f", med[k]) : "n/a" }
'
echo
echo "raw figures: $results"
