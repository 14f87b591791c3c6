#!/usr/bin/python3
"""Synthetic preference data with a hidden utility, label noise and a test file of unseen items.

Used by bench/quality.py (and runnable alone) to measure how well a run's reported figures
predict the accuracy a model delivers on items it has never seen.

A *world* fixes the hidden utility of an item, shared by the training file and the test file:

    u(item) = w . e + 0.6 tanh(2 v . e)                   (embedding e, unit norm, D values)
              + 0.9 z(impact) + 0.6 z(clarity) + 0.4 z(log stars) - 0.3 z(log recency)
              + 0.5 z(impact) z(clarity)                    (metrics, z: fixed standardisation)
              + latent * N(0, 1)                            (what no feature shows)

The `latent` part is what real data has and synthetic rules usually lack: an item's worth that
its features do not predict. A model can learn it for items it has seen many times, never for
new ones, so a validation split that shows validation items in training reads too high.

A pair's label: 1 when A is preferred, -1 when B is, with P(A) = sigmoid(diff / temperature);
the `tie_share` of pairs with the smallest |diff| are ties (0); then `flip` of the decisive labels
are flipped (annotator noise). The test file draws *new* items from the same world (ids never in
the training file) and labels their pairs the same way, noise included.

    /usr/bin/python3 bench/quality_data.py --items 1200 --pairs 10000 --dim 32 \\
        --test-items 400 --test-pairs 4000 --output /tmp/quality/medium
    # writes /tmp/quality/medium.jsonl and /tmp/quality/medium.test.jsonl
"""

import argparse
import json
import math
import os
import sys

import numpy as np

ITEM_TYPES = ("profile_section", "project", "skill")
METRICS = ("clarity", "impact", "recency_days", "stars", "views")


class World:
    """The hidden utility: fixed by a seed, shared by every file drawn from it."""

    def __init__(self, dim, seed, latent=0.5):
        rng = np.random.default_rng(seed)
        self.dim = dim
        self.latent = latent
        self.w = rng.standard_normal(dim) if dim else np.zeros(0)
        self.v = rng.standard_normal(dim) if dim else np.zeros(0)

    def utility(self, emb, z, latent_draw):
        u = np.zeros(emb.shape[0])
        if self.dim:
            u += emb @ self.w + 0.6 * np.tanh(2.0 * (emb @ self.v))
        u += 0.9 * z["impact"] + 0.6 * z["clarity"] + 0.4 * z["stars"] - 0.3 * z["recency_days"]
        u += 0.5 * z["impact"] * z["clarity"]
        return u + self.latent * latent_draw


def draw_items(world, rng, n, prefix):
    """n new items: their JSON objects and hidden utilities."""
    emb = rng.standard_normal((n, world.dim)) if world.dim else np.zeros((n, 0))
    if world.dim:
        emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    raw = {
        "clarity": np.round(rng.beta(2.0, 2.0, n), 4),
        "impact": np.round(rng.beta(2.0, 3.0, n), 4),
        "recency_days": rng.integers(1, 1500, n),
        "stars": np.floor(rng.lognormal(2.0, 1.4, n)).astype(np.int64),
        "views": np.floor(rng.lognormal(5.0, 1.0, n)).astype(np.int64),  # a metric the utility ignores
    }
    # Fixed standardisation (the population's, not the sample's): train and test share one utility.
    z = {
        "clarity": (raw["clarity"] - 0.5) / 0.2236,
        "impact": (raw["impact"] - 0.4) / 0.2,
        "recency_days": (np.log1p(raw["recency_days"]) - 6.5) / 1.0,
        "stars": (np.log1p(raw["stars"]) - 2.1) / 1.2,
    }
    u = world.utility(emb, z, rng.standard_normal(n))
    types = rng.choice(len(ITEM_TYPES), size=n, p=[0.2, 0.5, 0.3])
    items = []
    for i in range(n):
        item = {
            "id": "%s-%d" % (prefix, i),
            "item_type": ITEM_TYPES[types[i]],
            "embedding": [float("%.6g" % x) for x in emb[i]],
            "metrics": {m: (int(raw[m][i]) if raw[m].dtype.kind == "i" else float(raw[m][i])) for m in METRICS},
        }
        items.append(item)
    return items, u


def draw_pairs(rng, u, pairs, temperature, tie_share, flip):
    n = len(u)
    a = rng.integers(0, n, pairs)
    b = rng.integers(0, n - 1, pairs)
    b = np.where(b >= a, b + 1, b)
    diff = u[a] - u[b]
    p_a = 1.0 / (1.0 + np.exp(-diff / temperature))
    label = np.where(rng.random(pairs) < p_a, 1, -1)
    if tie_share > 0:
        thr = np.quantile(np.abs(diff), tie_share)
        label = np.where(np.abs(diff) <= thr, 0, label)
    flips = (rng.random(pairs) < flip) & (label != 0)
    label = np.where(flips, -label, label)
    return a, b, label


def write_pairs(path, items, a, b, label):
    tmp = path + ".tmp"
    texts = [json.dumps(item, separators=(",", ":")) for item in items]
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        for ia, ib, lab in zip(a.tolist(), b.tolist(), label.tolist()):
            out.write('{"item_a":%s,"item_b":%s,"label":%d,"reason_tags":["relevance"]}\n' % (texts[ia], texts[ib], lab))
    os.replace(tmp, path)


def generate(output, items, pairs, dim, test_items, test_pairs, seed=1, latent=0.5, temperature=0.25,
             tie_share=0.05, flip=0.05):
    """Writes OUTPUT.jsonl and OUTPUT.test.jsonl; returns their paths."""
    world = World(dim, seed, latent)
    rng = np.random.default_rng(seed + 1000)
    train_items, u = draw_items(world, rng, items, "item")
    write_pairs(output + ".jsonl", train_items, *draw_pairs(rng, u, pairs, temperature, tie_share, flip))
    new_items, u_new = draw_items(world, rng, test_items, "new")
    write_pairs(output + ".test.jsonl", new_items, *draw_pairs(rng, u_new, test_pairs, temperature, tie_share, flip))
    return output + ".jsonl", output + ".test.jsonl"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, required=True)
    ap.add_argument("--pairs", type=int, required=True)
    ap.add_argument("--dim", type=int, default=32)
    ap.add_argument("--test-items", type=int, default=400)
    ap.add_argument("--test-pairs", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--latent", type=float, default=0.5, help="std of the utility no feature shows")
    ap.add_argument("--temperature", type=float, default=0.25, help="label noise of the preference itself")
    ap.add_argument("--tie-share", type=float, default=0.05)
    ap.add_argument("--flip", type=float, default=0.05, help="share of decisive labels flipped")
    ap.add_argument("--output", required=True, help="path prefix: PREFIX.jsonl and PREFIX.test.jsonl")
    args = ap.parse_args(argv)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)) or ".", exist_ok=True)
    paths = generate(args.output, args.items, args.pairs, args.dim, args.test_items, args.test_pairs, args.seed,
                     args.latent, args.temperature, args.tie_share, args.flip)
    print("wrote %s and %s" % paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
