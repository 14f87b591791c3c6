#pragma once

#include "core/model.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ranker {

struct Dataset;

enum class TiePolicy { Hinge, Skip };
enum class KeepPolicy { Auto, Best, Last };
enum class RunEnd { Completed, Cancelled, Diverged };

const char *toString(TiePolicy policy);
const char *toString(KeepPolicy policy);
const char *toString(RunEnd end);
TiePolicy tiePolicyFromString(const std::string &name);   ///< @throw Error
KeepPolicy keepPolicyFromString(const std::string &name); ///< @throw Error

/// The seed guide's hyperparameters at its defaults, plus the engine's extras.
struct TrainConfig
{
    std::string name = "pairwise_ranker";
    int embeddingDim = 1536;
    int hiddenDim = 256;
    double learningRate = 0.001;
    int batchSize = 32;
    int epochs = 50;
    double margin = 1.0;
    double valSplit = 0.2;
    uint64_t seed = 42;
    std::string device = "auto";
    TiePolicy ties = TiePolicy::Hinge;
    KeepPolicy keep = KeepPolicy::Auto;
    int threads = 0; ///< 0: LibTorch's default
    double dropout = 0.2;

    /// @throw Error naming the first setting out of range.
    void validate() const;
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct EpochReport
{
    int epoch = 0;  ///< 1-based, counting epochs of a resumed checkpoint too
    int epochs = 0; ///< the last epoch this run will reach
    double trainLoss = kNaN;
    double valLoss = kNaN;
    double trainAccuracy = kNaN; ///< decisive pairs ordered right, during the epoch's passes
    double valAccuracy = kNaN;
    double valTieAgreement = kNaN; ///< share of validation ties with |score_diff| < margin
    double seconds = 0;      ///< the whole epoch, validation included
    double trainSeconds = 0; ///< the training passes alone
    double pairsPerSecond = 0;
};

struct BatchReport
{
    int epoch = 0;
    int batch = 0; ///< 1-based within the epoch
    int batches = 0;
    double loss = 0;
    double runningLoss = 0; ///< mean over the epoch's batches so far
};

/// Receives progress from the trainer, on the trainer's thread. Each method may ask to stop.
class TrainingObserver
{
public:
    virtual ~TrainingObserver() = default;
    virtual void onEpoch(const EpochReport &) {}
    virtual void onBatch(const BatchReport &) {}
    virtual void onLog(const std::string &) {}
    /// Polled before every batch; true stops the run as cancelled.
    virtual bool stopRequested() { return false; }
};

struct TrainResult
{
    RunEnd end = RunEnd::Completed;
    std::string message; ///< why it ended, for a person
    std::string device;
    int threads = 0;
    int firstEpoch = 1;      ///< 1 for a fresh run, checkpoint epoch + 1 when resumed
    int epochsRequested = 0; ///< epochs this run was asked for
    int epochsCompleted = 0; ///< epochs finished in total (resumed ones included)
    int keptEpoch = 0;       ///< the epoch whose weights were kept (0: the initial weights)
    KeepPolicy keep = KeepPolicy::Last;
    std::vector<EpochReport> history; ///< this run's epochs
    std::vector<double> lossHistory;  ///< train loss of every epoch, resumed ones first
    std::vector<double> valLossHistory;
    double seconds = 0;
    int64_t trainPairs = 0; ///< pairs in the training split that enter the loss
    int64_t valPairs = 0;
    std::vector<int32_t> trainPairIndices; ///< into Dataset::pairs
    std::vector<int32_t> valPairIndices;
    Checkpoint checkpoint; ///< the kept weights, optimizer state, histories
};

/// The seeded split of pairs into training and validation indices (validation first in the
/// permutation). Deterministic for a seed; independent of LibTorch.
void splitPairs(int64_t pairCount, double valSplit, uint64_t seed, std::vector<int32_t> &train,
                std::vector<int32_t> &val);

/**
 * Trains a ranker on `ds` (or continues `resume`). Never throws for a diverged or cancelled run:
 * those end with RunEnd set and the last good weights kept.
 * @throw Error for bad settings, a dataset without trainable pairs, or a resume checkpoint whose
 *        feature layout does not fit the dataset.
 */
TrainResult train(const Dataset &ds, const TrainConfig &config, TrainingObserver &observer,
                  const Checkpoint *resume = nullptr);

} // namespace ranker
