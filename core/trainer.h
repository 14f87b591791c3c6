#pragma once

#include "core/model.h"
#include "core/training/split.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace ranker {

struct Dataset;

enum class TiePolicy { Hinge, Skip };
enum class KeepPolicy { Auto, Best, Last };
enum class RunEnd { Completed, Cancelled, Diverged };
/// How steps are computed. Auto: the fast CPU path (core/training/fast_mlp.h) on the CPU, LibTorch
/// on CUDA. The two give the same results within float rounding, but not bit for bit, and their
/// dropout masks come from different generators.
enum class TrainingPath { Auto, LibTorch, Fast };

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
    /// Share of items (or pairs) held out; 0: no validation. 0.3, measured (bench/quality.py): at
    /// 0.2 the figure overstated unseen-item accuracy by +0.034 on the noisy set, at 0.3 by ±0.02.
    double valSplit = 0.3;
    ValidationBy valBy = ValidationBy::Items;
    uint64_t seed = 42;
    std::string device = "auto";
    TiePolicy ties = TiePolicy::Hinge;
    KeepPolicy keep = KeepPolicy::Auto;
    int threads = 0; ///< 0: the fastest for this machine and shape (measured once, cached)
    double dropout = 0.2;
    double weightDecay = 0; ///< Adam's L2 penalty, as torch.optim.Adam(weight_decay=…)
    int patience = 5;       ///< stop after this many epochs without a lower validation loss (0: never)
    /// After validation has chosen the epoch count, train again on every pair for that many
    /// epochs and export that model. On by default (measured: it wins back the held-out pairs,
    /// +0.004 to +0.012 on unseen items); a continued run (--resume) never refits.
    bool refit = true;
    int cvFolds = 0; ///< K ≥ 2: K item-grouped folds, then a refit on every pair (0: off)
    /// Not part of the saved configuration: for tests and comparisons. A fast path asked for on
    /// CUDA takes LibTorch.
    TrainingPath path = TrainingPath::Auto;

    /// @throw Error naming the first setting out of range.
    void validate() const;
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct EpochReport
{
    int epoch = 0;      ///< 1-based, counting epochs of a resumed checkpoint too
    int epochs = 0;     ///< the last epoch this run will reach
    int fold = 0;       ///< 1..K during cross-validation, 0 otherwise
    bool refit = false; ///< an epoch of the final fit on every pair (no validation)
    double trainLoss = kNaN;
    double valLoss = kNaN;
    double trainAccuracy = kNaN; ///< decisive pairs ordered right, during the epoch's passes
    double valAccuracy = kNaN;
    double valTieAgreement = kNaN; ///< share of validation ties with |score_diff| < margin
    /// Pairs with one held-out item ("one new item"), under an item split: neither trained on
    /// nor part of the validation figure.
    double crossLoss = kNaN;
    double crossAccuracy = kNaN;
    double seconds = 0;      ///< the whole epoch, validation included
    double trainSeconds = 0; ///< the training passes alone
    double pairsPerSecond = 0;
};

struct BatchReport
{
    int fold = 0;
    bool refit = false;
    int epoch = 0;
    int batch = 0; ///< 1-based within the epoch
    int batches = 0;
    double loss = 0;
    double runningLoss = 0; ///< mean over the epoch's batches so far
};

/// A training run within a run: the plain one, a cross-validation fold, or the final refit.
struct PhaseReport
{
    enum Kind { Train, Fold, Refit };
    Kind kind = Train;
    int fold = 0;  ///< 1..folds for a fold
    int folds = 0; ///< K during cross-validation
    int firstEpoch = 1;
    int lastEpoch = 1;
};

/// Receives progress from the trainer, on the trainer's thread. Each method may ask to stop.
class TrainingObserver
{
public:
    virtual ~TrainingObserver() = default;
    /// A new training run starts (before its first batch).
    virtual void onPhase(const PhaseReport &) {}
    virtual void onEpoch(const EpochReport &) {}
    virtual void onBatch(const BatchReport &) {}
    virtual void onLog(const std::string &) {}
    /// Polled before every batch; true stops the run as cancelled.
    virtual bool stopRequested() { return false; }
};

struct TrainResult
{
    RunEnd end = RunEnd::Completed;
    bool stoppedEarly = false; ///< completed, but ended by --patience before the last epoch
    std::string message;       ///< why it ended, for a person
    std::string device;
    int threads = 0;
    /// Why that many: "asked", "calibrated", "cached", "OMP_NUM_THREADS", "one CPU" (fast path),
    /// "LibTorch default" (LibTorch path with --threads 0).
    std::string threadsSource;
    std::string threadsShapeClass;                             ///< the calibration's cache key
    std::vector<std::pair<int, double>> threadsSecondsPerStep; ///< the calibration's figures
    std::string trainingPath;                                  ///< "fast" or "libtorch"
    int firstEpoch = 1;                                        ///< 1 for a fresh run, checkpoint epoch + 1 when resumed
    int epochsRequested = 0;                                   ///< epochs this run was asked for
    int epochsCompleted = 0;                                   ///< epochs finished in total (resumed ones included)
    int keptEpoch = 0; ///< the epoch whose weights were kept (0: the initial weights)
    int bestEpoch = 0; ///< the epoch with the lowest selection loss (0: no validation)
    /// What chose bestEpoch (keep best, patience): "one-new-item pairs" under an item split (the
    /// pairs of two held-out items then only report), "validation pairs" under a pair split.
    std::string selectedBy;
    KeepPolicy keep = KeepPolicy::Last;
    std::vector<EpochReport> history; ///< this run's epochs
    std::vector<double> lossHistory;  ///< train loss of every epoch, resumed ones first
    std::vector<double> valLossHistory;
    double seconds = 0;
    int64_t trainPairs = 0; ///< pairs in the training split that enter the loss
    int64_t valPairs = 0;
    int64_t crossPairs = 0;
    ValidationBy valBy = ValidationBy::Items;
    /// Why the run has no validation although it asked for one (too few pairs of held-out items).
    std::string validationProblem;
    int64_t heldOutItems = 0;              ///< under an item split
    std::vector<int32_t> trainPairIndices; ///< into Dataset::pairs
    std::vector<int32_t> valPairIndices;
    std::vector<int32_t> crossPairIndices;
    std::vector<int32_t> trainingItems; ///< items of the training pairs, into Dataset::items
    Checkpoint checkpoint;              ///< the kept weights, optimizer state, histories

    /// The report of the kept epoch, or nullptr when the initial weights were kept.
    const EpochReport *keptReport() const;
};

/**
 * Trains a ranker on `ds` (or continues `resume`), on `split` when given, else on the split
 * `config` asks for (makeSplit()). Never throws for a diverged or cancelled run: those end with
 * RunEnd set and the last good weights kept. The checkpoint holds the kept epoch's state: its
 * weights, Adam moments, epoch number and histories up to it, so a resume continues from there.
 * When the asked item split leaves too few validation pairs (splitProblem()), the run trains on
 * every pair without validation and says why in `validationProblem`.
 * @throw Error for bad settings, a dataset without trainable pairs, or a resume checkpoint whose
 *        feature layout does not fit.
 */
TrainResult train(const Dataset &ds, const TrainConfig &config, TrainingObserver &observer,
                  const Checkpoint *resume = nullptr, const DataSplit *split = nullptr);

} // namespace ranker
