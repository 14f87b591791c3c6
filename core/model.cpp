#include "core/model_p.h"

#include "core/error.h"

#include <torch/version.h>

#include <dlfcn.h>

namespace ranker {

namespace {

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

} // namespace

RankerNetImpl::RankerNetImpl(int64_t features, int64_t hidden, double dropout)
{
    shared_layer =
        register_module("shared_layer", torch::nn::Sequential(torch::nn::Linear(features, hidden), torch::nn::ReLU(),
                                                              torch::nn::Dropout(dropout),
                                                              torch::nn::Linear(hidden, hidden), torch::nn::ReLU()));
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
        info.cudaUnavailableReason = at::hasCUDA()
                                         ? "no CUDA device is visible"
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

} // namespace ranker
