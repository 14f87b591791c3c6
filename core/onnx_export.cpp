#include "core/onnx_export.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/model.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <nlohmann/json.hpp>

namespace ranker {

namespace {

void addInitializer(onnx::GraphProto &graph, const std::string &name, const std::vector<float> &values,
                    std::initializer_list<int64_t> dims)
{
    onnx::TensorProto *t = graph.add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
        t->add_dims(d);
    t->set_raw_data(std::string(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(float)));
}

void addValueInfo(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> *list, const std::string &name,
                  std::initializer_list<int64_t> fixedDims)
{
    onnx::ValueInfoProto *info = list->Add();
    info->set_name(name);
    onnx::TypeProto_Tensor *tensor = info->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    onnx::TensorShapeProto *shape = tensor->mutable_shape();
    shape->add_dim()->set_dim_param("batch");
    for (int64_t d : fixedDims)
        shape->add_dim()->set_dim_value(d);
}

onnx::NodeProto *addNode(onnx::GraphProto &graph, const std::string &op, std::initializer_list<std::string> inputs,
                         const std::string &output)
{
    onnx::NodeProto *node = graph.add_node();
    node->set_op_type(op);
    node->set_name(output + "_" + op);
    for (const std::string &input : inputs)
        node->add_input(input);
    node->add_output(output);
    return node;
}

void addGemm(onnx::GraphProto &graph, const std::string &x, const std::string &layer, const std::string &output)
{
    onnx::NodeProto *node = addNode(graph, "Gemm", {x, layer + ".weight", layer + ".bias"}, output);
    onnx::AttributeProto *transB = node->add_attribute();
    transB->set_name("transB");
    transB->set_type(onnx::AttributeProto::INT);
    transB->set_i(1);
}

/**
 * The scoring tower for one input, up to the score as a [batch, 1] column; parameters are shared
 * between the two towers. Standardising multiplies by 1/std instead of dividing: OpenCV 4.6's
 * importer turns a Div by a constant into a multiplication by that constant (measured: it
 * returns (x − mean)·std), so the division is done here, once, in float.
 */
std::string addTower(onnx::GraphProto &graph, const std::string &input)
{
    const std::string p = input + "/";
    addNode(graph, "Sub", {input, "feature_mean"}, p + "centred");
    addNode(graph, "Mul", {p + "centred", "feature_inv_std"}, p + "standardised");
    addGemm(graph, p + "standardised", "shared_layer.0", p + "hidden1");
    addNode(graph, "Relu", {p + "hidden1"}, p + "relu1");
    addGemm(graph, p + "relu1", "shared_layer.3", p + "hidden2");
    addNode(graph, "Relu", {p + "hidden2"}, p + "relu2");
    addGemm(graph, p + "relu2", "score_layer", p + "score_column");
    return p + "score_column";
}

} // namespace

void writeOnnx(const std::string &path, const ModelWeights &weights, const std::map<std::string, std::string> &metadata)
{
    writeFileAtomically(path, onnxBytes(path, weights, metadata));
}

std::string onnxBytes(const std::string &path, const ModelWeights &w,
                      const std::map<std::string, std::string> &metadata)
{
    const int64_t f = w.layout.featureDim();
    const int64_t h = w.hiddenDim;
    onnx::ModelProto model;
    model.set_ir_version(7); // the IR version that goes with opset 13
    model.set_producer_name("ranker-studio");
    model.set_model_version(1);
    model.set_doc_string("Pairwise ranker: score = score_layer(shared_layer((x - feature_mean) * feature_inv_std)), "
                         "feature_inv_std = 1 / feature_std");
    onnx::OperatorSetIdProto *opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(13);

    onnx::GraphProto &graph = *model.mutable_graph();
    graph.set_name("pairwise_ranker");
    addInitializer(graph, "feature_mean", w.layout.mean, {f});
    std::vector<float> invStd(w.layout.std.size());
    for (size_t i = 0; i < invStd.size(); ++i)
        invStd[i] = 1.0f / w.layout.std[i];
    addInitializer(graph, "feature_inv_std", invStd, {f});
    addInitializer(graph, "shared_layer.0.weight", w.w1, {h, f});
    addInitializer(graph, "shared_layer.0.bias", w.b1, {h});
    addInitializer(graph, "shared_layer.3.weight", w.w2, {h, h});
    addInitializer(graph, "shared_layer.3.bias", w.b2, {h});
    addInitializer(graph, "score_layer.weight", w.w3, {1, h});
    addInitializer(graph, "score_layer.bias", w.b3, {1});
    // Reshape to [-1] turns a [batch, 1] column into [batch]: the form every runtime takes (OpenCV
    // 4.6 refuses Squeeze with its axes as an input, opset 13's only form, and element-wise ops
    // on 1-D tensors).
    onnx::TensorProto *flat = graph.add_initializer();
    flat->set_name("batch_shape");
    flat->set_data_type(onnx::TensorProto::INT64);
    flat->add_dims(1);
    flat->add_int64_data(-1);

    addValueInfo(graph.mutable_input(), "input_a", {f});
    addValueInfo(graph.mutable_input(), "input_b", {f});
    const std::string columnA = addTower(graph, "input_a");
    const std::string columnB = addTower(graph, "input_b");
    addNode(graph, "Sub", {columnA, columnB}, "score_diff_column");
    addNode(graph, "Reshape", {"score_diff_column", "batch_shape"}, "score_diff");
    addNode(graph, "Reshape", {columnA, "batch_shape"}, "score_a");
    addNode(graph, "Reshape", {columnB, "batch_shape"}, "score_b");
    addValueInfo(graph.mutable_output(), "score_diff", {});
    addValueInfo(graph.mutable_output(), "score_a", {});
    addValueInfo(graph.mutable_output(), "score_b", {});

    std::map<std::string, std::string> props = metadata;
    props["input_dim"] = std::to_string(f);
    props["hidden_dim"] = std::to_string(h);
    props["embedding_dim"] = std::to_string(w.layout.embeddingDim);
    props["metric_names"] = nlohmann::json(w.layout.metricNames).dump();
    props["feature_layout"] = nlohmann::json{{"embedding_dim", w.layout.embeddingDim},
                                             {"metric_names", w.layout.metricNames},
                                             {"metric_order", "sorted by name, after the embedding"},
                                             {"missing_metric", "use the metric's mean"},
                                             {"inputs", "raw features; the graph standardises them"}}
                                  .dump();
    for (const auto &entry : props) {
        onnx::StringStringEntryProto *prop = model.add_metadata_props();
        prop->set_key(entry.first);
        prop->set_value(entry.second);
    }

    try {
        onnx::checker::check_model(model);
    } catch (const std::exception &e) {
        throw Error(path + ": the ONNX graph fails onnx::checker: " + e.what());
    }
    std::string bytes;
    if (!model.SerializeToString(&bytes))
        throw Error(path + ": cannot serialise the ONNX model");
    return bytes;
}

std::string checkOnnxFile(const std::string &path)
{
    try {
        onnx::checker::check_model(path);
    } catch (const std::exception &e) {
        return e.what();
    }
    return {};
}

} // namespace ranker
