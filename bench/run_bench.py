#!/usr/bin/python3
"""Ranker Studio's engine benchmark against the machine's limit and the Python scaffold's way.

    /usr/bin/python3 bench/run_bench.py [--build build] [--data /tmp/bench-data] [--threads 1,2]
                                        [--epochs 4] [--rounds 3] [--skip-large] [--skip-load]
                                        [--json results.json]

Generates (once) (a) 20,000 pairs over 4,000 items, D=1536, 6 metrics (~850 MB) and (b) 4,000
pairs over 300 items, D=10. Then, in each round and at each thread count:

  * the probe: PyTorch `a @ b`, 64x1542 by 1542x256 (the product that dominates a step at the
    seed's defaults), the best of a spinning and a passive OpenMP wait policy: the limit;
  * the engine (bench/ranker-bench train) and the same loop in Python PyTorch
    (bench/py_train_loop.py), each in its own process, alternating (the order flips every round),
    so that both see the same machine load; both hold out 20 % of the pairs and skip ties;
  * the engine with --threads 0 (its own choice), once per set and round.

Prints seconds per epoch, GFLOP/s (3 x the forward FLOPs of a batch, as py_train_loop.py counts
them), each as a share of the probe, and the Python ratio; then the range (min-max) of every
figure over the rounds, and the load average before and after each round. Load throughput and
peak memory (C++ loader vs Python's json) are measured in the first round unless --skip-load.
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


def load_average():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def env_for(threads, passive=True):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS="1")
    if passive:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    else:
        env.pop("OMP_WAIT_POLICY", None)
    return env


def span(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    lo, hi = min(values), max(values)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else f"{fmt.format(lo)}-{fmt.format(hi)}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--data", default="/tmp/bench-data")
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--json", help="write every measurement to this file")
    args = ap.parse_args()
    thread_counts = [int(t) for t in args.threads.split(",") if t]

    bench = os.path.join(args.build, "bench", "ranker-bench")
    os.makedirs(args.data, exist_ok=True)
    sets = [("small", os.path.join(args.data, "small.jsonl"), 4000, 300, 10, 2)]
    if not args.skip_large:
        sets.insert(0, ("large", os.path.join(args.data, "large.jsonl"), 20000, 4000, 1536, 1))
    for name, path, pairs, items, dim, seed in sets:
        ensure(path, pairs, items, dim, seed)
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    print(f"BLAS {blas}; threads {thread_counts}; {args.epochs} epochs (median of epochs 2..N); "
          f"{args.rounds} rounds; {os.cpu_count()} CPUs")

    records = []  # one per (round, set, threads): probe, engine, python
    loads = []
    auto = []
    for rnd in range(args.rounds):
        before = load_average()
        if rnd == 0 and not args.skip_load:
            for name, path, _, _, dim, _ in sets:
                env = env_for(1)
                cl = run_json([bench, "load", path, "--dim", str(dim)], env)
                pl = run_json([PY, os.path.join(HERE, "py_json_load.py"), path], env)
                print(f"\n== load {name}: {cl['file_mb']:.1f} MB, {cl['valid_pairs']} pairs ==")
                print(f"C++ {cl['mb_per_s']:8.1f} MB/s  peak {cl['peak_rss_mb']:7.1f} MiB "
                      f"(of which {cl['rss_before_mb']:.0f} before loading)")
                print(f"Py  {pl['mb_per_s']:8.1f} MB/s  peak {pl['peak_rss_mb']:7.1f} MiB")
                print(f"ratio: {cl['mb_per_s'] / pl['mb_per_s']:.1f}x faster, "
                      f"{pl['peak_rss_mb'] / cl['peak_rss_mb']:.1f}x less memory")
        order = thread_counts if rnd % 2 == 0 else list(reversed(thread_counts))
        for name, path, _, _, dim, _ in sets:
            for t in order:
                probe = max(run_json([PY, os.path.join(HERE, "py_probe.py"), "--threads", str(t)],
                                     env_for(t, passive))["gflops"] for passive in (False, True))
                engine_cmd = [bench, "train", path, "--dim", str(dim), "--epochs", str(args.epochs),
                              "--threads", str(t)]
                py_cmd = [PY, os.path.join(HERE, "py_train_loop.py"), path, "--dim", str(dim), "--epochs",
                          str(args.epochs), "--threads", str(t)]
                if (rnd + t) % 2 == 0:
                    c = run_json(engine_cmd, env_for(t))
                    p = run_json(py_cmd, env_for(t))
                else:
                    p = run_json(py_cmd, env_for(t))
                    c = run_json(engine_cmd, env_for(t))
                records.append({"round": rnd + 1, "set": name, "threads": t, "probe_gflops": probe,
                                "engine": c, "python": p})
                print(f"round {rnd + 1} {name:5s} {t} thread(s): probe {probe:6.1f} GFLOP/s | engine "
                      f"{c['seconds_per_epoch']:.3f} s/epoch {c['gflops']:6.1f} GFLOP/s "
                      f"({100 * c['gflops'] / probe:3.0f} % of probe) | Python {p['seconds_per_epoch']:.3f} s "
                      f"({100 * p['gflops'] / probe:3.0f} %) | {p['seconds_per_epoch'] / c['seconds_per_epoch']:.2f}x",
                      flush=True)
            # The engine's own choice: OMP_NUM_THREADS unset, so that it may take every CPU.
            env = env_for(1)
            env.pop("OMP_NUM_THREADS")
            a = run_json([bench, "train", path, "--dim", str(dim), "--epochs", str(args.epochs),
                          "--threads", "0"], env)
            auto.append({"round": rnd + 1, "set": name, "engine": a})
            print(f"round {rnd + 1} {name:5s} --threads 0: {a['threads']} thread(s) ({a['threads_source']}), "
                  f"{a['seconds_per_epoch']:.3f} s/epoch", flush=True)
        after = load_average()
        loads.append((before, after))
        print(f"round {rnd + 1}: load average {before[0]:.2f} before, {after[0]:.2f} after", flush=True)

    print(f"\n== ranges over {args.rounds} rounds (min-max); load average (1 min) "
          f"{span([l[0][0] for l in loads] + [l[1][0] for l in loads], '{:.2f}')} ==")
    print("set    threads  probe GFLOP/s  engine s/epoch  engine GFLOP/s  share of probe  "
          "Python s/epoch  Python share  Python/engine")
    for name, *_ in sets:
        for t in thread_counts:
            rs = [r for r in records if r["set"] == name and r["threads"] == t]
            e = [r["engine"] for r in rs]
            p = [r["python"] for r in rs]
            print(f"{name:6s} {t:7d}  {span([r['probe_gflops'] for r in rs], '{:.0f}'):>13s}  "
                  f"{span([x['seconds_per_epoch'] for x in e], '{:.3f}'):>14s}  "
                  f"{span([x['gflops'] for x in e], '{:.0f}'):>14s}  "
                  f"{span([100 * x['gflops'] / r['probe_gflops'] for x, r in zip(e, rs)], '{:.0f} %'):>14s}  "
                  f"{span([x['seconds_per_epoch'] for x in p], '{:.3f}'):>14s}  "
                  f"{span([100 * x['gflops'] / r['probe_gflops'] for x, r in zip(p, rs)], '{:.0f} %'):>12s}  "
                  f"{span([y['seconds_per_epoch'] / x['seconds_per_epoch'] for x, y in zip(e, p)], '{:.2f}x'):>13s}")
        a = [x["engine"] for x in auto if x["set"] == name]
        print(f"{name:6s} {'auto':>7s}  engine chose {span([x['threads'] for x in a], '{:d}')} thread(s) "
              f"({', '.join(sorted(set(x['threads_source'] for x in a)))}): "
              f"{span([x['seconds_per_epoch'] for x in a], '{:.3f}')} s/epoch")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"records": records, "auto": auto, "loads": loads}, f, indent=1)


if __name__ == "__main__":
    main()
