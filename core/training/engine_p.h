#pragma once
// Private to train(): the two ways it can take a training step. The LibTorch engine (trainer.cpp)
// runs anywhere LibTorch does, CUDA included; the fast engine (fast_engine.cpp, no LibTorch) runs
// on the CPU without per-op dispatch, autograd or allocation. train()'s loop drives either.

#include "core/model.h"
#include "core/trainer.h"
#include "core/training/threads.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace ranker {

struct Dataset;

/// A set of pairs to evaluate: its unique items once, and per pair where A and B are among them
/// (fewer rows to score than A and B of every pair).
struct EvalSet
{
    std::vector<int32_t> items;     ///< unique item rows of the set
    std::vector<int32_t> positionA; ///< per pair: position of A in `items`
    std::vector<int32_t> positionB;
    std::vector<float> labels;
    int64_t pairs = 0;
};
EvalSet makeEvalSet(const Dataset &ds, const std::vector<int64_t> &pairs);

struct SplitStats
{
    double loss = kNaN;
    double accuracy = kNaN;
    double tieAgreement = kNaN;
};

/// Loss (ties by hinge, whatever the training policy), accuracy on decisive pairs and tie
/// agreement from each pair's score difference.
SplitStats pairStats(const float *diff, const EvalSet &set, double margin);

/// The data both engines train on: one standardised row per item, A, B and label per pair.
struct TrainingData
{
    const std::vector<float> *features = nullptr; ///< [items, F]
    int64_t items = 0;
    int featureDim = 0;
    const std::vector<int32_t> *pairA = nullptr; ///< per Dataset pair
    const std::vector<int32_t> *pairB = nullptr;
    const std::vector<float> *labels = nullptr;
    bool trainHasTies = false;
};

class TrainingEngine
{
public:
    virtual ~TrainingEngine() = default;
    /// A new epoch: Dataset pair indices in this epoch's order.
    virtual void beginEpoch(const std::vector<int64_t> &order) = 0;
    /// One step on order[start, start + n). Returns the batch loss; when it is not finite,
    /// nothing was updated.
    virtual double step(int64_t start, int64_t n, int epoch, int batch) = 0;
    /// Decisive pairs of the epoch's steps so far, and those whose score difference had the
    /// label's sign.
    virtual void epochAccuracy(int64_t &correct, int64_t &decisive) = 0;
    virtual SplitStats evaluate(const EvalSet &set) = 0;
    virtual bool parametersFinite() = 0;
    /// The six parameters in ModelWeights order.
    virtual std::vector<std::vector<float>> parameters() = 0;
    virtual void setParameters(const std::vector<std::vector<float>> &parameters) = 0;
    virtual OptimizerState optimizerState() = 0;
};

/**
 * The fast CPU engine at `choice.threads` threads, starting from `initial` weights (and Adam
 * moments `resumed`, when not empty).
 */
std::unique_ptr<TrainingEngine> makeFastEngine(const TrainingData &data, const TrainConfig &config,
                                               const ModelWeights &initial, const OptimizerState &resumed, int maxBatch,
                                               int threads);

} // namespace ranker
