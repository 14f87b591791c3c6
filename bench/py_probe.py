#!/usr/bin/python3
"""The matrix-product probe: how fast PyTorch multiplies the product that dominates a training step.

    /usr/bin/python3 bench/py_probe.py --threads 2 [--rows 64 --inner 1542 --cols 256]

Times `a @ b` for a [rows, inner] by [inner, cols] float32 (the seed's defaults: batch 32 scored as
A and B in one pass, F = 1536 + 6 metrics, H = 256) with torch.set_num_threads(threads), in
blocks of repetitions long enough to time, and prints one line of JSON with the best block's
GFLOP/s (2 * rows * inner * cols per product): the rate the machine's BLAS reaches on this shape,
the limit the training figures are measured against.
"""

import argparse
import json
import os
import statistics
import time

import torch


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rows", type=int, default=64)
    ap.add_argument("--inner", type=int, default=1542)
    ap.add_argument("--cols", type=int, default=256)
    ap.add_argument("--seconds", type=float, default=1.5, help="time spent measuring")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    a = torch.randn(args.rows, args.inner)
    b = torch.randn(args.inner, args.cols)
    out = torch.empty(args.rows, args.cols)
    flop = 2.0 * args.rows * args.inner * args.cols
    for _ in range(50):
        torch.matmul(a, b, out=out)
    # Blocks of about 20 ms; the best block is the least disturbed by other load.
    t = time.perf_counter()
    torch.matmul(a, b, out=out)
    reps = max(1, int(0.02 / max(time.perf_counter() - t, 1e-6)))
    rates = []
    end = time.perf_counter() + args.seconds
    while time.perf_counter() < end or len(rates) < 5:
        t = time.perf_counter()
        for _ in range(reps):
            torch.matmul(a, b, out=out)
        rates.append(flop * reps / (time.perf_counter() - t) / 1e9)
    print(json.dumps({
        "threads": torch.get_num_threads(),
        "shape": [args.rows, args.inner, args.cols],
        "gflops": round(max(rates), 2),
        "gflops_median": round(statistics.median(rates), 2),
        "blocks": len(rates),
        "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY"),
    }))


if __name__ == "__main__":
    main()
