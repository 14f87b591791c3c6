#!/usr/bin/python3
"""Run a Ranker Studio .onnx model in OpenCV's DNN module and compare with LibTorch's scores.

Usage: check_opencv.py NAME.onnx probe.json [--tolerance 1e-5]

probe.json is what tst_interop writes: {"input_a": [[F floats], ...], "input_b": [...],
"score_a": [...], "score_b": [...], "score_diff": [...]} (raw feature rows, LibTorch's scores).

cv2.dnn.readNetFromONNX (Debian's python3-opencv, 4.6) must import the graph, and one network
must then run the whole probe as one batch, one row at a time, and the whole batch again: the
graph's batch dimension is symbolic, and OpenCV takes each new batch size from the input it is
given. OpenCV has no 1-D matrices: an output of shape [batch] comes back as [batch, 1], which is
accepted here (and flattened) as long as it holds exactly batch values.

Exit status: 0 when every output is within the tolerance; 1 when one differs or has the wrong
size; 2 on bad arguments, unreadable files, or OpenCV failing to import or run the graph.
"""

import json
import sys

OUTPUTS = ("score_diff", "score_a", "score_b")


class CheckFailed(Exception):
    def __init__(self, reason, status=2):
        super().__init__(reason)
        self.status = status


def one_line(error):
    return " ".join(str(error).split())


def parse_args(argv):
    positional, tolerance = [], 1e-5
    i = 0
    while i < len(argv):
        if argv[i] == "--tolerance" and i + 1 < len(argv):
            tolerance = float(argv[i + 1])
            i += 2
            continue
        if argv[i].startswith("-"):
            raise CheckFailed(__doc__.strip())
        positional.append(argv[i])
        i += 1
    if len(positional) != 2 or not tolerance >= 0:
        raise CheckFailed(__doc__.strip())
    return positional[0], positional[1], tolerance


def main(argv):
    model, probe_path, tolerance = parse_args(argv)
    try:
        import cv2
        import numpy as np
    except ImportError as error:
        raise CheckFailed(f"OpenCV for Python is not installed ({error}): apt-get install python3-opencv")
    try:
        with open(probe_path, encoding="utf-8") as f:
            probe = json.load(f)
        inputs = {k: np.asarray(probe[k], dtype=np.float32) for k in ("input_a", "input_b")}
        expected = {k: np.asarray(probe[k], dtype=np.float64) for k in OUTPUTS}
    except (OSError, ValueError, KeyError) as error:
        raise CheckFailed(f"cannot read the probe {probe_path}: {one_line(error)}")
    rows = inputs["input_a"].shape[0]
    if rows < 2 or inputs["input_a"].ndim != 2 or inputs["input_b"].shape != inputs["input_a"].shape:
        raise CheckFailed("the probe needs at least two rows of input_a and input_b of the same shape")

    try:
        net = cv2.dnn.readNetFromONNX(model)
    except cv2.error as error:
        raise CheckFailed(f"OpenCV {cv2.__version__} cannot import {model}: {one_line(error)}")
    print(f"OpenCV {cv2.__version__} imported {model}: {rows} probe pairs, F={inputs['input_a'].shape[1]}")

    def run(first, count):
        net.setInput(inputs["input_a"][first:first + count], "input_a")
        net.setInput(inputs["input_b"][first:first + count], "input_b")
        try:
            outs = net.forward(list(OUTPUTS))
        except cv2.error as error:
            raise CheckFailed(f"OpenCV cannot run a batch of {count}: {one_line(error)}")
        got = {}
        for name, out in zip(OUTPUTS, outs):
            if out.size != count or (out.ndim == 2 and out.shape[1] != 1) or out.ndim > 2:
                raise CheckFailed(f"{name} for a batch of {count} has shape {out.shape}", 1)
            got[name] = out.reshape(-1).astype(np.float64)
        return got, outs[0].shape

    worst = {name: 0.0 for name in OUTPUTS}

    def fold(got, first):
        for name in OUTPUTS:
            diff = np.abs(got[name] - expected[name][first:first + len(got[name])])
            value = float(np.max(diff)) if not np.isnan(diff).any() else float("inf")
            worst[name] = max(worst[name], value)

    got, shape = run(0, rows)
    fold(got, 0)
    print(f"a batch of {rows} comes back as shape {tuple(shape)} per output")
    for r in range(rows):
        got, _ = run(r, 1)
        fold(got, r)
    got, _ = run(0, rows)  # a larger batch again after batches of 1, on the same network
    fold(got, 0)

    text = " ".join(f"{name}={worst[name]:.2e}" for name in OUTPUTS)
    print(f"max abs diff vs LibTorch (one batch of {rows}, {rows} batches of 1, the batch again): {text}")
    top = max(worst.values())
    if not top <= tolerance:
        raise CheckFailed(f"OpenCV DNN differs from LibTorch by {top:.2e} > {tolerance:.0e}", 1)
    print(f"PASS: OpenCV DNN matches LibTorch (max abs diff {top:.2e}, tolerance {tolerance:.0e})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except CheckFailed as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        sys.exit(failure.status)
