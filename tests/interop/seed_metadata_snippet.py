#!/usr/bin/python3
"""The seed guide's "4. Evaluate model" snippet, run on a metadata file named on the command line.

Usage: seed_metadata_snippet.py NAME_metadata.json

The body is the guide's own code (only the path differs), so a pass means a user who follows the
guide gets its output from a file Ranker Studio wrote. Before running it, the file is checked for
every key the guide's metadata promises (DESIGN.md, "Outputs"), so a missing one is named.

Exit status: 0 on success; 1 with a one-line "FAIL:" reason when a key is missing or the snippet
fails; 2 on bad arguments.
"""

import json
import sys

# The keys of the seed's metadata JSON; the snippet itself reads the last two.
SEED_KEYS = (
    "model_name", "input_dim", "hidden_dim", "learning_rate", "batch_size", "epochs",
    "margin", "dataset_size", "training_time", "loss_history",
)


def seed_snippet(path):
    # Verbatim from the seed guide, with '../models/ranker_v1_metadata.json' replaced by path.
    with open(path) as f:
        metadata = json.load(f)
        print(f'Final loss: {metadata["loss_history"][-1]:.4f}')
        print(f'Training time: {metadata["training_time"]:.2f}s')


def check_keys(path):
    with open(path, encoding="utf-8") as f:
        metadata = json.load(f)
    if not isinstance(metadata, dict):
        return "metadata is not a JSON object"
    missing = [key for key in SEED_KEYS if key not in metadata]
    if missing:
        return f"metadata lacks the seed key(s) {missing}"
    history = metadata["loss_history"]
    if not isinstance(history, list) or not history:
        return "loss_history is not a non-empty list"
    for key, value in (("loss_history[-1]", history[-1]), ("training_time", metadata["training_time"])):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{key} is {value!r}, not a number"
    return None


def main(argv):
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = argv[0]
    try:
        reason = check_keys(path)
        if reason is None:
            seed_snippet(path)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
        reason = f"{type(error).__name__}: {error}"
    if reason is not None:
        print(f"FAIL: {path}: {' '.join(reason.split())}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
