#!/usr/bin/python3
"""Generate a synthetic pairwise-preference dataset (JSONL) for benchmarks.

Every line is one pair in the Ranker Studio dataset format:

    {"item_a": ITEM, "item_b": ITEM, "label": 1|0|-1,
     "reason_tags": [...], "similarity": float}

Items have a hidden true quality

    q = w . embedding + v . standardised(metrics) + small noise

and a pair's label is sign(q_a - q_b); the tie-share of pairs with the smallest
|q_a - q_b| get label 0. So the data is learnable, which lets a benchmark also
check that training makes progress (validation accuracy well above 50 %).

Floats are printed with "%.8g", as exporters do. It is fast because each unique
item's JSON text is serialised once; a line is then two item strings joined.
The output depends only on the arguments (numpy's PCG64 generator, fixed seed).

Benchmark targets (files go under /tmp/bench-data/, never into the repo):

    # (a) large: 20,000 pairs over 4,000 items, D=1536  (about 850 MB)
    /usr/bin/python3 bench/gen_dataset.py --pairs 20000 --items 4000 --dim 1536 \
        --metrics 6 --seed 1 --tie-share 0.1 --output /tmp/bench-data/large.jsonl
    # (b) small: 4,000 pairs over 300 items, D=10
    /usr/bin/python3 bench/gen_dataset.py --pairs 4000 --items 300 --dim 10 \
        --metrics 6 --seed 2 --tie-share 0.1 --output /tmp/bench-data/small.jsonl

Train on them with --embedding-dim equal to --dim.
"""

import argparse
import datetime as dt
import os
import sys
import time

import numpy as np

ITEM_TYPES = ("profile_section", "project", "skill")
TYPE_PREFIX = {"profile_section": "section", "project": "proj", "skill": "skill"}
BASE_METRICS = ("clarity", "impact", "recency_days", "stars", "views", "word_count")
REFERENCE_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def metric_names(k):
    names = list(BASE_METRICS[:k])
    for i in range(len(names), k):
        names.append("metric_%02d" % i)
    return names


def make_metrics(rng, m, names, recency):
    """Raw metric values (column per name) and the transformed values used by
    the hidden quality (logs for the heavy-tailed counts)."""
    raw = {}
    for name in names:
        if name == "clarity" or name == "impact":
            raw[name] = np.round(rng.beta(2.0, 2.0, m), 3)
        elif name == "recency_days":
            raw[name] = recency
        elif name == "stars":
            raw[name] = np.floor(rng.lognormal(2.0, 1.5, m)).astype(np.int64)
        elif name == "views":
            raw[name] = np.floor(rng.lognormal(5.0, 1.2, m)).astype(np.int64)
        elif name == "word_count":
            raw[name] = rng.integers(20, 2000, m)
        else:
            raw[name] = np.round(rng.normal(0.0, 1.0, m), 4)
    transformed = []
    for name in names:
        col = raw[name].astype(np.float64)
        if name in ("stars", "views", "word_count", "recency_days"):
            col = np.log1p(col)
        transformed.append(col)
    t = np.stack(transformed, axis=1)
    t = (t - t.mean(axis=0)) / np.where(t.std(axis=0) > 0, t.std(axis=0), 1.0)
    return raw, t


def fmt_number(x):
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return "%.8g" % x


def serialise_item(i, item_type, ref, emb_text, metrics_text, created):
    prefix = TYPE_PREFIX[item_type]
    return ('{"id": "%s-%d", "item_type": "%s", "item_reference_id": "%s", '
            '"embedding": [%s], "metrics": {%s}, "created_at": "%s"}'
            % (prefix, i, item_type, ref, emb_text, metrics_text, created))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, required=True)
    ap.add_argument("--items", type=int, required=True)
    ap.add_argument("--dim", type=int, default=1536)
    ap.add_argument("--metrics", type=int, default=6)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tie-share", type=float, default=0.1)
    ap.add_argument("--noise", type=float, default=0.05,
                    help="std of the per-item quality noise (default 0.05)")
    ap.add_argument("--output", required=True)
    args = ap.parse_args(argv)
    if args.items < 2 or args.pairs < 1 or args.dim < 0 or args.metrics < 0:
        ap.error("need --items >= 2, --pairs >= 1, --dim >= 0, --metrics >= 0")
    if not 0.0 <= args.tie_share < 1.0:
        ap.error("--tie-share must be in [0, 1)")

    t0 = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    m, d = args.items, args.dim
    names = metric_names(args.metrics)

    # --- items -------------------------------------------------------------
    types = rng.choice(len(ITEM_TYPES), size=m, p=[0.2, 0.5, 0.3])
    emb = rng.standard_normal((m, d)).astype(np.float32) if d else np.zeros((m, 0), np.float32)
    if d:
        emb /= np.linalg.norm(emb, axis=1, keepdims=True)  # unit norm, like real embeddings
    created_s = rng.integers(0, 3 * 365 * 86400, m)        # up to 3 years before the reference date
    created_ms = rng.integers(0, 1000, m)
    recency = created_s // 86400
    raw, z = make_metrics(rng, m, names, recency)

    w = rng.standard_normal(d)                  # w . e has variance ~1 for unit-norm e
    v = rng.standard_normal(len(names)) / max(1.0, np.sqrt(len(names)))
    emb64 = emb.astype(np.float64)
    q_emb = emb64 @ w if d else np.zeros(m)
    q_met = z @ v if len(names) else np.zeros(m)
    quality = q_emb + q_met + args.noise * rng.standard_normal(m)

    # --- serialise each item once ---------------------------------------------
    fmt = "%.8g".__mod__
    item_text = []
    for i in range(m):
        t = ITEM_TYPES[types[i]]
        emb_text = ", ".join(map(fmt, emb[i].tolist()))
        metrics_text = ", ".join('"%s": %s' % (n, fmt_number(raw[n][i])) for n in names)
        when = REFERENCE_DATE - dt.timedelta(seconds=int(created_s[i]))
        created = when.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % created_ms[i]
        ref = "%s_%016x" % (t[:4], int(rng.integers(0, 2**63)))
        item_text.append(serialise_item(i, t, ref, emb_text, metrics_text, created))
    t_items = time.perf_counter() - t0

    # --- pairs ----------------------------------------------------------------
    a = rng.integers(0, m, args.pairs)
    b = rng.integers(0, m - 1, args.pairs)
    b = np.where(b >= a, b + 1, b)              # b != a
    diff = quality[a] - quality[b]
    thr = np.quantile(np.abs(diff), args.tie_share) if args.tie_share > 0 else -1.0
    labels = np.where(np.abs(diff) <= thr, 0, np.sign(diff)).astype(np.int64)
    d_emb = np.abs(q_emb[a] - q_emb[b])
    d_met = np.abs(q_met[a] - q_met[b])
    if d:
        sim = np.einsum("ij,ij->i", emb64[a], emb64[b])   # cosine (unit-norm vectors)
    else:
        sim = np.zeros(args.pairs)
    rec_col = names.index("recency_days") if "recency_days" in names else None
    extra = rng.random(args.pairs)

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    tmp = args.output + ".tmp"
    counts = {1: 0, 0: 0, -1: 0}
    with open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 22) as out:
        chunk = []
        for k in range(args.pairs):
            ia, ib, lab = int(a[k]), int(b[k]), int(labels[k])
            counts[lab] += 1
            tags = ["relevance"] if d_emb[k] >= d_met[k] else ["metrics"]
            if rec_col is not None and abs(z[ia, rec_col] - z[ib, rec_col]) > 1.0:
                tags.append("recency")
            if extra[k] < 0.15:
                tags.append("clarity")
            chunk.append('{"item_a": %s, "item_b": %s, "label": %d, "reason_tags": [%s], '
                         '"similarity": %.8g}\n'
                         % (item_text[ia], item_text[ib], lab,
                            ", ".join('"%s"' % t for t in tags), sim[k]))
            if len(chunk) >= 256:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    os.replace(tmp, args.output)

    elapsed = time.perf_counter() - t0
    size = os.path.getsize(args.output)
    print("wrote %s: %d pairs over %d items, D=%d, %d metrics; labels 1:%d 0:%d -1:%d"
          % (args.output, args.pairs, m, d, len(names), counts[1], counts[0], counts[-1]))
    print("size %d bytes (%.1f MB, %.1f MiB); %.2f s (items serialised in %.2f s)"
          % (size, size / 1e6, size / 2**20, elapsed, t_items))
    return 0


if __name__ == "__main__":
    sys.exit(main())
