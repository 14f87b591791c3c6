#pragma once

#include "core/features.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ranker {

/// The network's parameters as plain arrays (row-major, PyTorch's shapes): what exporters and
/// tests read without touching LibTorch.
struct ModelWeights
{
    FeatureLayout layout;
    int hiddenDim = 0;
    std::vector<float> w1, b1; ///< shared_layer.0: [H, F], [H]
    std::vector<float> w2, b2; ///< shared_layer.3: [H, H], [H]
    std::vector<float> w3, b3; ///< score_layer:    [1, H], [1]
};

/// Adam's per-parameter moments, in the order of ModelWeights' six tensors.
struct OptimizerState
{
    int64_t step = 0;
    std::vector<std::vector<float>> expAvg;
    std::vector<std::vector<float>> expAvgSq;
    bool empty() const { return expAvg.empty(); }
};

/// Everything a `.pth` holds.
struct Checkpoint
{
    ModelWeights weights;
    OptimizerState optimizer;
    int epoch = 0;                   ///< epochs trained in total
    std::vector<double> lossHistory; ///< train loss per epoch
    std::vector<double> valLossHistory;
    std::string configJson; ///< the run's configuration, as JSON text
};

/// What the LibTorch this was built against can do.
struct DeviceInfo
{
    std::string libtorchVersion;
    std::string libtorchPath; ///< the LibTorch library loaded at run time (which build is in use)
    bool cudaAvailable = false;
    int cudaDeviceCount = 0;
    std::string cudaUnavailableReason; ///< empty when CUDA is available
};
DeviceInfo deviceInfo();

/**
 * Resolves "auto", "cpu" or "cuda" (optionally "cuda:N") to the device used.
 * @throw Error for an unknown name, or "cuda" when LibTorch has no CUDA.
 */
std::string resolveDevice(const std::string &requested);

/// Sets LibTorch's intra-op thread count (0 leaves the default).
void setThreadCount(int threads);

/// The pairwise ranker, for inference. Training lives in trainer.cpp, which sees its insides.
class RankerModel
{
public:
    RankerModel(const FeatureLayout &layout, int hiddenDim, double dropout = 0.2);
    explicit RankerModel(const ModelWeights &weights);
    ~RankerModel();
    RankerModel(RankerModel &&) noexcept;
    RankerModel &operator=(RankerModel &&) noexcept;

    const FeatureLayout &layout() const;
    int hiddenDim() const;
    ModelWeights weights() const;
    void setWeights(const ModelWeights &weights);

    /// Scores raw (unstandardised) feature rows, `rows` × F, in evaluation mode.
    std::vector<float> score(const float *rawRows, int64_t rows) const;

    struct Impl;
    Impl &impl() const { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

/**
 * Writes the checkpoint in torch.save's own format (a zip of data.pkl, data/N storages, byteorder,
 * version), whose pickle names only globals that `torch.load(path, weights_only=True)` allows: a
 * dict of model_state_dict (an OrderedDict), optimizer_state_dict (torch.optim.Adam's layout),
 * epoch, config, loss_history, val_loss_history. Through a temporary file renamed into place.
 * Implemented without LibTorch in core/export/checkpoint_io.cpp.
 * @throw Error naming the file on any write failure; an existing file is then left as it was.
 */
void saveCheckpoint(const std::string &path, const Checkpoint &checkpoint);
/// The bytes saveCheckpoint writes, for writers that stage several files.
/// @throw Error when a tensor's values do not match the model's shapes.
std::string checkpointBytes(const Checkpoint &checkpoint);

/**
 * Reads a checkpoint: ours (also those torch::pickle_save wrote in earlier versions), a dict with
 * the same keys saved by Python's torch.save, or a bare state_dict of the documented module, whose
 * feature layout then comes from the NAME_metadata.json beside it. Every opcode, size, shape,
 * stride, offset, dtype and value is checked before use: optimizer moments against the weights'
 * shapes, the epoch within 0 to 1,000,000, weights finite, feature_std positive, config fields
 * of the right types.
 * @throw Error, one line naming the file and what is wrong (and how to fix it, where that helps).
 */
Checkpoint loadCheckpoint(const std::string &path);

} // namespace ranker
