"""Self CPU time per native operation and step of a training step, from torch.profiler.

Used by step_bench.py and camel_bench.py (``--profile``) to set PyTorch's kernels beside
``bin/debias bench --profile``.
"""
import torch
from torch.profiler import ProfilerActivity, profile


def print_profile(step, iterations):
    """Self CPU time and calls per step of every native operation, largest first."""
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(iterations):
            step()
    rows = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
    total = sum(e.self_cpu_time_total for e in rows) / 1000 / iterations
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, {iterations} steps profiled")
    print(f"native self time per step: {total:.3f} ms, operations per step: "
          f"{sum(e.count for e in rows) / iterations:.1f}")
    print("| operation | calls | self ms |")
    print("|---|---:|---:|")
    for e in rows[:30]:
        print(f"| `{e.key}` | {e.count / iterations:.1f} | {e.self_cpu_time_total / 1000 / iterations:.3f} |")
