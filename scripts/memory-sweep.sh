#!/usr/bin/env bash
# Resident memory and managed arrays over a long run of each method, with bin/debias's default heap.
#
#   scripts/memory-sweep.sh [ITERATIONS] [OUT] [METHOD ...]
#
# Runs `bin/debias bench --method M --iterations ITERATIONS` (default 100,000) for each method
# (default erm gdro jtt lff disent) at one intra-op thread and writes its report to OUT/M.txt
# (default results/memory): resident memory at a tenth, quarter, half, three quarters and the end
# of the run, its range over the second half, and the arrays the model's manager holds. A method
# whose report exists is skipped, so the sweep resumes where it stopped; a report is written only
# when its run finished (to M.txt.partial first). The figures are memory figures: the step times
# in them are only meaningful on a quiet machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ITERATIONS="${1:-100000}"
OUT="${2:-$ROOT/results/memory}"
shift $(( $# < 2 ? $# : 2 ))
METHODS=("$@")
[[ ${#METHODS[@]} -eq 0 ]] && METHODS=(erm gdro jtt lff disent)
if ! [[ "$ITERATIONS" =~ ^[1-9][0-9]*$ ]]; then
  echo "memory-sweep: ITERATIONS must be a positive whole number, got '$ITERATIONS'" >&2
  exit 2
fi
if [[ -e "$OUT" && ! -d "$OUT" ]]; then
  echo "memory-sweep: $OUT is a file, not a folder" >&2
  exit 2
fi
mkdir -p "$OUT"
export OMP_NUM_THREADS=1
# bin/debias's default heap (-Xmx8g) unless DEBIAS_JAVA_OPTS sets another.
export DEBIAS_JAVA_OPTS="${DEBIAS_JAVA_OPTS:--Xmx8g} -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1"
for method in "${METHODS[@]}"; do
  report="$OUT/$method-$ITERATIONS.txt"
  if [[ -s "$report" ]]; then
    echo "memory-sweep: $method done ($report)"
    continue
  fi
  echo "memory-sweep: $method, $ITERATIONS iterations, started $(date -u +%FT%TZ)"
  {
    echo "# bin/debias bench --method $method --iterations $ITERATIONS; java options: $DEBIAS_JAVA_OPTS"
    echo "# started $(date -u +%FT%TZ) on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$ROOT/bin/debias" bench --method "$method" --iterations "$ITERATIONS"
    echo "# ended $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$report.partial"
  mv "$report.partial" "$report"
  grep -E "resident memory|arrays held" "$report"
done
