#pragma once
// Private: LibTorch insides of RankerModel, shared by model.cpp and trainer.cpp only.

#include "core/model.h"

#include <torch/torch.h>

namespace ranker {

struct RankerNetImpl : torch::nn::Module
{
    RankerNetImpl(int64_t features, int64_t hidden, double dropout);

    /// Scores rows already standardised with feature_mean/feature_std: [N, F] → [N].
    torch::Tensor scoreStandardised(const torch::Tensor &rows);
    /// Scores raw rows: [N, F] → [N].
    torch::Tensor score(const torch::Tensor &rows);

    torch::nn::Sequential shared_layer{nullptr};
    torch::nn::Linear score_layer{nullptr};
    torch::Tensor feature_mean;
    torch::Tensor feature_std;
};
TORCH_MODULE(RankerNet);

struct RankerModel::Impl
{
    FeatureLayout layout;
    int hidden = 0;
    RankerNet net{nullptr};
};

/// The six parameters in ModelWeights order.
std::vector<torch::Tensor> orderedParameters(RankerNet &net);
ModelWeights weightsOf(RankerNet &net, const FeatureLayout &layout, int hidden);
void loadWeights(RankerNet &net, const ModelWeights &weights);

} // namespace ranker
