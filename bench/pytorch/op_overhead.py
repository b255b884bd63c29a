"""The fixed cost of one native operation in PyTorch, beside scripts/jmh.sh's NativeOpBenchmark.

The same operations on one-element tensors (an in-place add, an add into a new tensor, an add of
a Python scalar) and the forward product of ERM's first layer (256x2352 by 2352x100), one
intra-op thread; prints microseconds per operation, the median of five timings of one second.
"""
import statistics
import timeit

import torch


def per_op_micros(fn, seconds=1.0):
    number = max(1, int(seconds / max(timeit.timeit(fn, number=1000) / 1000, 1e-9)))
    runs = [timeit.timeit(fn, number=number) / number * 1e6 for _ in range(5)]
    return statistics.median(runs), min(runs), max(runs)


def main():
    torch.set_num_threads(1)
    one, other = torch.ones(1), torch.zeros(1)
    batch, weight = torch.rand(256, 2352), torch.rand(2352, 100) * 0.04 - 0.02
    cases = {
        "addInPlace": lambda: one.add_(other),
        "add": lambda: one.add(other),
        "addScalar": lambda: one.add(0.0),
        "ermFirstLayerProduct": lambda: batch.matmul(weight),
    }
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for name, fn in cases.items():
        median, low, high = per_op_micros(fn)
        print(f"{name}: {median:.3f} us/op (min {low:.3f}, max {high:.3f})")


if __name__ == "__main__":
    main()
