#!/usr/bin/python3
"""Make the seed corpus of fuzz_checkpoint: small real checkpoints from both writers.

Usage: make_checkpoint_corpus.py RANKER_TRAIN [--legacy-train OLD_RANKER_TRAIN] [--out DIR]

Trains a tiny ranker (embedding_dim 2, metrics clarity and stars: F = 4; hidden 3) with our
ranker-train, then writes with Debian's python3-torch: that dict re-saved, a dict after Adam steps
in Python, and a bare state_dict. With --legacy-train (a ranker-train of an earlier version, whose
.pth LibTorch's torch::pickle_save wrote) also that file. Each .pth is kept whole, and its data.pkl
beside it as NAME.pkl (fuzz_checkpoint wraps a bare pickle into an archive itself). Run once;
the output is checked in (tests/fuzz/corpus/checkpoint/).
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def tiny_dataset(path, seed=3):
    rng = random.Random(seed)
    items = []
    for i in range(10):
        items.append({"id": f"it-{i}", "item_type": "project",
                      "embedding": [round(rng.uniform(-1, 1), 4) for _ in range(2)],
                      "metrics": {"clarity": round(rng.uniform(0, 1), 3), "stars": rng.randint(0, 50)}})
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(30):
            a, b = rng.sample(items, 2)
            quality = lambda it: it["embedding"][0] + it["metrics"]["clarity"]  # noqa: E731
            label = 1 if quality(a) > quality(b) else -1
            f.write(json.dumps({"item_a": a, "item_b": b, "label": label}) + "\n")


def train(binary, data, out, name):
    subprocess.run([binary, "--input", data, "--output", out, "--name", name, "--embedding-dim", "2",
                    "--hidden-dim", "3", "--epochs", "2", "--seed", "1", "--val-split", "0", "--quiet"], check=True)
    return os.path.join(out, name + ".pth")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ranker_train")
    parser.add_argument("--legacy-train")
    parser.add_argument("--out", default=os.path.join(HERE, "corpus", "checkpoint"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "tiny.jsonl")
        tiny_dataset(data)
        made = {"ours.pth": train(args.ranker_train, data, os.path.join(tmp, "ours"), "ours")}
        if args.legacy_train:
            made["legacy_libtorch.pth"] = train(args.legacy_train, data, os.path.join(tmp, "legacy"), "legacy")
        python = os.path.join(tmp, "python")
        subprocess.run([sys.executable, os.path.join(HERE, "..", "interop", "make_python_checkpoints.py"),
                        made["ours.pth"], python], check=True)
        made["python_resaved.pth"] = os.path.join(python, "resaved.pth")
        made["python_dict.pth"] = os.path.join(python, "python_dict.pth")
        made["python_state_dict.pth"] = os.path.join(python, "state_dict.pth")
        for name, path in made.items():
            shutil.copyfile(path, os.path.join(args.out, name))
            with zipfile.ZipFile(path) as archive:
                pickle_name = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
                with open(os.path.join(args.out, name[:-4] + ".pkl"), "wb") as f:
                    f.write(archive.read(pickle_name))
            print(f"{name}: {os.path.getsize(path)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
