#!/usr/bin/python3
"""Ranker Studio's engine benchmark against the Python scaffold's way, in one run, as ratios.

    /usr/bin/python3 bench/run_bench.py [--build build] [--data /tmp/bench-data] [--threads 1]
                                        [--epochs 4] [--skip-large]

Generates (once) (a) 20,000 pairs over 4,000 items, D=1536, 6 metrics (~850 MB) and (b) 4,000
pairs over 300 items, D=10, then prints for each: load MB/s and peak RSS (C++ loader vs Python's
json module), and seconds per epoch / pairs/s / GFLOP/s at the seed's defaults (C++ engine vs
the same loop in Python PyTorch with the same BLAS and thread count). Each side runs in its own
process, alternating, so that both see the same machine load.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"


def run_json(cmd, env):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def ensure(path, pairs, items, dim, seed):
    if os.path.exists(path):
        return
    print(f"generating {path} ...", file=sys.stderr)
    subprocess.run([PY, os.path.join(HERE, "gen_dataset.py"), "--pairs", str(pairs), "--items", str(items),
                    "--dim", str(dim), "--metrics", "6", "--seed", str(seed), "--tie-share", "0.1",
                    "--output", path], check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--data", default="/tmp/bench-data")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args()

    bench = os.path.join(args.build, "bench", "ranker-bench")
    os.makedirs(args.data, exist_ok=True)
    sets = [("small", os.path.join(args.data, "small.jsonl"), 4000, 300, 10, 2)]
    if not args.skip_large:
        sets.insert(0, ("large", os.path.join(args.data, "large.jsonl"), 20000, 4000, 1536, 1))
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS="1",
               OMP_WAIT_POLICY="PASSIVE")
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    print(f"BLAS {blas}; threads {args.threads}; {args.epochs} epochs (median of epochs 2..N)")
    rows = []
    for name, path, pairs, items, dim, seed in sets:
        ensure(path, pairs, items, dim, seed)
        cpp_load = run_json([bench, "load", path, "--dim", str(dim)], env)
        py_load = run_json([PY, os.path.join(HERE, "py_json_load.py"), path], env)
        cpp = run_json([bench, "train", path, "--dim", str(dim), "--epochs", str(args.epochs),
                        "--threads", str(args.threads)], env)
        py = run_json([PY, os.path.join(HERE, "py_train_loop.py"), path, "--dim", str(dim), "--epochs",
                       str(args.epochs), "--threads", str(args.threads)], env)
        rows.append((name, cpp_load, py_load, cpp, py))

    for name, cl, pl, c, p in rows:
        print(f"\n== {name}: {cl['file_mb']:.1f} MB, {cl['valid_pairs']} pairs, {cl['unique_items']} items ==")
        print(f"load       C++ {cl['mb_per_s']:8.1f} MB/s  peak {cl['peak_rss_mb']:7.1f} MiB "
              f"(of which {cl['rss_before_mb']:.0f} before loading)")
        print(f"           Py  {pl['mb_per_s']:8.1f} MB/s  peak {pl['peak_rss_mb']:7.1f} MiB")
        print(f"           ratio: {cl['mb_per_s'] / pl['mb_per_s']:.1f}x faster, "
              f"{pl['peak_rss_mb'] / cl['peak_rss_mb']:.1f}x less memory")
        print(f"epoch      C++ {c['seconds_per_epoch']:8.3f} s  {c['pairs_per_s']:9.0f} pairs/s  "
              f"{c['gflops']:6.1f} GFLOP/s  ({c['train_pairs']} train pairs, val acc {c['val_accuracy']:.3f})")
        print(f"           Py  {p['seconds_per_epoch']:8.3f} s  {p['pairs_per_s']:9.0f} pairs/s  "
              f"{p['gflops']:6.1f} GFLOP/s  ({p['train_pairs']} train pairs)")
        print(f"           ratio: {p['seconds_per_epoch'] / c['seconds_per_epoch']:.2f}x faster per epoch")


if __name__ == "__main__":
    main()
