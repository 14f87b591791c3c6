#!/usr/bin/python3
"""Simulated labelling: do suggested pairs teach the model more per label than random new pairs?

A world with a hidden utility (bench/quality_data.py: embedding and metrics, a latent part no
feature shows, label noise) supplies a pool of items to label and a test file of *other* items.
Each run starts from the same small seed set of random labelled pairs, then repeats:

    train (ranker-train, small model, --threads 1, evaluated on the test file)
    ask `ranker-train suggest --items POOL --model RUN --count BATCH --strategy S` for a batch
    answer each pair with the hidden utility plus noise (P(A) = sigmoid(diff / temperature),
    then a share of answers flipped), by writing the label into the line, as a collection tool does
    append the answered lines to the labelled file

until the budget is spent. Strategies: `uncertain` (the default suggestions) and `random` (new
pairs drawn at random, the same exclusions). Both start from the same seed set; several seeds
(each its own world, pool, seed set and training seed). Prints held-out accuracy against labels
per strategy (mean over seeds), and how many labels `uncertain` needs to reach the accuracy random
pairs reach at --target-labels (interpolated on the mean curve); writes the curve to --plot.

    /usr/bin/python3 bench/labelling.py [--build build] [--seeds 3] [--budget 800] [--plot docs/labelling-curve.png]
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import quality_data  # noqa: E402


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


class Oracle:
    """Answers pairs by the hidden utility, with the world's noise."""

    def __init__(self, utility_by_id, temperature, flip, seed):
        self.u = utility_by_id
        self.temperature = temperature
        self.flip = flip
        self.rng = np.random.default_rng(seed)

    def label(self, id_a, id_b):
        p = sigmoid((self.u[id_a] - self.u[id_b]) / self.temperature)
        label = 1 if self.rng.random() < p else -1
        return -label if self.rng.random() < self.flip else label


def item_ids(line):
    row = json.loads(line)
    return str(row["item_a"]["id"]), str(row["item_b"]["id"])


def make_world(folder, args, seed):
    """The pool file (one item a line), the seed set's lines, the test file, the oracle."""
    world = quality_data.World(args.dim, seed, args.latent)
    rng = np.random.default_rng(seed + 1000)
    items, u = quality_data.draw_items(world, rng, args.pool, "item")
    pool = os.path.join(folder, "pool.jsonl")
    with open(pool, "w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(item, separators=(",", ":")) + "\n")
    new_items, u_new = quality_data.draw_items(world, rng, args.test_items, "new")
    test = os.path.join(folder, "test.jsonl")
    a, b, label = quality_data.draw_pairs(rng, u_new, args.test_pairs, args.temperature, 0.0, args.flip)
    quality_data.write_pairs(test, new_items, a, b, label)
    oracle = Oracle({it["id"]: float(x) for it, x in zip(items, u)}, args.temperature, args.flip, seed + 2000)
    # The seed set: random pairs within one item type (as suggestions are), answered by the oracle.
    by_type = {}
    for k, it in enumerate(items):
        by_type.setdefault(it["item_type"], []).append(k)
    types = sorted(by_type)
    weights = np.array([len(by_type[t]) for t in types], dtype=float)
    texts = [json.dumps(it, separators=(",", ":")) for it in items]
    seed_lines, seen = [], set()
    while len(seed_lines) < args.seed_labels:
        members = by_type[types[rng.choice(len(types), p=weights / weights.sum())]]
        i, j = rng.choice(members, 2, replace=False)
        key = (min(i, j), max(i, j))
        if key in seen:
            continue
        seen.add(key)
        lab = oracle.label(items[i]["id"], items[j]["id"])
        seed_lines.append('{"item_a":%s,"item_b":%s,"label":%d}\n' % (texts[i], texts[j], lab))
    return pool, seed_lines, test, oracle


def train(args, labelled, test, out_dir, seed):
    cmd = [args.trainer, "--input", labelled, "--test", test, "--output", out_dir, "--embedding-dim", str(args.dim),
           "--hidden-dim", str(args.hidden_dim), "--epochs", str(args.epochs), "--batch-size", "32",
           "--val-split", "0", "--seed", str(seed), "--threads", "1", "--device", "cpu", "-q"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), proc.returncode, proc.stderr.strip()[-500:]))
    with open(os.path.join(out_dir, "pairwise_ranker_metadata.json"), encoding="utf-8") as f:
        m = json.load(f)
    return m["test"]["evaluation"]["overall"]["accuracy"]


def suggest(args, labelled, pool, run_dir, strategy, count, seed, out):
    cmd = [args.trainer, "suggest", "--input", labelled, "--items", pool, "--count", str(count),
           "--strategy", strategy, "--seed", str(seed), "--output", out, "--embedding-dim", str(args.dim)]
    if not args.no_model:
        cmd += ["--model", run_dir]
    if args.coverage_weight is not None:
        cmd += ["--coverage-weight", str(args.coverage_weight)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), proc.returncode, proc.stderr.strip()[-500:]))
    with open(out, encoding="utf-8") as f:
        return [line for line in f if line.strip()]


def simulate(args, folder, strategy, seed):
    """One labelling run: [(labels, test accuracy)]."""
    pool, seed_lines, test, oracle = make_world(folder, args, seed)
    work = os.path.join(folder, strategy)
    os.makedirs(work, exist_ok=True)
    labelled = os.path.join(work, "labelled.jsonl")
    with open(labelled, "w", encoding="utf-8") as f:
        f.writelines(seed_lines)
    labels = len(seed_lines)
    curve = []
    for round_ in range(10000):
        run_dir = os.path.join(work, "run")
        accuracy = train(args, labelled, test, run_dir, seed)
        curve.append((labels, accuracy))
        if labels >= args.budget:
            break
        batch = suggest(args, labelled, pool, run_dir, strategy, min(args.batch, args.budget - labels),
                        seed * 1000 + round_, os.path.join(work, "batch.jsonl"))
        with open(labelled, "a", encoding="utf-8") as f:
            for line in batch:
                a, b = item_ids(line)
                # What a collection tool does: the answer goes where "label": null stood.
                f.write(line.replace('"label":null', '"label":%d' % oracle.label(a, b), 1))
        labels += len(batch)
    return curve


def labels_to_reach(curve, target):
    """Labels at which the (mean) curve first reaches `target`, linearly interpolated; None if never."""
    for (l0, a0), (l1, a1) in zip(curve, curve[1:]):
        if a0 >= target:
            return float(l0)
        if a1 >= target:
            return l0 + (l1 - l0) * (target - a0) / (a1 - a0)
    return float(curve[0][0]) if curve and curve[0][1] >= target else None


def plot(path, labels, means, stds, target_labels, reach):
    colours = {"uncertain": (0.10, 0.45, 0.85), "random": (0.85, 0.35, 0.10)}
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
        for s in means:
            m, sd = np.array(means[s]), np.array(stds[s])
            ax.plot(labels, m, marker="o", ms=3, label=s, color=colours[s])
            ax.fill_between(labels, m - sd, m + sd, alpha=0.15, color=colours[s])
        ax.set_xlabel("labels")
        ax.set_ylabel("held-out pairwise accuracy (unseen items)")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(path)
        return "matplotlib"
    except ImportError:
        pass
    import cv2

    w, h, left, right, top, bottom = 900, 540, 90, 30, 40, 70
    img = np.full((h, w, 3), 255, np.uint8)
    lo = min(min(m) - max(sd) for m, sd in zip(means.values(), stds.values()))
    hi = max(max(m) + max(sd) for m, sd in zip(means.values(), stds.values()))
    lo, hi = math.floor(lo * 50) / 50, math.ceil(hi * 50) / 50
    x_max = max(labels)

    def px(x, y):
        return (int(left + (w - left - right) * x / x_max), int(h - bottom - (h - top - bottom) * (y - lo) / (hi - lo)))

    font = cv2.FONT_HERSHEY_SIMPLEX
    for k in range(int(round((hi - lo) / 0.02)) + 1):
        y = lo + 0.02 * k
        cv2.line(img, px(0, y), px(x_max, y), (225, 225, 225), 1)
        cv2.putText(img, "%.2f" % y, (10, px(0, y)[1] + 5), font, 0.45, (60, 60, 60), 1, cv2.LINE_AA)
    for x in range(0, int(x_max) + 1, 100):
        cv2.line(img, px(x, lo), px(x, hi), (225, 225, 225), 1)
        cv2.putText(img, str(x), (px(x, lo)[0] - 12, h - bottom + 22), font, 0.45, (60, 60, 60), 1, cv2.LINE_AA)
    cv2.rectangle(img, px(0, hi), px(x_max, lo), (120, 120, 120), 1)
    bgrs = {s: tuple(int(255 * c) for c in reversed(colours[s])) for s in means}
    # Bands first (blended), then every line on top, so that no band washes out a line.
    for s in means:
        band = np.array([px(x, y + d) for x, y, d in zip(labels, means[s], stds[s])] +
                        [px(x, y - d) for x, y, d in reversed(list(zip(labels, means[s], stds[s])))], np.int32)
        overlay = img.copy()
        cv2.fillPoly(overlay, [band], bgrs[s])
        img = cv2.addWeighted(overlay, 0.12, img, 0.88, 0)
    for n, s in enumerate(means):
        pts = [px(x, y) for x, y in zip(labels, means[s])]
        for p0, p1 in zip(pts, pts[1:]):
            cv2.line(img, p0, p1, bgrs[s], 2, cv2.LINE_AA)
        for p in pts:
            cv2.circle(img, p, 3, bgrs[s], -1, cv2.LINE_AA)
        cv2.line(img, (w - 230, top + 20 + 22 * n), (w - 200, top + 20 + 22 * n), bgrs[s], 2, cv2.LINE_AA)
        cv2.putText(img, s + " pairs", (w - 192, top + 25 + 22 * n), font, 0.5, (30, 30, 30), 1, cv2.LINE_AA)
    if reach is not None:
        target = np.interp(target_labels, labels, means["random"])
        for x in (reach, target_labels):
            cv2.line(img, px(x, target), px(x, lo), (150, 150, 150), 1, cv2.LINE_AA)
        cv2.line(img, px(reach, target), px(target_labels, target), (90, 90, 90), 1, cv2.LINE_AA)
        cv2.putText(img, "random at %d labels = uncertain at %d" % (target_labels, round(reach)),
                    (px(reach, lo)[0] + 8, px(reach, lo)[1] - 14), font, 0.45, (60, 60, 60), 1, cv2.LINE_AA)
    cv2.putText(img, "labels", (w // 2 - 20, h - 20), font, 0.55, (30, 30, 30), 1, cv2.LINE_AA)
    cv2.putText(img, "held-out pairwise accuracy (unseen items), mean +- sd over seeds", (left, 25), font, 0.55,
                (30, 30, 30), 1, cv2.LINE_AA)
    cv2.imwrite(path, img)
    return "opencv"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--strategies", default="uncertain,random")
    ap.add_argument("--seed-labels", type=int, default=50)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--budget", type=int, default=800)
    ap.add_argument("--target-labels", type=int, default=500, help="random's accuracy here is the bar")
    ap.add_argument("--pool", type=int, default=600, help="items to label")
    ap.add_argument("--dim", type=int, default=16)
    ap.add_argument("--latent", type=float, default=0.5)
    ap.add_argument("--temperature", type=float, default=0.25)
    ap.add_argument("--flip", type=float, default=0.05)
    ap.add_argument("--test-items", type=int, default=1000)
    ap.add_argument("--test-pairs", type=int, default=10000)
    ap.add_argument("--hidden-dim", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--coverage-weight", type=float, default=None, help="suggest --coverage-weight (default: its own)")
    ap.add_argument("--no-model", action="store_true", help="suggest from the labels alone (an ablation)")
    ap.add_argument("--plot", default=None, help="PNG to write the curve to (e.g. docs/labelling-curve.png)")
    ap.add_argument("--keep-files", action="store_true")
    args = ap.parse_args(argv)
    args.trainer = os.path.abspath(os.path.join(args.build, "app", "ranker-train"))
    strategies = args.strategies.split(",")

    start = time.perf_counter()
    curves = {s: [] for s in strategies}
    root = tempfile.mkdtemp(prefix="labelling-bench-")
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for s in strategies:
            folder = os.path.join(root, "seed%d" % seed)
            os.makedirs(folder, exist_ok=True)
            t0 = time.perf_counter()
            curve = simulate(args, folder, s, seed)
            curves[s].append(curve)
            print("seed %d %-9s %s  (%.0fs)" % (seed, s, " ".join("%d:%.3f" % p for p in curve),
                                                time.perf_counter() - t0), file=sys.stderr, flush=True)
    labels = [l for l, _ in curves[strategies[0]][0]]
    means = {s: [float(np.mean([c[k][1] for c in curves[s]])) for k in range(len(labels))] for s in strategies}
    stds = {s: [float(np.std([c[k][1] for c in curves[s]])) for k in range(len(labels))] for s in strategies}

    print("Held-out accuracy (decisive test pairs of unseen items), mean ± sd over %d seeds; pool %d items, dim %d, "
          "latent %.2g, temperature %.2g, flip %.2g; seed set %d random labels, batches of %d"
          % (args.seeds, args.pool, args.dim, args.latent, args.temperature, args.flip, args.seed_labels, args.batch))
    print()
    print("| labels | " + " | ".join(strategies) + " |")
    print("| ---: | " + " | ".join("---:" for _ in strategies) + " |")
    for k, l in enumerate(labels):
        print("| %d | " % l + " | ".join("%.3f ± %.3f" % (means[s][k], stds[s][k]) for s in strategies) + " |")
    reach = None
    if "random" in means and "uncertain" in means:
        bar = float(np.interp(args.target_labels, labels, means["random"]))
        reach = labels_to_reach(list(zip(labels, means["uncertain"])), bar)
        print()
        if reach is None:
            print("random pairs at %d labels: %.3f; uncertain never reaches it within %d labels"
                  % (args.target_labels, bar, args.budget))
        else:
            saving = 1 - reach / args.target_labels
            print("random pairs at %d labels: %.3f; uncertain reaches it at %.0f labels: %.0f%% fewer (target: >= 30%%)"
                  % (args.target_labels, bar, reach, 100 * saving))
            per_seed = []
            for cu, cr in zip(curves["uncertain"], curves["random"]):
                b = float(np.interp(args.target_labels, labels, [a for _, a in cr]))
                r = labels_to_reach(cu, b)
                per_seed.append("—" if r is None else "%.0f%%" % (100 * (1 - r / args.target_labels)))
            print("per seed: " + ", ".join(per_seed))
    if args.plot:
        how = plot(args.plot, labels, means, stds, args.target_labels, reach)
        print("wrote %s (%s)" % (args.plot, how))
    print("%.0fs" % (time.perf_counter() - start))
    if not args.keep_files:
        subprocess.run(["rm", "-rf", root])
    else:
        print("files in %s" % root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
