#!/bin/sh
# Interleaved before/after runs; one JSON line per run, tagged with the binary and the load average.
# ab/bench_{forwarding,floor}_base: Release build of b6fc230; ab/..._final: of the branch head.
# Usage, from the repository root: sh benchmarks/results/hop_ab_2026-11-23.sh OUT.jsonl
out=$1
: > $out
for i in 1 2 3; do
  for b in base final; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    ab/bench_floor_$b --json | sed "s/^{/{\"binary\":\"$b\",\"load\":$load,/" >> $out
    for n in 10 100 1000; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      ab/bench_forwarding_$b --hosts $n --json | sed "s/^{/{\"binary\":\"$b\",\"load\":$load,/" >> $out
    done
  done
done
