#pragma once
// One experiment: the training runs that make one exported model and the figures that say how
// good it is — a run validated on held-out items, K cross-validation folds, and the refit on
// every pair. No LibTorch here: it calls train() for each run.

#include "core/trainer.h"

#include <string>
#include <vector>

namespace ranker {

struct Dataset;

/// What a cross-validation fold left: its figures, not its weights.
struct FoldSummary
{
    int fold = 0;
    int64_t heldOutItems = 0;
    int64_t trainPairs = 0, valPairs = 0, crossPairs = 0;
    RunEnd end = RunEnd::Completed;
    bool stoppedEarly = false;
    int bestEpoch = 0; ///< lowest validation loss
    int epochsCompleted = 0;
    EpochReport best; ///< the figures of that epoch
    std::vector<EpochReport> history;
};

/// Mean and sample standard deviation (NaN values left out; std NaN for fewer than two).
struct MeanStd
{
    double mean = kNaN;
    double std = kNaN;
    int count = 0;
};
MeanStd meanStd(const std::vector<double> &values);

struct Experiment
{
    /// The plain run: validated on its split (or on none). For a cross-validation experiment,
    /// the fold in progress when it was stopped, if it was.
    TrainResult run;
    std::vector<FoldSummary> folds; ///< cross-validation (empty: none)
    /// Every fold's held-out pairs scored by that fold's model ("out of fold"), pooled.
    std::vector<int32_t> outOfFoldPairs;
    std::vector<double> outOfFoldDiffs;
    int foldsAsked = 0;
    bool refitted = false;
    int refitEpochs = 0; ///< the epoch count validation chose for the refit
    TrainResult refit;   ///< the final fit on every pair, when refitted

    RunEnd end = RunEnd::Completed;
    double seconds = 0;   ///< every training run of it together
    std::string message;  ///< how the experiment ended, for a person
    std::string exported; ///< which model the run's files hold: "run", "refit" or "fold N"

    /// The run whose checkpoint is exported.
    const TrainResult &exportedRun() const { return refitted ? refit : run; }
    MeanStd foldValAccuracy() const;
    MeanStd foldValLoss() const;
    MeanStd foldBestEpoch() const;
    MeanStd foldCrossAccuracy() const;
};

/**
 * Trains what `config` asks for: one run on its validation split; with `cvFolds` ≥ 2, one run per
 * item-grouped fold then a refit on every pair for the folds' mean best epoch; with `refit`, the
 * run then a refit on every pair for the run's best epoch. Stopping or divergence ends it with
 * the last complete model kept (the run's when a refit is stopped).
 * @throw Error as train() does, and for --cv/--refit with --resume, or folds whose pooled
 *        validation pairs are too few.
 */
Experiment runExperiment(const Dataset &ds, const TrainConfig &config, TrainingObserver &observer,
                         const Checkpoint *resume = nullptr);

} // namespace ranker
