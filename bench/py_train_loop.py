#!/usr/bin/python3
"""PyTorch reference of Ranker Studio's training loop, to compare per-epoch speed.

    /usr/bin/python3 bench/py_train_loop.py /tmp/bench-data/small.jsonl --dim 10 --epochs 3 --threads 2
    /usr/bin/python3 bench/py_train_loop.py /tmp/bench-data/large.jsonl --epochs 3 --threads 2 --limit 5000

What it does (the same work as the C++ engine, so seconds/epoch compare):
  * one float32 feature matrix of the unique items (by id): embedding (D values)
    then the metrics in sorted name order; metric columns standardised (mean/std
    over the unique items; a constant column gets std 1);
  * index tensors (a, b, y) for the decisive pairs (label +-1); ties are dropped
    and so is a seeded 20 % validation split (--val-split);
  * model: shared = Sequential(Linear(F,H), ReLU, Dropout(0.2), Linear(H,H), ReLU),
    score = Linear(H,1); loss = mean(max(0, margin - y*(s_a - s_b))); Adam;
  * each epoch: randperm, batches gathered with index_select, A and B scored in
    TWO forward passes as the Python scaffold did (--one-pass: one forward over
    cat(A, B), for comparison).

Prints one line of JSON. seconds_per_epoch is the median over the epochs after
the first (the first warms up allocators and BLAS buffers); gflops is the
achieved rate with 3 x forward FLOPs per batch, forward = 2*rows*F*H +
2*rows*H*H + 2*rows*H with rows = 2*batch. blas_library is the libblas.so.3
actually mapped (choose it with LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/
openblas-openmp, .../openblas-pthread or .../blas); blas_threads is the number
of threads OpenBLAS uses for a call from the training thread: for the OpenMP
build that is torch's thread count (it follows omp_get_max_threads()), for the
pthread build openblas_get_num_threads(); null for a non-OpenBLAS BLAS.
"""

import argparse
import ctypes
import json
import os
import statistics
import sys
import time

import torch
from torch import nn


class PairwiseRanker(nn.Module):
    def __init__(self, input_dim, hidden_dim):
        super().__init__()
        self.shared_layer = nn.Sequential(
            nn.Linear(input_dim, hidden_dim), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(hidden_dim, hidden_dim), nn.ReLU())
        self.score_layer = nn.Linear(hidden_dim, 1)

    def score(self, x):
        return self.score_layer(self.shared_layer(x)).squeeze(-1)


def load_dataset(path, dim, limit):
    """Returns (features [N,F] float32, a_idx, b_idx, labels) for all valid rows."""
    rows_items = {}
    pairs = []
    metric_names = set()
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            ids = []
            for key in ("item_a", "item_b"):
                it = r[key]
                iid = str(it["id"])
                if iid not in rows_items:
                    emb = it.get("embedding") or [0.0] * dim
                    if len(emb) != dim:
                        raise SystemExit("%s: item %s has embedding length %d, expected --dim %d"
                                         % (path, iid, len(emb), dim))
                    met = it.get("metrics") or {}
                    metric_names.update(met.keys())
                    rows_items[iid] = (len(rows_items), emb, met)
                ids.append(rows_items[iid][0])
            pairs.append((ids[0], ids[1], int(r["label"])))
            if limit and len(pairs) >= limit:
                break
    names = sorted(metric_names)
    n = len(rows_items)
    feats = torch.zeros(n, dim + len(names), dtype=torch.float32)
    present = torch.zeros(n, len(names), dtype=torch.bool)
    for idx, emb, met in rows_items.values():
        if dim:
            feats[idx, :dim] = torch.tensor(emb, dtype=torch.float32)
        for j, name in enumerate(names):
            if name in met:
                feats[idx, dim + j] = float(met[name])
                present[idx, j] = True
    for j in range(len(names)):
        col = feats[:, dim + j]
        mask = present[:, j]
        mean = col[mask].double().mean() if mask.any() else torch.tensor(0.0, dtype=torch.float64)
        col[~mask] = float(mean)                    # a missing metric takes the mean
        std = col.double().std(unbiased=False)
        std = std if std > 0 else torch.tensor(1.0, dtype=torch.float64)
        feats[:, dim + j] = ((col.double() - mean) / std).float()
    t = torch.tensor(pairs, dtype=torch.int64).reshape(-1, 3)
    return feats, t[:, 0].contiguous(), t[:, 1].contiguous(), t[:, 2].contiguous(), names


def openblas_lib():
    """The libopenblas.so.0 already mapped into this process, or None."""
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                p = line.split()[-1]
                if "/libopenblas" in p and ".so" in p:
                    return ctypes.CDLL(p, mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
    except (OSError, AttributeError):
        pass
    return None


def blas_info():
    lib = None
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                p = line.split()[-1]
                if p.endswith("/libblas.so.3") or "/libblas.so.3." in p:
                    lib = os.path.realpath(p)
                    break
    except OSError:
        pass
    threads = None
    config = None
    ob = openblas_lib()
    # Only meaningful when libblas.so.3 is OpenBLAS itself (with the reference
    # libblas, libopenblas.so.0 is loaded as LAPACK's dependency but gemm isn't its).
    if ob is not None and lib and "openblas" in lib:
        ob.openblas_get_config.restype = ctypes.c_char_p
        config = ob.openblas_get_config().decode()
        if "USE_OPENMP" in config:
            # The OpenMP build follows omp_get_max_threads() of the calling thread at
            # every call, i.e. torch.set_num_threads(); openblas_get_num_threads()
            # can be stale (it is not updated when that is 1).
            threads = torch.get_num_threads()
        else:
            threads = ob.openblas_get_num_threads()
    return lib, threads, config


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: leave)")
    ap.add_argument("--dim", type=int, default=1536)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--margin", type=float, default=1.0)
    ap.add_argument("--val-split", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--limit", type=int, default=0, help="read only the first N pairs")
    ap.add_argument("--one-pass", action="store_true",
                    help="score A and B in one forward pass over cat(A, B)")
    ap.add_argument("--openblas-threads", type=int, default=0,
                    help="call openblas_set_num_threads(N) at start-up (pthread build; "
                         "what a program can do instead of OPENBLAS_NUM_THREADS)")
    ap.add_argument("--label", default="", help="free text copied into the JSON (run name)")
    args = ap.parse_args(argv)

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if args.openblas_threads > 0:
        ob = openblas_lib()
        if ob is None:
            raise SystemExit("--openblas-threads: no libopenblas.so.0 in this process")
        ob.openblas_set_num_threads(args.openblas_threads)
    torch.manual_seed(args.seed)

    t0 = time.perf_counter()
    feats, a_all, b_all, y_all, names = load_dataset(args.input, args.dim, args.limit)
    load_seconds = time.perf_counter() - t0

    decisive = (y_all != 0).nonzero().squeeze(1)
    g = torch.Generator().manual_seed(args.seed)
    order = decisive[torch.randperm(decisive.numel(), generator=g)]
    n_val = int(round(args.val_split * order.numel()))
    val_idx, train_idx = order[:n_val], order[n_val:]
    a_tr, b_tr = a_all[train_idx], b_all[train_idx]
    y_tr = y_all[train_idx].float()
    n = a_tr.numel()

    F, H = feats.shape[1], args.hidden
    model = PairwiseRanker(F, H)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)

    epoch_seconds, losses, flop_epoch = [], [], 0.0
    for epoch in range(args.epochs):
        model.train()
        te = time.perf_counter()
        perm = torch.randperm(n)
        total, batches, flops = 0.0, 0, 0.0
        for start in range(0, n, args.batch):
            idx = perm[start:start + args.batch]
            k = idx.numel()
            xa = feats.index_select(0, a_tr.index_select(0, idx))
            xb = feats.index_select(0, b_tr.index_select(0, idx))
            y = y_tr.index_select(0, idx)
            if args.one_pass:
                s = model.score(torch.cat([xa, xb], 0))
                sa, sb = s[:k], s[k:]
            else:
                sa = model.score(xa)
                sb = model.score(xb)
            loss = torch.clamp(args.margin - y * (sa - sb), min=0).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item()
            batches += 1
            rows = 2 * k
            flops += 3.0 * (2 * rows * F * H + 2 * rows * H * H + 2 * rows * H)
        epoch_seconds.append(time.perf_counter() - te)
        losses.append(total / max(batches, 1))
        flop_epoch = flops

    # validation accuracy: shows the data is learnable (not timed)
    val_acc = None
    if n_val:
        model.eval()
        with torch.no_grad():
            d = (model.score(feats[a_all[val_idx]]) - model.score(feats[b_all[val_idx]]))
            val_acc = float(((d > 0).long() * 2 - 1 == y_all[val_idx]).float().mean())

    steady = epoch_seconds[1:] if len(epoch_seconds) > 1 else epoch_seconds
    spe = statistics.median(steady)
    lib, bthreads, bconfig = blas_info()
    result = {
        "label": args.label,
        "seconds_per_epoch": round(spe, 4),
        "pairs_per_s": round(n / spe, 1),
        "train_pairs": n,
        "gflops": round(flop_epoch / spe / 1e9, 2),
        "epoch_seconds": [round(s, 4) for s in epoch_seconds],
        "loss_history": [round(l, 5) for l in losses],
        "final_loss_repr": repr(losses[-1]) if losses else None,
        "val_acc": None if val_acc is None else round(val_acc, 4),
        "val_pairs": n_val,
        "unique_items": feats.shape[0],
        "features": F,
        "metrics": names,
        "one_pass": args.one_pass,
        "torch_threads": torch.get_num_threads(),
        "blas_library": lib,
        "blas_threads": bthreads,
        "blas_config": bconfig,
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "load_seconds": round(load_seconds, 2),
        "torch": torch.__version__,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
