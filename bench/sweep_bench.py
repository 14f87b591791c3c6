#!/usr/bin/python3
"""Wall time of a sweep with its trials side by side against one after the other.

The seed guide's 27-trial grid (learning rate 0.01/0.001/0.0001 x batch 16/32/64 x margin
0.5/1/2, `ranker-train sweep --seed-grid`) on two datasets, in one sitting, alternating the two
orders so that the machine's load falls on both alike:

  small  4,000 pairs over 300 items, D=10 (the size most users have)
  wide   2,000 pairs over 600 items, D=1536

Each trial is a `ranker-train` process with one training thread; `--parallel 1` runs them one
after the other, `--parallel 0` one per core (sideBySide() in core/training/sweep.cpp). Prints
seconds per sweep, seconds per trial, the speed-up and the per-trial start cost (a 0-epoch-like
floor: the same sweep at 1 epoch).

    /usr/bin/python3 bench/sweep_bench.py [--build build] [--epochs 10] [--rounds 1]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def generate(data, name, pairs, items, dim, seed):
    path = os.path.join(data, name + ".jsonl")
    if not os.path.exists(path):
        subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_dataset.py"),
                        "--pairs", str(pairs), "--items", str(items), "--dim", str(dim), "--metrics", "6",
                        "--seed", str(seed), "--tie-share", "0.1", "--output", path], check=True)
    return path


def sweep(trainer, path, dim, epochs, parallel, out):
    cmd = [trainer, "sweep", "--seed-grid", "--parallel", str(parallel), "--input", path, "--output", out,
           "--embedding-dim", str(dim), "--epochs", str(epochs), "--threads", "1", "--json", "-q",
           # every trial its full epochs and one model, so that both modes do the same work
           "--patience", "0", "--no-refit"]
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit("sweep failed (%d): %s" % (done.returncode, done.stderr[-2000:]))
    report = json.loads(done.stdout)
    return seconds, report


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--data", default="/tmp/bench-data")
    args = ap.parse_args(argv)
    trainer = os.path.join(args.build, "app", "ranker-train")
    os.makedirs(args.data, exist_ok=True)
    sets = [("small", generate(args.data, "sweep-small", 4000, 300, 10, 2), 10),
            ("wide", generate(args.data, "sweep-wide", 2000, 600, 1536, 3), 1536)]
    print("cores %d, load average %s" % (os.cpu_count(), " ".join("%.2f" % x for x in os.getloadavg())))
    rows = []
    for name, path, dim in sets:
        times = {1: [], 0: []}
        for r in range(args.rounds):
            for parallel in ((1, 0) if r % 2 == 0 else (0, 1)):
                with tempfile.TemporaryDirectory(prefix="ranker-sweep-bench-") as out:
                    seconds, report = sweep(trainer, path, dim, args.epochs, parallel, out)
                times[parallel].append(seconds)
                side = report.get("parallel", parallel)
                trials = report.get("trials", 27)
                print("%-5s parallel %-2s (%d side by side): %6.1f s for %d trials, %.2f s a trial" %
                      (name, parallel, side, seconds, trials, seconds / trials), flush=True)
        with tempfile.TemporaryDirectory(prefix="ranker-sweep-bench-") as out:
            floor, _ = sweep(trainer, path, dim, 1, 1, out)
        seq = min(times[1])
        par = min(times[0])
        rows.append((name, seq, par, seq / par, floor / 27))
    print()
    print("| set | one after the other | side by side | speed-up | a 1-epoch trial (start cost) |")
    print("| --- | --- | --- | --- | --- |")
    for name, seq, par, speedup, floor in rows:
        print("| %s | %.1f s | %.1f s | %.2f× | %.2f s |" % (name, seq, par, speedup, floor))
    print("load average after: %s" % " ".join("%.2f" % x for x in os.getloadavg()))


if __name__ == "__main__":
    main()
