#!/usr/bin/python3
"""Write the checkpoints a Python user makes from a Ranker Studio .pth, with Python's own torch.save.

Usage: make_python_checkpoints.py OURS.pth OUTDIR [--probe probe.json]

From OURS.pth (loaded with torch.load) it writes into OUTDIR:
  resaved.pth        the dict loaded and saved again unchanged
  python_dict.pth    a checkpoint dict of the same keys after a few more torch.optim.Adam steps in
                     Python (the model rebuilt from the documented architecture, not from our code)
  state_dict.pth     the bare state_dict of that fine-tuned model (model.state_dict())
  python_scores.json the fine-tuned model's scores for the probe's input_a rows (with --probe), so
                     that the C++ side can check it reads the same model Python saved

Exit status 0 on success; 2 with a one-line "FAIL:" reason otherwise.
"""

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_pth import PairwiseRanker  # noqa: E402  (the documented module)


def fine_tune(checkpoint, steps=3, seed=5):
    """The model and an Adam that continues from the checkpoint's state, after `steps` steps."""
    state = checkpoint["model_state_dict"]
    input_dim, hidden_dim = state["feature_mean"].shape[0], state["shared_layer.0.weight"].shape[0]
    model = PairwiseRanker(input_dim, hidden_dim)
    model.load_state_dict(state, strict=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    if "optimizer_state_dict" in checkpoint:
        optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(steps):
        a = state["feature_mean"] + torch.randn(8, input_dim, generator=generator) * state["feature_std"]
        b = state["feature_mean"] + torch.randn(8, input_dim, generator=generator) * state["feature_std"]
        diff = model(a, b)[0]
        loss = torch.clamp(1.0 - diff, min=0).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    return model, optimizer


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pth")
    parser.add_argument("outdir")
    parser.add_argument("--probe")
    args = parser.parse_args(argv)
    os.makedirs(args.outdir, exist_ok=True)

    checkpoint = torch.load(args.pth, map_location="cpu")
    torch.save(checkpoint, os.path.join(args.outdir, "resaved.pth"))

    model, optimizer = fine_tune(checkpoint)
    config = dict(checkpoint.get("config", {}))
    epoch = int(checkpoint.get("epoch", 0)) + 1
    history = list(checkpoint.get("loss_history", [])) + [0.5]
    torch.save(
        {
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(),
            "epoch": epoch,
            "config": config,
            "loss_history": history,
        },
        os.path.join(args.outdir, "python_dict.pth"),
    )
    torch.save(model.state_dict(), os.path.join(args.outdir, "state_dict.pth"))

    if args.probe:
        with open(args.probe, encoding="utf-8") as f:
            probe = json.load(f)
        rows = torch.tensor(probe["input_a"], dtype=torch.float32)
        with torch.no_grad():
            scores = model.score(rows).tolist()
        with open(os.path.join(args.outdir, "python_scores.json"), "w", encoding="utf-8") as f:
            json.dump({"rows": probe["input_a"], "scores": scores, "epoch": epoch,
                       "loss_history": history}, f)
    print(f"wrote resaved.pth, python_dict.pth (epoch {epoch}), state_dict.pth into {args.outdir}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as error:  # noqa: BLE001 - one line for the test's log
        print(f"FAIL: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(2)
