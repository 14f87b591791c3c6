#include "core/model_p.h"

#include "core/atomic_file.h"
#include "core/error.h"

#include <nlohmann/json.hpp>
#include <torch/script.h>
#include <torch/version.h>

#include <dlfcn.h>

namespace ranker {

namespace {

const char *const kParameterNames[6] = {"shared_layer.0.weight", "shared_layer.0.bias", "shared_layer.3.weight",
                                         "shared_layer.3.bias",   "score_layer.weight",  "score_layer.bias"};

torch::Tensor toTensor(const std::vector<float> &values, std::vector<int64_t> shape)
{
    int64_t expected = 1;
    for (int64_t s : shape)
        expected *= s;
    if (int64_t(values.size()) != expected)
        throw Error("tensor has " + std::to_string(values.size()) + " values, expected " + std::to_string(expected));
    return torch::from_blob(const_cast<float *>(values.data()), shape, torch::kFloat32).clone();
}

std::vector<float> toVector(const torch::Tensor &tensor)
{
    torch::Tensor t = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
}

c10::IValue jsonToIValue(const nlohmann::json &value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::object: {
        c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
        for (auto it = value.begin(); it != value.end(); ++it)
            dict.insert(it.key(), jsonToIValue(it.value()));
        return dict;
    }
    case nlohmann::json::value_t::array: {
        c10::impl::GenericList list(c10::AnyType::get());
        for (const auto &element : value)
            list.push_back(jsonToIValue(element));
        return list;
    }
    case nlohmann::json::value_t::string: return value.get<std::string>();
    case nlohmann::json::value_t::boolean: return value.get<bool>();
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return value.get<int64_t>();
    case nlohmann::json::value_t::number_float: return value.get<double>();
    default: return c10::IValue();
    }
}

nlohmann::json ivalueToJson(const c10::IValue &value)
{
    if (value.isGenericDict()) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto &entry : value.toGenericDict())
            if (entry.key().isString())
                out[entry.key().toStringRef()] = ivalueToJson(entry.value());
        return out;
    }
    if (value.isList()) {
        nlohmann::json out = nlohmann::json::array();
        for (const c10::IValue &element : value.toListRef())
            out.push_back(ivalueToJson(element));
        return out;
    }
    if (value.isString())
        return value.toStringRef();
    if (value.isBool())
        return value.toBool();
    if (value.isInt())
        return value.toInt();
    if (value.isDouble())
        return value.toDouble();
    return nullptr;
}

c10::impl::GenericList doubleList(const std::vector<double> &values)
{
    c10::impl::GenericList list(c10::FloatType::get());
    for (double v : values)
        list.push_back(v);
    return list;
}

std::vector<double> readDoubleList(const c10::IValue &value)
{
    std::vector<double> out;
    if (!value.isList())
        return out;
    for (const c10::IValue &element : value.toListRef())
        out.push_back(element.isDouble() ? element.toDouble() : element.isInt() ? double(element.toInt()) : 0.0);
    return out;
}

} // namespace

RankerNetImpl::RankerNetImpl(int64_t features, int64_t hidden, double dropout)
{
    shared_layer = register_module(
        "shared_layer", torch::nn::Sequential(torch::nn::Linear(features, hidden), torch::nn::ReLU(),
                                              torch::nn::Dropout(dropout), torch::nn::Linear(hidden, hidden),
                                              torch::nn::ReLU()));
    score_layer = register_module("score_layer", torch::nn::Linear(hidden, 1));
    feature_mean = register_buffer("feature_mean", torch::zeros({features}));
    feature_std = register_buffer("feature_std", torch::ones({features}));
}

torch::Tensor RankerNetImpl::scoreStandardised(const torch::Tensor &rows)
{
    return score_layer->forward(shared_layer->forward(rows)).squeeze(-1);
}

torch::Tensor RankerNetImpl::score(const torch::Tensor &rows)
{
    return scoreStandardised((rows - feature_mean) / feature_std);
}

std::vector<torch::Tensor> orderedParameters(RankerNet &net)
{
    auto first = net->shared_layer[0]->as<torch::nn::Linear>();
    auto second = net->shared_layer[3]->as<torch::nn::Linear>();
    return {first->weight, first->bias, second->weight, second->bias, net->score_layer->weight, net->score_layer->bias};
}

ModelWeights weightsOf(RankerNet &net, const FeatureLayout &layout, int hidden)
{
    ModelWeights w;
    w.layout = layout;
    w.hiddenDim = hidden;
    std::vector<torch::Tensor> p = orderedParameters(net);
    w.w1 = toVector(p[0]);
    w.b1 = toVector(p[1]);
    w.w2 = toVector(p[2]);
    w.b2 = toVector(p[3]);
    w.w3 = toVector(p[4]);
    w.b3 = toVector(p[5]);
    return w;
}

void loadWeights(RankerNet &net, const ModelWeights &w)
{
    const int64_t f = w.layout.featureDim();
    const int64_t h = w.hiddenDim;
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> p = orderedParameters(net);
    torch::Device device = p[0].device();
    p[0].copy_(toTensor(w.w1, {h, f}).to(device));
    p[1].copy_(toTensor(w.b1, {h}).to(device));
    p[2].copy_(toTensor(w.w2, {h, h}).to(device));
    p[3].copy_(toTensor(w.b2, {h}).to(device));
    p[4].copy_(toTensor(w.w3, {1, h}).to(device));
    p[5].copy_(toTensor(w.b3, {1}).to(device));
    net->feature_mean.copy_(toTensor(w.layout.mean, {f}).to(device));
    net->feature_std.copy_(toTensor(w.layout.std, {f}).to(device));
}

RankerModel::RankerModel(const FeatureLayout &layout, int hiddenDim, double dropout) : m_impl(std::make_unique<Impl>())
{
    if (layout.featureDim() <= 0 || hiddenDim <= 0)
        throw Error("the model needs at least one feature and one hidden unit");
    m_impl->layout = layout;
    m_impl->hidden = hiddenDim;
    m_impl->net = RankerNet(layout.featureDim(), hiddenDim, dropout);
    torch::NoGradGuard noGrad;
    m_impl->net->feature_mean.copy_(toTensor(layout.mean, {layout.featureDim()}));
    m_impl->net->feature_std.copy_(toTensor(layout.std, {layout.featureDim()}));
}

RankerModel::RankerModel(const ModelWeights &weights) : RankerModel(weights.layout, weights.hiddenDim)
{
    loadWeights(m_impl->net, weights);
}

RankerModel::~RankerModel() = default;
RankerModel::RankerModel(RankerModel &&) noexcept = default;
RankerModel &RankerModel::operator=(RankerModel &&) noexcept = default;

const FeatureLayout &RankerModel::layout() const
{
    return m_impl->layout;
}

int RankerModel::hiddenDim() const
{
    return m_impl->hidden;
}

ModelWeights RankerModel::weights() const
{
    return weightsOf(m_impl->net, m_impl->layout, m_impl->hidden);
}

void RankerModel::setWeights(const ModelWeights &weights)
{
    if (weights.layout.featureDim() != m_impl->layout.featureDim() || weights.hiddenDim != m_impl->hidden)
        throw Error("weights do not fit this model's shape");
    m_impl->layout = weights.layout;
    loadWeights(m_impl->net, weights);
}

std::vector<float> RankerModel::score(const float *rawRows, int64_t rows) const
{
    if (rows == 0)
        return {};
    torch::NoGradGuard noGrad;
    RankerNet &net = m_impl->net;
    const bool wasTraining = net->is_training();
    net->eval();
    torch::Device device = net->feature_mean.device();
    torch::Tensor input =
        torch::from_blob(const_cast<float *>(rawRows), {rows, int64_t(m_impl->layout.featureDim())}, torch::kFloat32)
            .to(device);
    std::vector<float> out = toVector(net->score(input));
    if (wasTraining)
        net->train();
    return out;
}

DeviceInfo deviceInfo()
{
    DeviceInfo info;
    info.libtorchVersion = TORCH_VERSION;
    // Which LibTorch is in use: the library that holds one of its exported functions.
    Dl_info where{};
    if (::dladdr(reinterpret_cast<void *>(&at::globalContext), &where) != 0 && where.dli_fname)
        info.libtorchPath = where.dli_fname;
    info.cudaAvailable = torch::cuda::is_available();
    info.cudaDeviceCount = info.cudaAvailable ? int(torch::cuda::device_count()) : 0;
    if (!info.cudaAvailable)
        info.cudaUnavailableReason = at::hasCUDA() ? "no CUDA device is visible"
                                                   : "this LibTorch " + info.libtorchVersion + " was built without CUDA";
    return info;
}

std::string resolveDevice(const std::string &requested)
{
    if (requested == "auto" || requested.empty())
        return torch::cuda::is_available() ? "cuda" : "cpu";
    if (requested == "cpu")
        return "cpu";
    if (requested == "cuda" || requested.rfind("cuda:", 0) == 0) {
        DeviceInfo info = deviceInfo();
        if (!info.cudaAvailable)
            throw Error("--device " + requested + ": CUDA is not available (" + info.cudaUnavailableReason + ")");
        return requested;
    }
    throw Error("--device " + requested + ": unknown device (use auto, cpu or cuda)");
}

void setThreadCount(int threads)
{
    if (threads > 0) {
        torch::set_num_threads(threads);
    }
    // OpenBLAS's own thread pool on top of LibTorch's OpenMP threads was measured slower than one
    // BLAS thread (see bench/blas_threads.md); keep BLAS single-threaded unless the user said otherwise.
    using SetThreads = void (*)(int);
    static SetThreads setBlasThreads = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (setBlasThreads && !std::getenv("OPENBLAS_NUM_THREADS"))
        setBlasThreads(1);
}

void saveCheckpoint(const std::string &path, const Checkpoint &checkpoint)
{
    writeFileAtomically(path, checkpointBytes(checkpoint));
}

std::string checkpointBytes(const Checkpoint &checkpoint)
{
    const ModelWeights &w = checkpoint.weights;
    const int64_t f = w.layout.featureDim();
    const int64_t h = w.hiddenDim;
    const std::vector<float> *values[6] = {&w.w1, &w.b1, &w.w2, &w.b2, &w.w3, &w.b3};
    const std::vector<int64_t> shapes[6] = {{h, f}, {h}, {h, h}, {h}, {1, h}, {1}};

    c10::impl::GenericDict state(c10::StringType::get(), c10::TensorType::get());
    for (int i = 0; i < 6; ++i)
        state.insert(kParameterNames[i], toTensor(*values[i], shapes[i]));
    state.insert("feature_mean", toTensor(w.layout.mean, {f}));
    state.insert("feature_std", toTensor(w.layout.std, {f}));

    nlohmann::json config = checkpoint.configJson.empty() ? nlohmann::json::object()
                                                          : nlohmann::json::parse(checkpoint.configJson);
    config["hidden_dim"] = w.hiddenDim;
    config["embedding_dim"] = w.layout.embeddingDim;
    config["metric_names"] = w.layout.metricNames;
    config["input_dim"] = f;

    c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
    root.insert("model_state_dict", state);
    root.insert("epoch", int64_t(checkpoint.epoch));
    root.insert("config", jsonToIValue(config));
    root.insert("loss_history", doubleList(checkpoint.lossHistory));
    root.insert("val_loss_history", doubleList(checkpoint.valLossHistory));

    if (!checkpoint.optimizer.empty()) {
        // PyTorch's optim.Adam layout: state keyed by parameter index, one param group.
        c10::impl::GenericDict optimizerState(c10::IntType::get(), c10::AnyType::get());
        for (int i = 0; i < 6 && size_t(i) < checkpoint.optimizer.expAvg.size(); ++i) {
            c10::impl::GenericDict entry(c10::StringType::get(), c10::AnyType::get());
            entry.insert("step", torch::tensor(double(checkpoint.optimizer.step)));
            entry.insert("exp_avg", toTensor(checkpoint.optimizer.expAvg[size_t(i)], shapes[i]));
            entry.insert("exp_avg_sq", toTensor(checkpoint.optimizer.expAvgSq[size_t(i)], shapes[i]));
            optimizerState.insert(int64_t(i), entry);
        }
        c10::impl::GenericDict group(c10::StringType::get(), c10::AnyType::get());
        group.insert("lr", config.value("learning_rate", 0.001));
        group.insert("betas", c10::ivalue::Tuple::create({0.9, 0.999}));
        group.insert("eps", 1e-8);
        group.insert("weight_decay", 0.0);
        group.insert("amsgrad", false);
        group.insert("maximize", false);
        group.insert("foreach", c10::IValue());
        group.insert("capturable", false);
        group.insert("differentiable", false);
        group.insert("fused", false);
        c10::impl::GenericList params(c10::IntType::get());
        for (int64_t i = 0; i < 6; ++i)
            params.push_back(i);
        group.insert("params", params);
        c10::impl::GenericList groups(c10::AnyType::get());
        groups.push_back(group);
        c10::impl::GenericDict optimizer(c10::StringType::get(), c10::AnyType::get());
        optimizer.insert("state", optimizerState);
        optimizer.insert("param_groups", groups);
        root.insert("optimizer_state_dict", optimizer);
    }

    std::vector<char> bytes = torch::pickle_save(c10::IValue(root));
    return std::string(bytes.begin(), bytes.end());
}

Checkpoint loadCheckpoint(const std::string &path)
{
    std::string bytes = readFile(path);
    c10::IValue root;
    try {
        root = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
    } catch (const std::exception &e) {
        std::string what = e.what();
        throw Error(path + ": not a checkpoint this tool can read (" + what.substr(0, what.find('\n')) + ")");
    }
    if (!root.isGenericDict())
        throw Error(path + ": not a checkpoint: expected a dict");
    c10::impl::GenericDict dict = root.toGenericDict();
    auto get = [&](const char *key) -> c10::IValue {
        auto found = dict.find(key);
        return found == dict.end() ? c10::IValue() : found->value();
    };
    c10::IValue stateValue = get("model_state_dict");
    if (!stateValue.isGenericDict())
        throw Error(path + ": not a ranker checkpoint: model_state_dict is missing");
    c10::impl::GenericDict state = stateValue.toGenericDict();
    auto tensor = [&](const std::string &name) {
        auto found = state.find(name);
        if (found == state.end() || !found->value().isTensor())
            throw Error(path + ": model_state_dict has no tensor " + name);
        return found->value().toTensor().to(torch::kCPU, torch::kFloat32).contiguous();
    };

    Checkpoint cp;
    nlohmann::json config = ivalueToJson(get("config"));
    cp.configJson = config.is_object() ? config.dump() : "{}";
    c10::IValue epoch = get("epoch");
    cp.epoch = epoch.isInt() ? int(epoch.toInt()) : 0;
    cp.lossHistory = readDoubleList(get("loss_history"));
    cp.valLossHistory = readDoubleList(get("val_loss_history"));

    torch::Tensor w1 = tensor(kParameterNames[0]);
    if (w1.dim() != 2)
        throw Error(path + ": shared_layer.0.weight is not a matrix");
    const int64_t h = w1.size(0), f = w1.size(1);
    ModelWeights &w = cp.weights;
    w.hiddenDim = int(h);
    std::vector<float> *targets[6] = {&w.w1, &w.b1, &w.w2, &w.b2, &w.w3, &w.b3};
    const std::vector<int64_t> shapes[6] = {{h, f}, {h}, {h, h}, {h}, {1, h}, {1}};
    for (int i = 0; i < 6; ++i) {
        torch::Tensor t = tensor(kParameterNames[i]);
        if (t.sizes().vec() != shapes[i])
            throw Error(path + ": " + kParameterNames[i] + " has shape " + c10::str(t.sizes()) + ", not the ranker's");
        *targets[i] = toVector(t);
    }
    w.layout.mean = toVector(tensor("feature_mean"));
    w.layout.std = toVector(tensor("feature_std"));
    if (int64_t(w.layout.mean.size()) != f || int64_t(w.layout.std.size()) != f)
        throw Error(path + ": feature_mean/feature_std do not have " + std::to_string(f) + " values");
    if (config.contains("metric_names") && config["metric_names"].is_array())
        for (const auto &name : config["metric_names"])
            w.layout.metricNames.push_back(name.is_string() ? name.get<std::string>() : name.dump());
    w.layout.embeddingDim = config.value("embedding_dim", int(f - int64_t(w.layout.metricNames.size())));
    if (w.layout.featureDim() != f)
        throw Error(path + ": config's embedding_dim and metric_names do not add up to " + std::to_string(f) + " features");

    c10::IValue optimizer = get("optimizer_state_dict");
    if (optimizer.isGenericDict()) {
        c10::impl::GenericDict od = optimizer.toGenericDict();
        auto stateIt = od.find("state");
        if (stateIt != od.end() && stateIt->value().isGenericDict()) {
            c10::impl::GenericDict os = stateIt->value().toGenericDict();
            OptimizerState &opt = cp.optimizer;
            for (int64_t i = 0; i < 6; ++i) {
                auto entryIt = os.find(i);
                if (entryIt == os.end() || !entryIt->value().isGenericDict()) {
                    opt = {};
                    break;
                }
                c10::impl::GenericDict entry = entryIt->value().toGenericDict();
                auto stepIt = entry.find("step"), avgIt = entry.find("exp_avg"), sqIt = entry.find("exp_avg_sq");
                if (stepIt == entry.end() || avgIt == entry.end() || sqIt == entry.end() ||
                    !avgIt->value().isTensor() || !sqIt->value().isTensor()) {
                    opt = {};
                    break;
                }
                c10::IValue step = stepIt->value();
                opt.step = step.isTensor() ? int64_t(step.toTensor().item<double>())
                                           : step.isInt() ? step.toInt() : int64_t(step.toDouble());
                opt.expAvg.push_back(toVector(avgIt->value().toTensor()));
                opt.expAvgSq.push_back(toVector(sqIt->value().toTensor()));
                if (int64_t(opt.expAvg.back().size()) != c10::multiply_integers(shapes[i])) {
                    opt = {};
                    break;
                }
            }
        }
    }
    return cp;
}

} // namespace ranker
