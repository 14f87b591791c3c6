#!/usr/bin/python3
"""Write crafted .pth files for tst_hostile_checkpoints: each breaks one promise of the format.

Usage: make_hostile_checkpoints.py OUTDIR

The files are torch.save archives (a folder with data.pkl, data/KEY storages and version) whose
pickle is written by Python's own pickler (protocol 2, as torch.save) from stand-in objects that
reduce to torch._utils._rebuild_tensor_v2 with persistent storage ids, exactly as a real tensor does
but with whatever offset, size, stride or storage a case needs; the few malformed pickles are
written byte by byte. Real PyTorch (Debian's python3-torch) writes the cases that need it: the
pre-1.6 format and a TorchScript module. The model is the tiny ranker of the seed corpus: an
embedding of 2 values and the metrics clarity and stars (F = 4), hidden width 3 unless a case
needs another. `valid.pth` breaks nothing: the suite's control.

Prints one line per file written; exit status 0, or 2 with a "FAIL:" line.
"""

import collections
import io
import os
import pickle
import struct
import sys
import zipfile

import torch

F = 4
CONFIG = {"model_name": "hostile", "embedding_dim": 2, "metric_names": ["clarity", "stars"],
          "learning_rate": 0.001, "batch_size": 32, "epochs": 2, "margin": 1.0, "seed": 42}


class Storage:
    """A storage record data/KEY and the persistent id that names it."""

    def __init__(self, values, numel=None, cls="FloatStorage", fmt="f"):
        self.data = struct.pack(f"<{len(values)}{fmt}", *values)
        self.numel = len(values) if numel is None else numel
        self.cls = cls
        self.key = None


class Tensor:
    """Pickles as torch.save pickles a tensor, with the offset, size and stride it is given."""

    def __init__(self, storage, size, stride=None, offset=0):
        self.storage, self.size, self.offset = storage, tuple(size), offset
        if stride is None:
            stride, step = [], 1
            for s in reversed(self.size):
                stride.insert(0, step)
                step *= s
        self.stride = tuple(stride)

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2,
                (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))


def tensor(values, size):
    return Tensor(Storage(values), size)


class Pickler(pickle.Pickler):
    def __init__(self, file):
        super().__init__(file, protocol=2)
        self.storages = []

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            if obj.key is None:
                obj.key = str(len(self.storages))
                self.storages.append(obj)
            return ("storage", getattr(torch, obj.cls), obj.key, "cpu", obj.numel)
        return None


def archive(path, pickle_bytes, storages=(), version=b"3\n", extra=()):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickle_bytes)
        z.writestr("archive/byteorder", "little")
        for s in storages:
            z.writestr(f"archive/data/{s.key}", s.data)
        for name, data in extra:
            z.writestr(name, data)
        if version is not None:
            z.writestr("archive/version", version)


def save(path, obj, **kwargs):
    buffer = io.BytesIO()
    pickler = Pickler(buffer)
    pickler.dump(obj)
    archive(path, buffer.getvalue(), pickler.storages, **kwargs)


def model(h=3, w1=None, std=None, exp_avg_sq=None, shared_w2=False):
    """A checkpoint dict of our layout; the optional arguments replace one part."""
    w2 = Storage([0.0] * (h * h))
    state = collections.OrderedDict()
    state["shared_layer.0.weight"] = w1 or tensor([0.1 * (i % 7) for i in range(h * F)], (h, F))
    state["shared_layer.0.bias"] = tensor([0.0] * h, (h,))
    state["shared_layer.3.weight"] = Tensor(w2, (h, h))
    state["shared_layer.3.bias"] = tensor([0.0] * h, (h,))
    state["score_layer.weight"] = tensor([0.5] * h, (1, h))
    state["score_layer.bias"] = tensor([0.0], (1,))
    state["feature_mean"] = tensor([0.0, 0.0, 0.5, 20.0], (F,))
    state["feature_std"] = std or tensor([1.0, 1.0, 0.2, 10.0], (F,))
    shapes = [(h, F), (h,), (h, h), (h,), (1, h), (1,)]
    moments = {}
    for i, shape in enumerate(shapes):
        n = 1
        for s in shape:
            n *= s
        # The moments of the big matrix share its storage, as a file of zeros would anyway.
        avg = Tensor(w2, shape) if (shared_w2 and i == 2) else tensor([0.0] * n, shape)
        sq = Tensor(w2, shape) if (shared_w2 and i == 2) else tensor([0.0] * n, shape)
        if exp_avg_sq is not None and i == 2:
            sq = exp_avg_sq
        moments[i] = {"step": tensor([4.0], ()), "exp_avg": avg, "exp_avg_sq": sq}
    group = {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0.0, "amsgrad": False,
             "maximize": False, "foreach": None, "capturable": False, "differentiable": False,
             "fused": False, "params": [0, 1, 2, 3, 4, 5]}
    return {"model_state_dict": state,
            "optimizer_state_dict": {"state": moments, "param_groups": [group]},
            "epoch": 4, "config": dict(CONFIG, hidden_dim=h), "loss_history": [0.9, 0.8, 0.7, 0.6],
            "val_loss_history": [1.0, 0.9, 0.8, 0.7]}


def with_config(**fields):
    ckpt = model()
    ckpt["config"].update(fields)
    return ckpt


def raw(path, pickle_bytes):
    archive(path, pickle_bytes)


def main(argv):
    if len(argv) != 1:
        print("usage: make_hostile_checkpoints.py OUTDIR", file=sys.stderr)
        return 2
    out = argv[0]
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name + ".pth")  # noqa: E731

    save(p("valid"), model())
    # Malformed pickles: opcodes on a stack too short for them, unbounded nesting, MARKs.
    raw(p("reduce-on-empty-stack"), b"\x80\x02R.")
    raw(p("build-on-short-stack"), b"\x80\x02}b.")
    raw(p("newobj-on-short-stack"), b"\x80\x02N\x81.")
    raw(p("tuple3-on-short-stack"), b"\x80\x02NN\x87.")
    raw(p("setitems-without-mark"), b"\x80\x02}u.")
    raw(p("nested-tuples-200000"), b"\x80\x02N" + b"\x85" * 200000 + b".")
    raw(p("nested-lists-200000"), b"\x80\x02" + b"]" * 200000 + b"a" * 199999 + b".")
    raw(p("marks-200000"), b"\x80\x02" + b"(" * 200000 + b"N.")
    raw(p("memo-get-never-put"), b"\x80\x02h\x07.")
    raw(p("string-longer-than-file"), b"\x80\x02X\xff\xff\xff\x7fabc.")
    raw(p("no-stop"), b"\x80\x02}q\x00(X\x01\x00\x00\x00aK\x01u")
    raw(p("bytes-opcode"), b"\x80\x02C\x03abc.")
    raw(p("global-os-system"),
        b"\x80\x02cos\nsystem\nX" + struct.pack("<I", len(f"touch {out}/pwned")) + f"touch {out}/pwned".encode()
        + b"\x85R.")
    raw(p("global-builtins-eval"), b"\x80\x02c__builtin__\neval\nX\x01\x00\x00\x001\x85R.")
    raw(p("persistent-id-not-storage"), b"\x80\x02X\x06\x00\x00\x00module\x85Q.")
    # Shared references that expand to 10^8 objects (a "billion laughs" in the config).
    laugh = ["ha"] * 10
    for _ in range(7):
        laugh = [laugh] * 10
    ckpt = model()
    ckpt["config"]["notes"] = laugh
    save(p("shared-reference-bomb"), ckpt)

    # Tensors that do not fit their storage.
    save(p("storage-offset-40"), model(w1=Tensor(Storage([0.1] * 12), (3, 4), offset=40)))
    save(p("storage-offset-huge"), model(w1=Tensor(Storage([0.1] * 12), (3, 4), offset=2 ** 62)))
    save(p("stride-past-storage"), model(w1=Tensor(Storage([0.1] * 12), (3, 4), stride=(1000, 1))))
    save(p("size-overflow"), model(w1=Tensor(Storage([0.1] * 12), (2 ** 40, 2 ** 40), stride=(0, 0))))
    # 2^37 weights claimed by a view of one float (stride 0): 512 GB if it were materialised.
    save(p("broadcast-view-huge"), model(w1=Tensor(Storage([0.1]), (65536, 2 ** 21), stride=(0, 0))))
    save(p("storage-record-short"), model(w1=Tensor(Storage([0.1] * 12, numel=100), (3, 4))))
    save(p("int64-weights"), model(w1=Tensor(Storage(list(range(12)), cls="LongStorage", fmt="q"), (3, 4))))
    save(p("wrong-shape"), model(w1=tensor([0.1] * 15, (3, 5))))
    ckpt = model()
    ckpt["model_state_dict"]["shared_layer.3.weight"] = tensor([0.0] * 6, (3, 2))
    save(p("wrong-shape-second-layer"), ckpt)
    # Adam's second moment of one value against a square matrix of width 256, and 4096.
    save(p("exp-avg-sq-one-value-h256"), model(h=256, exp_avg_sq=tensor([1.0], (1,))))
    save(p("exp-avg-sq-one-value-h4096"), model(h=4096, exp_avg_sq=tensor([1.0], (1,)), shared_w2=True))
    ckpt = model()
    del ckpt["optimizer_state_dict"]["state"][3]
    save(p("optimizer-state-partial"), ckpt)
    save(p("exp-avg-sq-negative"), model(exp_avg_sq=tensor([-1.0] * 9, (3, 3))))

    # Values that would poison a run.
    ckpt = model()
    ckpt["epoch"] = 2 ** 31 - 2
    save(p("epoch-2147483646"), ckpt)
    ckpt = model()
    ckpt["epoch"] = -1
    save(p("epoch-negative"), ckpt)
    save(p("nan-weights"), model(w1=tensor([float("nan")] * 12, (3, 4))))
    save(p("infinite-weights"), model(w1=tensor([float("inf")] * 12, (3, 4))))
    save(p("zero-feature-std"), model(std=tensor([0.0, 1.0, 1.0, 1.0], (F,))))
    save(p("nan-feature-std"), model(std=tensor([float("nan"), 1.0, 1.0, 1.0], (F,))))
    save(p("config-hidden-dim-string"), with_config(hidden_dim="3"))
    save(p("config-learning-rate-list"), with_config(learning_rate=[0.001]))
    save(p("config-metric-names-not-strings"), with_config(metric_names=[1, 2]))
    save(p("config-layout-mismatch"), with_config(embedding_dim=5))
    ckpt = model()
    ckpt["model_state_dict"]["extra_buffer"] = tensor([0.0], (1,))
    save(p("unexpected-state-key"), ckpt)
    save(p("bare-state-dict-without-metadata"), model()["model_state_dict"])

    # The container.
    with open(p("valid"), "rb") as f:
        whole = f.read()
    with open(p("truncated-zip"), "wb") as f:
        f.write(whole[: len(whole) // 2])
    with open(p("truncated-central-directory"), "wb") as f:
        f.write(whole[:-30])
    damaged = bytearray(whole)
    with zipfile.ZipFile(p("valid")) as z:
        info = z.getinfo("archive/data/0")
    # The first byte of a storage's data: after the 30-byte local header, the name and the extra field.
    name_length, extra_length = struct.unpack("<HH", whole[info.header_offset + 26:info.header_offset + 30])
    damaged[info.header_offset + 30 + name_length + extra_length] ^= 0x40
    with open(p("crc-mismatch"), "wb") as f:
        f.write(bytes(damaged))
    end = whole.rindex(b"PK\x05\x06")
    entries = bytearray(whole)
    entries[end + 8:end + 12] = struct.pack("<HH", 60000, 60000)
    with open(p("zip-entry-count-forged"), "wb") as f:
        f.write(bytes(entries))
    offset = bytearray(whole)
    central = whole.index(b"PK\x01\x02")
    offset[central + 42:central + 46] = struct.pack("<I", len(whole) * 4)
    with open(p("zip-local-offset-past-end"), "wb") as f:
        f.write(bytes(offset))
    with zipfile.ZipFile(p("deflated-record"), "w", zipfile.ZIP_DEFLATED) as z:
        with zipfile.ZipFile(p("valid")) as src:
            for info in src.infolist():
                z.writestr(info.filename, src.read(info.filename))
    buffer = io.BytesIO()
    pickler = Pickler(buffer)
    pickler.dump(model())
    archive(p("storage-record-missing"), buffer.getvalue(), pickler.storages[1:])
    save(p("no-version-record"), model(), version=None)
    with zipfile.ZipFile(p("valid")) as src, zipfile.ZipFile(p("big-endian"), "w") as z:
        for info in src.infolist():
            z.writestr(info.filename, b"big" if info.filename.endswith("byteorder") else src.read(info.filename))
    with open(p("not-a-zip"), "wb") as f:
        f.write(b"this is not a checkpoint\n" * 10)
    open(p("empty"), "wb").close()

    # Other files PyTorch writes, named for what they are.
    torch.save({"weights": torch.zeros(2)}, p("torch-save-before-1.6"), _use_new_zipfile_serialization=False)
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 1)), p("torchscript-module"))

    for name in sorted(os.listdir(out)):
        print(f"{name}: {os.path.getsize(os.path.join(out, name))} bytes")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as error:  # noqa: BLE001
        print(f"FAIL: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(2)
