#!/usr/bin/python3
"""Check that a Ranker Studio .onnx file is a valid model with the documented interface.

Usage: check_onnx.py NAME.onnx

Checks (DESIGN.md, "Outputs"): onnx.checker.check_model(full_check=True) passes; the default
domain's opset is 13; the graph inputs are exactly input_a, input_b, float32 [batch, F] with a
symbolic batch dimension and the same F; the outputs are exactly score_diff, score_a, score_b,
float32 [batch]; every batch dimension uses the same symbol; metadata_props is not empty.

Exit status: 0 when every check passes; 1 when one fails, with a one-line "FAIL:" reason.
"""

import sys

import onnx
from onnx import TensorProto

OPSET = 13
INPUTS = ("input_a", "input_b")
OUTPUTS = ("score_diff", "score_a", "score_b")


class CheckFailed(Exception):
    pass


def tensor_type(value_info):
    """Return (elem_type, dims) of a graph input/output; dims are ('param', name) or ('value', n)."""
    kind = value_info.type.WhichOneof("value")
    if kind != "tensor_type":
        raise CheckFailed(f"{value_info.name} is a {kind}, not a tensor")
    tensor = value_info.type.tensor_type
    if not tensor.HasField("shape"):
        raise CheckFailed(f"{value_info.name} has no shape")
    dims = []
    for dim in tensor.shape.dim:
        which = dim.WhichOneof("value")
        if which == "dim_param":
            dims.append(("param", dim.dim_param))
        elif which == "dim_value":
            dims.append(("value", dim.dim_value))
        else:
            dims.append(("unknown", None))
    return tensor.elem_type, dims


def shape_text(dims):
    return "[" + ", ".join(str(v) if v is not None else "?" for _, v in dims) + "]"


def check(path):
    try:
        model = onnx.load(path)
    except Exception as error:
        raise CheckFailed(f"onnx.load({path}) failed: {type(error).__name__}: {error}")
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as error:  # ValidationError or InferenceError
        raise CheckFailed("check_model(full_check=True): " + " ".join(str(error).split()))

    opsets = {entry.domain or "ai.onnx": entry.version for entry in model.opset_import}
    default = opsets.get("ai.onnx")
    if default != OPSET:
        raise CheckFailed(f"default-domain opset is {default}, expected {OPSET} (opset_import {opsets})")

    graph = model.graph
    initializers = {init.name for init in graph.initializer}
    inputs = [vi for vi in graph.input if vi.name not in initializers]
    names = tuple(vi.name for vi in inputs)
    if names != INPUTS:
        raise CheckFailed(f"graph inputs are {list(names)}, expected {list(INPUTS)}")
    names = tuple(vi.name for vi in graph.output)
    if names != OUTPUTS:
        raise CheckFailed(f"graph outputs are {list(names)}, expected {list(OUTPUTS)}")

    batch_symbols = set()
    feature_dims = set()
    for vi in inputs:
        elem, dims = tensor_type(vi)
        if elem != TensorProto.FLOAT:
            raise CheckFailed(f"input {vi.name} is {TensorProto.DataType.Name(elem)}, expected FLOAT")
        if len(dims) != 2:
            raise CheckFailed(f"input {vi.name} has shape {shape_text(dims)}, expected [batch, F]")
        if dims[0][0] != "param" or not dims[0][1]:
            raise CheckFailed(f"input {vi.name} has shape {shape_text(dims)}: first dim is not symbolic")
        if dims[1][0] != "value" or dims[1][1] <= 0:
            raise CheckFailed(f"input {vi.name} has shape {shape_text(dims)}: second dim is not a fixed F")
        batch_symbols.add(dims[0][1])
        feature_dims.add(dims[1][1])
    if len(feature_dims) != 1:
        raise CheckFailed(f"input_a and input_b have different F: {sorted(feature_dims)}")

    for vi in graph.output:
        elem, dims = tensor_type(vi)
        if elem != TensorProto.FLOAT:
            raise CheckFailed(f"output {vi.name} is {TensorProto.DataType.Name(elem)}, expected FLOAT")
        if len(dims) != 1:
            raise CheckFailed(f"output {vi.name} has shape {shape_text(dims)}, expected [batch]")
        if dims[0][0] != "param" or not dims[0][1]:
            raise CheckFailed(f"output {vi.name} has shape {shape_text(dims)}: dim is not symbolic")
        batch_symbols.add(dims[0][1])
    if len(batch_symbols) != 1:
        raise CheckFailed(f"inputs and outputs use different batch symbols {sorted(batch_symbols)}")

    if len(model.metadata_props) == 0:
        raise CheckFailed("metadata_props is empty (the feature layout belongs there)")
    keys = [prop.key for prop in model.metadata_props]
    if len(set(keys)) != len(keys):
        raise CheckFailed(f"metadata_props has duplicate keys: {keys}")
    empty = [prop.key for prop in model.metadata_props if not prop.key or not prop.value]
    if empty:
        raise CheckFailed(f"metadata_props has empty keys or values: {empty}")

    (batch,) = batch_symbols
    (features,) = feature_dims
    print(
        f"{path}: ir_version={model.ir_version} opsets={opsets} producer="
        f"{model.producer_name!r} {model.producer_version!r} nodes={len(graph.node)}"
    )
    print(f"inputs: input_a, input_b float32 [{batch}, {features}]; outputs: "
          f"{', '.join(OUTPUTS)} float32 [{batch}]")
    print(f"metadata_props: {keys}")
    print(f"PASS: {path} (F={features})")


def main(argv):
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        check(argv[0])
    except CheckFailed as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
