#!/usr/bin/env bash
# Times the same Colored MNIST training step in PyTorch and in Debias on this machine.
#
#   scripts/bench-pytorch.sh [ITERATIONS] [THREADS]
#
# PyTorch comes from Debian (python3-torch, with OpenBLAS as the BLAS: Debian's default reference
# BLAS is 15x slower and would not be a fair comparison); the script installs both with apt-get
# when they are missing, which needs root. It then runs bench/pytorch/step_bench.py and
# `bin/debias bench` for ERM, Group DRO, LfF and DisEnt with the same number of threads, and prints one
# line per method and framework. OpenBLAS itself runs single-threaded: PyTorch's intra-op threads
# on top of OpenBLAS's own oversubscribe the cores (ERM 14.7 instead of 4.3 ms on 2 cores), and
# the comparison is meant against PyTorch at its best.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ITERATIONS="${1:-1000}"
THREADS="${2:-2}"
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

for method in erm gdro lff disent; do
  # DisEnt is timed with its feature swap on from step 2 in both frameworks.
  extra=()
  [[ "$method" == disent ]] && extra=(--swap-start 1)
  torch_ms=$(OMP_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS=1 "$PY" "$ROOT/bench/pytorch/step_bench.py" --method "$method" \
      --iterations "$ITERATIONS" --threads "$THREADS" | awk '/^ms_per_iteration:/ {print $2}')
  debias_ms=$(DEBIAS_JAVA_OPTS="-Xmx8g -Dai.djl.pytorch.num_threads=$THREADS -Dai.djl.pytorch.num_interop_threads=1" \
      "$ROOT/bin/debias" bench --method "$method" --iterations "$ITERATIONS" "${extra[@]}" | awk '/^ms_per_iteration:/ {print $2}')
  printf '%-5s pytorch %s ms/iteration, debias %s ms/iteration\n' "$method" "$torch_ms" "$debias_ms"
done
