#!/usr/bin/env python3
"""Generate Ranker Studio's bundled sample dataset, sample_pairs.jsonl.

Regenerate it (deterministic: same bytes every time, Python 3 standard library only):

    python3 resources/sample/generate_sample.py            # writes resources/sample/sample_pairs.jsonl
    python3 resources/sample/generate_sample.py --check    # validates the file that is there

Train on it with an embedding dimension of 32 (the sample's embeddings have 32 values,
not the default 1536):

    ranker-train --input resources/sample/sample_pairs.jsonl --output runs/sample --embedding-dim 32

What is in it: 330 pairwise preferences over 80 items (16 profile sections, 36 projects,
28 skills), one JSON object per line in the dataset format of DESIGN.md:

    {"item_a":ITEM,"item_b":ITEM,"label":1|0|-1,"reason_tags":[...],"similarity":0.73}
    ITEM = {"id","item_type","item_reference_id","embedding":[32 numbers],
            "metrics":{"clarity","impact","recency_days","stars","views","word_count"},
            "created_at":"2024-05-17T09:21:44Z"}

The labels follow a hidden rule a model can learn: an item's quality is
    1.5*impact + 1.0*clarity + 1.2*(embedding . u) + 0.5*log(stars) - 0.4*log(recency)
(each term standardised, u a fixed hidden direction, plus a little noise); the pair's
label is the sign of quality(A) - quality(B), and the 10 % of pairs with the smallest
difference are ties (label 0). On top of that, as in real collected data:
  * about 3 % of the labels are flipped (annotator noise);
  * 4 pairs were asked twice with A and B swapped: two answers agree, two contradict
    each other (the studio's contradiction finder should report those two).
reason_tags name the terms that drove the decision (impact, clarity, relevance,
metrics, recency); similarity is the cosine of the two embeddings; recency_days is
the age in days of created_at on the export date 2025-06-01. Numbers are written
with at most 6 significant digits and compact separators, as a JavaScript exporter
would, to keep the file small (< 400 KB).
"""

import argparse
import datetime as dt
import json
import math
import os
import random
import sys

SEED = 20250601
DIM = 32
N_PAIRS = 330            # as many as fit in < 400 KB with 32-dim embeddings at 6 digits
TIE_SHARE = 0.10
FLIP_SHARE = 0.03
EXPORT_DATE = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUTPUT = os.path.join(HERE, "sample_pairs.jsonl")
METRIC_NAMES = ("clarity", "impact", "recency_days", "stars", "views", "word_count")
TAGS = ("relevance", "metrics", "recency", "clarity", "impact")

SECTIONS = ["about", "headline", "summary", "experience", "education", "publications",
            "talks", "open-source", "volunteering", "awards", "certifications",
            "languages", "interests", "testimonials", "patents", "contact"]
PROJECTS = ["ray-tracer", "kv-store", "ranker-cli", "markdown-lint", "budget-app",
            "chess-engine", "weather-dashboard", "image-dedup", "tiny-compiler",
            "habit-tracker", "log-shipper", "pdf-splitter", "rss-reader", "chat-bot",
            "pixel-editor", "url-shortener", "recipe-box", "music-tagger", "sql-fuzzer",
            "k8s-operator", "dotfiles", "blog-engine", "graph-viz", "ml-notebooks",
            "web-crawler", "game-of-life", "resume-site", "qt-sudoku", "vector-search",
            "trading-sim", "invoice-gen", "ocr-pipeline", "bike-routes", "wasm-synth",
            "ci-dashboard", "home-automation"]
SKILLS = ["rust", "python", "typescript", "cpp", "go", "sql", "docker", "kubernetes",
          "pytorch", "react", "node", "postgres", "aws", "terraform", "graphql", "redis",
          "kafka", "linux", "git", "java", "swift", "haskell", "wasm", "cuda", "qt",
          "figma", "spark", "onnx"]
OWNERS = ["octo-dev", "jdoe", "mkowalski", "ana-lima", "team-nimbus"]


def g6(x):
    """x rounded to 6 significant digits (json.dumps then prints it that way)."""
    return float("%.6g" % x)


def unit(v):
    n = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / n for x in v]


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def zscores(values):
    m = sum(values) / len(values)
    s = math.sqrt(sum((v - m) ** 2 for v in values) / len(values)) or 1.0
    return [(v - m) / s for v in values]


def make_items(rng):
    specs = ([("profile_section", "section-" + s, "profile:main/" + s) for s in SECTIONS]
             + [("project", "proj-%d" % (i + 1), "github:%s/%s" % (OWNERS[i % len(OWNERS)], p))
                for i, p in enumerate(PROJECTS)]
             + [("skill", "skill-" + s, "skill:" + s) for s in SKILLS])
    centroid = {t: unit([rng.gauss(0, 1) for _ in range(DIM)])
                for t in ("profile_section", "project", "skill")}
    items = []
    for item_type, iid, ref in specs:
        c = centroid[item_type]
        emb = unit([0.6 * c[k] + rng.gauss(0, 1) / math.sqrt(DIM) for k in range(DIM)])
        age = dt.timedelta(days=rng.randint(3, 1100), seconds=rng.randint(0, 86399))
        created = EXPORT_DATE - age
        if item_type == "project":
            stars = int(math.exp(rng.gauss(2.5, 1.6)))
            views = int(math.exp(rng.gauss(5.5, 1.1)))
            words = rng.randint(120, 2600)
        elif item_type == "skill":
            stars = rng.randint(0, 40)             # endorsements
            views = int(math.exp(rng.gauss(3.5, 0.9)))
            words = rng.randint(4, 60)
        else:
            stars = 0
            views = int(math.exp(rng.gauss(4.5, 1.0)))
            words = rng.randint(30, 900)
        metrics = {
            "clarity": round(min(1.0, max(0.0, rng.betavariate(2.5, 2.0))), 3),
            "impact": round(min(1.0, max(0.0, rng.betavariate(2.0, 2.5))), 3),
            "recency_days": (EXPORT_DATE - created).days,
            "stars": stars,
            "views": views,
            "word_count": words,
        }
        items.append({
            "id": iid,
            "item_type": item_type,
            "item_reference_id": ref,
            "embedding": [g6(x) for x in emb],
            "metrics": metrics,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        })
    return items


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate (or --check) the bundled sample dataset.")
    ap.add_argument("--output", default=DEFAULT_OUTPUT)
    ap.add_argument("--check", action="store_true", help="validate --output instead of writing it")
    args = ap.parse_args(argv)
    if args.check:
        return check(args.output)

    rng = random.Random(SEED)
    items = make_items(rng)
    n = len(items)
    u = unit([rng.gauss(0, 1) for _ in range(DIM)])           # hidden preferred direction

    # Standardised terms of the hidden quality, one list per term.
    terms = {
        "impact": [1.5 * z for z in zscores([it["metrics"]["impact"] for it in items])],
        "clarity": [1.0 * z for z in zscores([it["metrics"]["clarity"] for it in items])],
        "relevance": [1.2 * z for z in zscores([dot(u, it["embedding"]) for it in items])],
        "metrics": [0.5 * z for z in zscores([math.log1p(it["metrics"]["stars"])
                                              + 0.5 * math.log1p(it["metrics"]["views"])
                                              for it in items])],
        "recency": [-0.4 * z for z in zscores([math.log1p(it["metrics"]["recency_days"])
                                               for it in items])],
    }
    quality = [sum(terms[t][i] for t in terms) + rng.gauss(0, 0.15) for i in range(n)]

    by_type = {}
    for i, it in enumerate(items):
        by_type.setdefault(it["item_type"], []).append(i)
    seen = set()
    pairs = []
    while len(pairs) < N_PAIRS - 4:
        if rng.random() < 0.8:                                   # mostly same-type pairs
            pool = by_type[rng.choice(["profile_section", "project", "project", "skill"])]
            a, b = rng.sample(pool, 2)
        else:
            a, b = rng.sample(range(n), 2)
        if (min(a, b), max(a, b)) in seen:
            continue
        seen.add((min(a, b), max(a, b)))
        pairs.append([a, b])

    diffs = sorted(abs(quality[a] - quality[b]) for a, b in pairs)
    tie_thr = diffs[int(TIE_SHARE * len(diffs))]
    rows = []
    for a, b in pairs:
        d = quality[a] - quality[b]
        label = 0 if abs(d) < tie_thr else (1 if d > 0 else -1)
        if label != 0 and rng.random() < FLIP_SHARE:
            label = -label                                          # annotator noise
        rows.append((a, b, label))
    # Four pairs asked again with A and B swapped: two consistent, two contradicting.
    again = [rows[i] for i in rng.sample([i for i, r in enumerate(rows) if r[2] != 0], 4)]
    for k, (a, b, label) in enumerate(again):
        idx = rows.index((a, b, label))
        rows.insert(rng.randint(idx + 1, len(rows)), (b, a, -label if k < 2 else label))

    out_lines = []
    for a, b, label in rows:
        contrib = {t: terms[t][a] - terms[t][b] for t in terms}
        if label == 0:
            top = sorted(contrib, key=lambda t: abs(contrib[t]))[:2]   # near-balanced terms
        else:
            agree = [t for t in contrib if contrib[t] * label > 0]
            agree.sort(key=lambda t: -abs(contrib[t]))
            top = [t for t in agree if abs(contrib[t]) >= 0.5 * abs(contrib[agree[0]])][:3] \
                if agree else [rng.choice(TAGS)]
        tags = [t for t in TAGS if t in top]
        sim = dot(items[a]["embedding"], items[b]["embedding"])
        row = {"item_a": items[a], "item_b": items[b], "label": label,
               "reason_tags": tags, "similarity": g6(sim)}
        out_lines.append(json.dumps(row, separators=(",", ":"), ensure_ascii=False))

    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out_lines) + "\n")
    os.replace(tmp, args.output)
    print("wrote %s (%d bytes)" % (args.output, os.path.getsize(args.output)))
    return check(args.output)


def check(path):
    """Every line parses, labels are in {1,0,-1}, items are complete and finite."""
    labels = {1: 0, 0: 0, -1: 0}
    ids, types, tags = set(), {}, {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            row = json.loads(line)
            assert row["label"] in (1, 0, -1), (lineno, row["label"])
            labels[row["label"]] += 1
            assert isinstance(row["similarity"], float) and math.isfinite(row["similarity"])
            for t in row["reason_tags"]:
                assert t in TAGS, (lineno, t)
                tags[t] = tags.get(t, 0) + 1
            for key in ("item_a", "item_b"):
                it = row[key]
                assert len(it["embedding"]) == DIM, (lineno, key)
                assert all(math.isfinite(x) for x in it["embedding"])
                assert sorted(it["metrics"]) == list(METRIC_NAMES), (lineno, key)
                assert all(isinstance(v, (int, float)) and math.isfinite(v)
                           for v in it["metrics"].values())
                dt.datetime.strptime(it["created_at"], "%Y-%m-%dT%H:%M:%SZ")
                ids.add(it["id"])
                types[it["item_type"]] = types.get(it["item_type"], 0) + 1
    size = os.path.getsize(path)
    print("ok: %d pairs, %d unique items, labels %s, item types %s, tags %s, %d bytes"
          % (sum(labels.values()), len(ids), labels, types, tags, size))
    assert size < 400 * 1024, "sample file grew past 400 KB"
    return 0


if __name__ == "__main__":
    sys.exit(main())
