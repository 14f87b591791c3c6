#!/usr/bin/python3
"""Check that a Ranker Studio .pth opens with torch.load(weights_only=True) and computes LibTorch's numbers.

Usage: check_pth.py NAME.pth probe.json [--tolerance 1e-5]

The checkpoint is loaded as PyTorch 2.6+ loads by default, with torch.load(path, weights_only=True):
the restricted unpickler that only rebuilds tensors, storages, OrderedDicts and plain data. It must
be a plain dict holding model_state_dict, epoch, config and loss_history. The model is rebuilt here
from the documented architecture (docs: DESIGN.md, "Features and model"), not from any code in the
checkpoint, so a passing run proves a Python user can load the weights with strict=True and get the
same scores; with optimizer_state_dict, torch.optim.Adam must continue from it.

torch 1.13 (Debian 12's python3-torch) has that unpickler but without the BINFLOAT opcode, which
torch 2.0 added: no pickle holding a Python float (every optimizer state_dict, PyTorch's own
included) opens with weights_only=True there. On such a torch this checker proves the rest: every
opcode of data.pkl is one the weights-only unpickler handles (its own list, plus BINFLOAT), every
GLOBAL is in its own allow-list (torch._weights_only_unpickler._get_allowed_globals()), and
torch.load(weights_only=True) itself loads the archive once each BINFLOAT is swapped for a string
marker that is turned back into the float afterwards, giving exactly what torch.load(weights_only=
False) gives. On torch >= 2.0 it is plain torch.load(path, weights_only=True).

probe.json holds raw (unnormalised) feature rows and LibTorch's outputs for them:
  {"input_a": [[F floats], ...], "input_b": [[...], ...],
   "score_a": [...], "score_b": [...], "score_diff": [...]}

Exit status: 0 when every output is within the tolerance (max abs diff); 1 when the numbers
differ; 2 when a file is missing or malformed. Failures print one line starting with "FAIL:".
"""

import argparse
import collections
import json
import math
import os
import pickletools
import struct
import sys
import tempfile
import zipfile

import torch
from torch import nn

REQUIRED_KEYS = ("model_state_dict", "epoch", "config", "loss_history")
OUTPUTS = ("score_diff", "score_a", "score_b")
DEFAULT_TOLERANCE = 1e-5


class CheckFailed(Exception):
    def __init__(self, reason, status=2):
        super().__init__(reason)
        self.status = status


class PairwiseRanker(nn.Module):
    """The seed's network, with the feature standardisation folded in as buffers."""

    def __init__(self, input_dim, hidden_dim, dropout=0.2):
        super().__init__()
        self.register_buffer("feature_mean", torch.zeros(input_dim))
        self.register_buffer("feature_std", torch.ones(input_dim))
        self.shared_layer = nn.Sequential(
            nn.Linear(input_dim, hidden_dim),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden_dim, hidden_dim),
            nn.ReLU(),
        )
        self.score_layer = nn.Linear(hidden_dim, 1)

    def score(self, x):
        x = (x - self.feature_mean) / self.feature_std
        return self.score_layer(self.shared_layer(x)).squeeze(-1)

    def forward(self, input_a, input_b):
        score_a = self.score(input_a)
        score_b = self.score(input_b)
        return score_a - score_b, score_a, score_b


FLOAT_MARKER = "\x00ranker-check-float:"


def weights_only_has_binfloat():
    import torch._weights_only_unpickler as restricted

    return hasattr(restricted, "BINFLOAT")


def audit_pickle(pickle_bytes):
    """Every opcode one the weights-only unpickler handles (or BINFLOAT), every GLOBAL allowed."""
    import torch._weights_only_unpickler as restricted

    handled = {name for name in dir(restricted)
               if name.isupper() and isinstance(getattr(restricted, name), bytes)} | {"BINFLOAT"}
    allowed = restricted._get_allowed_globals()
    globals_seen = set()
    for opcode, arg, _ in pickletools.genops(pickle_bytes):
        if opcode.name not in handled:
            raise CheckFailed(f"data.pkl uses opcode {opcode.name}, which torch's weights-only unpickler lacks")
        if opcode.name == "GLOBAL":
            name = arg.replace(" ", ".")
            if name not in allowed:
                raise CheckFailed(f"data.pkl names GLOBAL {name}, which weights_only=True refuses")
            globals_seen.add(name)
    return sorted(globals_seen)


def without_binfloat(pickle_bytes):
    """The pickle with each BINFLOAT swapped for a BINUNICODE marker string (same stack effect)."""
    out = bytearray()
    ops = list(pickletools.genops(pickle_bytes))
    for index, (opcode, arg, pos) in enumerate(ops):
        end = ops[index + 1][2] if index + 1 < len(ops) else len(pickle_bytes)
        if opcode.name == "BINFLOAT":
            text = (FLOAT_MARKER + struct.pack(">d", arg).hex()).encode()
            out += b"X" + struct.pack("<I", len(text)) + text
        else:
            out += pickle_bytes[pos:end]
    return bytes(out)


def restore_floats(value):
    if isinstance(value, str) and value.startswith(FLOAT_MARKER):
        return struct.unpack(">d", bytes.fromhex(value[len(FLOAT_MARKER):]))[0]
    if isinstance(value, collections.OrderedDict):
        return collections.OrderedDict((restore_floats(k), restore_floats(v)) for k, v in value.items())
    if isinstance(value, dict):
        return {restore_floats(k): restore_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [restore_floats(v) for v in value]
    if isinstance(value, tuple):
        return tuple(restore_floats(v) for v in value)
    return value


def same(a, b):
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.dtype == b.dtype
                and a.shape == b.shape and a.stride() == b.stride() and torch.equal(a, b))
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def load_weights_only_without_binfloat(path):
    """torch 1.13: the audit, then torch.load(weights_only=True) on the archive without BINFLOAT."""
    with zipfile.ZipFile(path) as archive:
        records = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    pickle_name = next(name for name, _ in records if name.endswith("/data.pkl"))
    globals_seen = audit_pickle(dict(records)[pickle_name])
    with tempfile.TemporaryDirectory() as tmp:
        swapped = os.path.join(tmp, "weights_only.pth")
        with zipfile.ZipFile(swapped, "w", zipfile.ZIP_STORED) as archive:
            for name, data in records:
                archive.writestr(name, without_binfloat(data) if name == pickle_name else data)
        checkpoint = restore_floats(torch.load(swapped, map_location="cpu", weights_only=True))
    unrestricted = torch.load(path, map_location="cpu", weights_only=False)
    if not same(checkpoint, unrestricted):
        raise CheckFailed("weights_only=True gives other objects than weights_only=False")
    print(f"weights_only: torch {torch.__version__} lacks BINFLOAT; every opcode and GLOBAL "
          f"({', '.join(globals_seen)}) is allowed, and torch.load(weights_only=True) loads the "
          "archive with its floats as markers, equal to weights_only=False")
    return checkpoint


def load_checkpoint(path):
    try:
        if weights_only_has_binfloat():
            checkpoint = torch.load(path, map_location="cpu", weights_only=True)
            print(f"weights_only: torch {torch.__version__}: torch.load(path, weights_only=True) opened it")
        else:
            checkpoint = load_weights_only_without_binfloat(path)
    except CheckFailed:
        raise
    except Exception as error:  # any reason torch cannot open it is a failure of the format
        raise CheckFailed(f"torch.load({path}, weights_only=True) failed: {type(error).__name__}: "
                          + " ".join(str(error).split()))
    if not isinstance(checkpoint, dict):
        raise CheckFailed(f"checkpoint is a {type(checkpoint).__name__}, expected a dict")
    missing = [key for key in REQUIRED_KEYS if key not in checkpoint]
    if missing:
        raise CheckFailed(f"checkpoint lacks key(s) {missing}; has {sorted(map(str, checkpoint))}")

    state = checkpoint["model_state_dict"]
    if not isinstance(state, dict) or not state:
        raise CheckFailed("model_state_dict is not a non-empty dict")
    for name, value in state.items():
        if not isinstance(value, torch.Tensor):
            raise CheckFailed(f"model_state_dict[{name!r}] is a {type(value).__name__}, not a tensor")
        if not value.is_floating_point():
            raise CheckFailed(f"model_state_dict[{name!r}] has dtype {value.dtype}, not floating point")

    epoch = checkpoint["epoch"]
    if isinstance(epoch, bool) or not isinstance(epoch, int):
        raise CheckFailed(f"epoch is a {type(epoch).__name__}, expected an int")
    if not isinstance(checkpoint["config"], dict):
        raise CheckFailed(f"config is a {type(checkpoint['config']).__name__}, expected a dict")
    history = checkpoint["loss_history"]
    if not isinstance(history, list) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in history
    ):
        raise CheckFailed("loss_history is not a list of numbers")
    return checkpoint


def build_model(state):
    for name in ("feature_mean", "shared_layer.0.weight"):
        if name not in state:
            raise CheckFailed(f"model_state_dict lacks {name!r}; has {sorted(state)}")
    mean = state["feature_mean"]
    first = state["shared_layer.0.weight"]
    if mean.dim() != 1 or first.dim() != 2:
        raise CheckFailed(
            f"feature_mean shape {list(mean.shape)} / shared_layer.0.weight shape "
            f"{list(first.shape)}: expected [F] / [H, F]"
        )
    input_dim, hidden_dim = mean.shape[0], first.shape[0]
    model = PairwiseRanker(input_dim, hidden_dim)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise CheckFailed("load_state_dict(strict=True) failed: " + " ".join(str(error).split()))
    std = model.feature_std
    if not bool(torch.all(torch.isfinite(std))) or not bool(torch.all(std > 0)):
        raise CheckFailed("feature_std has entries that are not finite and > 0")
    if not bool(torch.all(torch.isfinite(model.feature_mean))):
        raise CheckFailed("feature_mean has non-finite entries")
    model.eval()
    return model, input_dim, hidden_dim


def load_probe(path, input_dim):
    try:
        with open(path, encoding="utf-8") as f:
            probe = json.load(f)
    except (OSError, ValueError) as error:
        raise CheckFailed(f"cannot read probe {path}: {error}")
    if not isinstance(probe, dict):
        raise CheckFailed("probe is not a JSON object")
    for key in ("input_a", "input_b") + OUTPUTS:
        if key not in probe:
            raise CheckFailed(f"probe lacks {key!r}")
    rows = len(probe["input_a"]) if isinstance(probe["input_a"], list) else -1
    if rows <= 0:
        raise CheckFailed("probe input_a is not a non-empty list of rows")
    tensors = {}
    for key in ("input_a", "input_b"):
        try:
            t = torch.tensor(probe[key], dtype=torch.float64)
        except (TypeError, ValueError) as error:
            raise CheckFailed(f"probe {key} is not a rectangular array of numbers: {error}")
        if list(t.shape) != [rows, input_dim]:
            raise CheckFailed(f"probe {key} has shape {list(t.shape)}, expected [{rows}, {input_dim}]")
        tensors[key] = t
    for key in OUTPUTS:
        try:
            t = torch.tensor(probe[key], dtype=torch.float64)
        except (TypeError, ValueError) as error:
            raise CheckFailed(f"probe {key} is not a list of numbers: {error}")
        if list(t.shape) != [rows]:
            raise CheckFailed(f"probe {key} has shape {list(t.shape)}, expected [{rows}]")
        tensors[key] = t
    return tensors


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pth")
    parser.add_argument("probe")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    args = parser.parse_args(argv)

    checkpoint = load_checkpoint(args.pth)
    state = checkpoint["model_state_dict"]
    model, input_dim, hidden_dim = build_model(state)
    dtypes = sorted({str(t.dtype).replace("torch.", "") for t in state.values()})
    print(
        f"checkpoint: F={input_dim} H={hidden_dim} epoch={checkpoint['epoch']} "
        f"loss_history={len(checkpoint['loss_history'])} entries "
        f"config keys={sorted(map(str, checkpoint['config']))} dtypes={dtypes}"
    )
    extra = sorted(set(map(str, checkpoint)) - set(REQUIRED_KEYS))
    if extra:
        print(f"checkpoint: other keys {extra}")

    probe = load_probe(args.probe, input_dim)
    # Compute as LibTorch and ONNX Runtime do: inputs rounded to float32 (the ONNX input type),
    # arithmetic in the checkpoint's own parameter dtype.
    dtype = state["shared_layer.0.weight"].dtype
    model = model.to(dtype=dtype)
    input_a = probe["input_a"].to(torch.float32).to(dtype)
    input_b = probe["input_b"].to(torch.float32).to(dtype)
    with torch.no_grad():
        got = model(input_a, input_b)

    worst = 0.0
    parts = []
    for name, value in zip(OUTPUTS, got):
        diff = (value.to(torch.float64) - probe[name]).abs().max().item()
        if math.isnan(diff):
            diff = math.inf
        worst = max(worst, diff)
        parts.append(f"{name}={diff:.3g}")
    rows = probe["input_a"].shape[0]
    print(f"max abs diff over {rows} pairs: {' '.join(parts)} (tolerance {args.tolerance:g})")
    if not worst <= args.tolerance:
        raise CheckFailed(f"PyTorch scores differ from the probe by {worst:.3g} > {args.tolerance:g}", 1)
    if "optimizer_state_dict" in checkpoint:
        # The saved Adam state must be one that PyTorch's own Adam accepts, so that training can
        # continue in Python too.
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        try:
            optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
            loss = model(input_a, input_b)[0].sum()
            loss.backward()
            optimizer.step()
        except Exception as error:  # noqa: BLE001 - any failure is the finding
            raise CheckFailed("torch.optim.Adam cannot continue from optimizer_state_dict: "
                              + " ".join(str(error).split()), 1)
        print(f"optimizer_state_dict: torch.optim.Adam continued from step "
              f"{int(optimizer.state[next(iter(model.parameters()))]['step'])}")
    print(f"PASS: {args.pth} loads in PyTorch and matches the probe (max abs diff {worst:.3g})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except CheckFailed as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        sys.exit(failure.status)
