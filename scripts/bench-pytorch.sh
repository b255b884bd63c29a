#!/usr/bin/env bash
# Times the same Colored MNIST training step in PyTorch and in Debias on this machine.
#
#   scripts/bench-pytorch.sh [ITERATIONS] [THREADS] [REPEATS] [METHOD ...]
#
# Methods default to erm gdro lff disent dcwp (DCWP: its phase-3 step on the GateCNN); cyclegan and
# camel (CAMEL's stage-1 and stage-2 steps, bench/pytorch/camel_bench.py) on request. Each
# repeat runs every method once in each framework, the two sides interleaved, and the script
# prints per method the median over the repeats with the smallest and largest run.
# PyTorch comes from Debian (python3-torch, with OpenBLAS as the BLAS: Debian's default reference
# BLAS is 15x slower and would not be a fair comparison); the script installs both with apt-get
# when they are missing, which needs root. It then runs bench/pytorch/step_bench.py and
# `bin/debias bench` with the same number of threads. OpenBLAS itself runs single-threaded: PyTorch's intra-op threads
# on top of OpenBLAS's own oversubscribe the cores (ERM 14.7 instead of 4.3 ms on 2 cores), and
# the comparison is meant against PyTorch at its best.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ITERATIONS="${1:-1000}"
THREADS="${2:-2}"
REPEATS="${3:-1}"
shift $(( $# < 3 ? $# : 3 ))
METHODS=("$@")
[[ ${#METHODS[@]} -eq 0 ]] && METHODS=(erm gdro lff disent dcwp)
PY=/usr/bin/python3

if ! "$PY" -c 'import torch' 2>/dev/null || [[ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bench-pytorch: PyTorch (python3-torch) or OpenBLAS is missing; run as root to install them" >&2
    exit 1
  fi
  echo "bench-pytorch: installing python3-torch and libopenblas0-pthread from Debian ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-pthread >&2
fi

declare -A TORCH DEBIAS
for ((r = 1; r <= REPEATS; r++)); do
  for method in "${METHODS[@]}"; do
    # DisEnt is timed with its feature swap on from step 2 in both frameworks.
    extra=()
    [[ "$method" == disent ]] && extra=(--swap-start 1)
    script=step_bench.py
    [[ "$method" == cyclegan || "$method" == camel ]] && script=camel_bench.py
    torch_ms=$(OMP_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS=1 "$PY" "$ROOT/bench/pytorch/$script" --method "$method" \
        --iterations "$ITERATIONS" --threads "$THREADS" | awk '/^ms_per_iteration:/ {print $2}')
    debias_ms=$(DEBIAS_JAVA_OPTS="-Xmx8g -Dai.djl.pytorch.num_threads=$THREADS -Dai.djl.pytorch.num_interop_threads=1" \
        "$ROOT/bin/debias" bench --method "$method" --iterations "$ITERATIONS" "${extra[@]}" | awk '/^ms_per_iteration:/ {print $2}')
    echo "bench-pytorch: repeat $r, $method: pytorch $torch_ms, debias $debias_ms ms/iteration" >&2
    TORCH[$method]+="$torch_ms "
    DEBIAS[$method]+="$debias_ms "
  done
done

# median (min-max) of a list of numbers
summary() {
  tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR] = $1} END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.2f (%.2f-%.2f)", m, v[1], v[NR]}'
}
for method in "${METHODS[@]}"; do
  printf '%-6s pytorch %s ms/iteration, debias %s ms/iteration (median (min-max) of %d)\n' \
      "$method" "$(summary "${TORCH[$method]}")" "$(summary "${DEBIAS[$method]}")" "$REPEATS"
done
