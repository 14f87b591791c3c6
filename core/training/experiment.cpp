#include "core/training/experiment.h"

#include "core/dataset.h"
#include "core/error.h"
#include "core/evaluate.h"
#include "core/metadata.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace ranker {

namespace {

/// Tags the reports of one training run with its fold or refit phase and passes them on.
class PhaseObserver final : public TrainingObserver
{
public:
    PhaseObserver(TrainingObserver &target, int fold, bool refit) : m_target(target), m_fold(fold), m_refit(refit) {}

    void onPhase(const PhaseReport &report) override { m_target.onPhase(report); }
    void onEpoch(const EpochReport &report) override
    {
        EpochReport tagged = report;
        tagged.fold = m_fold;
        tagged.refit = m_refit;
        m_target.onEpoch(tagged);
    }
    void onBatch(const BatchReport &report) override
    {
        BatchReport tagged = report;
        tagged.fold = m_fold;
        tagged.refit = m_refit;
        m_target.onBatch(tagged);
    }
    void onLog(const std::string &text) override
    {
        m_target.onLog(m_fold > 0 ? "fold " + std::to_string(m_fold) + ": " + text : m_refit ? "refit: " + text : text);
    }
    bool stopRequested() override { return m_target.stopRequested(); }

private:
    TrainingObserver &m_target;
    int m_fold = 0;
    bool m_refit = false;
};

FoldSummary summarise(const TrainResult &r, int fold)
{
    FoldSummary f;
    f.fold = fold;
    f.heldOutItems = r.heldOutItems;
    f.trainPairs = r.trainPairs;
    f.valPairs = r.valPairs;
    f.crossPairs = r.crossPairs;
    f.end = r.end;
    f.stoppedEarly = r.stoppedEarly;
    f.bestEpoch = r.bestEpoch;
    f.epochsCompleted = r.epochsCompleted;
    for (const EpochReport &e : r.history)
        if (e.epoch == r.bestEpoch)
            f.best = e;
    f.history = r.history;
    return f;
}

template <typename Get> MeanStd foldFigure(const std::vector<FoldSummary> &folds, Get get)
{
    std::vector<double> values;
    for (const FoldSummary &f : folds)
        values.push_back(get(f));
    return meanStd(values);
}

/// The refit's settings: every pair, no validation, the chosen epoch count, the last epoch kept.
TrainConfig refitConfig(const TrainConfig &config, int epochs)
{
    TrainConfig c = config;
    c.epochs = epochs;
    c.valSplit = 0;
    c.patience = 0;
    c.keep = KeepPolicy::Last;
    return c;
}

void notePhase(TrainingObserver &observer, PhaseReport::Kind kind, int fold, int folds, int first, int last)
{
    PhaseReport p;
    p.kind = kind;
    p.fold = fold;
    p.folds = folds;
    p.firstEpoch = first;
    p.lastEpoch = last;
    observer.onPhase(p);
}

/// The refit on every pair for `epochs` epochs; sets the experiment's ending from it. A stopped or
/// diverged refit is dropped: the last complete model (`fallback`) stays the exported one.
void refitOnAllPairs(Experiment &x, const Dataset &ds, const TrainConfig &config, TrainingObserver &observer,
                     int epochs, const std::string &why)
{
    observer.onLog("refit: training on all " + std::to_string(ds.pairs.size()) + " pairs for " +
                   std::to_string(epochs) + " epochs (" + why + ")");
    notePhase(observer, PhaseReport::Refit, 0, int(x.folds.size()), 1, epochs);
    PhaseObserver tagged(observer, 0, true);
    const DataSplit all = trainOnAll(ds);
    TrainResult refit = train(ds, refitConfig(config, epochs), tagged, nullptr, &all);
    x.refitEpochs = epochs;
    x.seconds += refit.seconds;
    if (refit.end != RunEnd::Completed) {
        x.end = refit.end;
        x.message = "the refit was " + std::string(refit.end == RunEnd::Cancelled ? "stopped" : "diverged") + " (" +
                    refit.message + "); the exported model is the " +
                    (x.folds.empty() ? std::string("validation run's") : "stopped fold's");
        return;
    }
    // Its checkpoint keeps the user's settings, not the refit's internal ones.
    nlohmann::json cfg = toJson(config);
    cfg["hidden_dim"] = refit.checkpoint.weights.hiddenDim;
    cfg["kept_epoch"] = refit.keptEpoch;
    cfg["refit_epochs"] = epochs;
    refit.checkpoint.configJson = cfg.dump();
    x.refit = std::move(refit);
    x.refitted = true;
    x.exported = "refit";
    x.message += "; refit on all pairs for " + std::to_string(epochs) + " epochs";
}

} // namespace

MeanStd meanStd(const std::vector<double> &values)
{
    MeanStd out;
    double sum = 0;
    for (double v : values)
        if (std::isfinite(v)) {
            sum += v;
            ++out.count;
        }
    if (out.count == 0)
        return out;
    out.mean = sum / out.count;
    if (out.count >= 2) {
        double squares = 0;
        for (double v : values)
            if (std::isfinite(v))
                squares += (v - out.mean) * (v - out.mean);
        out.std = std::sqrt(squares / (out.count - 1));
    }
    return out;
}

MeanStd Experiment::foldValAccuracy() const
{
    return foldFigure(folds, [](const FoldSummary &f) { return f.best.valAccuracy; });
}

MeanStd Experiment::foldValLoss() const
{
    return foldFigure(folds, [](const FoldSummary &f) { return f.best.valLoss; });
}

MeanStd Experiment::foldBestEpoch() const
{
    return foldFigure(folds, [](const FoldSummary &f) { return f.bestEpoch > 0 ? double(f.bestEpoch) : kNaN; });
}

MeanStd Experiment::foldCrossAccuracy() const
{
    return foldFigure(folds, [](const FoldSummary &f) { return f.best.crossAccuracy; });
}

Experiment runExperiment(const Dataset &ds, const TrainConfig &config, TrainingObserver &observer,
                         const Checkpoint *resume)
{
    config.validate();
    if (resume && config.cvFolds > 0)
        throw Error("--resume continues one model: it cannot be combined with --cv or --refit, which train new "
                    "models from scratch");
    // The default refit does not apply to a continued run: it keeps training its own model (the
    // command line refuses --refit asked for by name with --resume).
    if (resume && config.refit)
        observer.onLog("refit skipped: a continued run keeps training its own model");
    Experiment x;
    x.exported = "run";
    x.foldsAsked = config.cvFolds;

    if (config.cvFolds >= 2) {
        const std::vector<DataSplit> folds = itemFolds(ds, config.cvFolds, config.seed);
        int64_t pooled = 0;
        for (const DataSplit &f : folds)
            pooled += decisiveCount(ds, f.val);
        if (pooled < kFewValidationPairs)
            throw Error(ds.path + ": " + std::to_string(config.cvFolds) + " folds over its " +
                        std::to_string(ds.items.size()) + " items leave " + std::to_string(pooled) +
                        " validation pairs whose two items are unseen, too few to measure anything: the dataset "
                        "needs more pairs per item, or fewer folds");
        for (const DataSplit &split : folds) {
            TrainConfig foldConfig = config;
            foldConfig.keep = KeepPolicy::Best;
            notePhase(observer, PhaseReport::Fold, split.fold, config.cvFolds, 1, config.epochs);
            PhaseObserver tagged(observer, split.fold, false);
            TrainResult r = train(ds, foldConfig, tagged, nullptr, &split);
            x.seconds += r.seconds;
            const bool complete = r.end == RunEnd::Completed;
            if (complete) {
                x.folds.push_back(summarise(r, split.fold));
                const std::vector<double> diffs = scoreDiffs(RankerModel(r.checkpoint.weights), ds, split.val);
                x.outOfFoldPairs.insert(x.outOfFoldPairs.end(), split.val.begin(), split.val.end());
                x.outOfFoldDiffs.insert(x.outOfFoldDiffs.end(), diffs.begin(), diffs.end());
            }
            if (!complete) {
                // Stopped or diverged: keep what this fold has, report the folds that finished.
                x.end = r.end;
                x.message = "fold " + std::to_string(split.fold) + " of " + std::to_string(config.cvFolds) + " " +
                            r.message + "; " + std::to_string(x.folds.size()) + " folds finished";
                x.run = std::move(r);
                x.exported = "fold " + std::to_string(split.fold);
                return x;
            }
            x.run = std::move(r);
        }
        const MeanStd bestEpoch = x.foldBestEpoch();
        const int epochs = std::max(1, int(std::lround(bestEpoch.mean)));
        x.message = "cross-validated " + std::to_string(config.cvFolds) + " folds";
        refitOnAllPairs(x, ds, config, observer, epochs, "the folds' mean best epoch");
        if (!x.refitted)
            x.exported = "fold " + std::to_string(config.cvFolds);
        return x;
    }

    notePhase(observer, PhaseReport::Train, 0, 0, resume ? resume->epoch + 1 : 1,
              (resume ? resume->epoch : 0) + config.epochs);
    x.run = train(ds, config, observer, resume);
    x.seconds += x.run.seconds;
    x.end = x.run.end;
    x.message = x.run.message;
    if (!config.refit || resume || x.run.end != RunEnd::Completed)
        return x;
    if (x.run.valPairs == 0) {
        observer.onLog("refit skipped: without a validation split the run already trained on every pair");
        return x;
    }
    const int chosen = x.run.keep == KeepPolicy::Best ? x.run.bestEpoch : x.run.epochsCompleted;
    refitOnAllPairs(x, ds, config, observer, std::max(1, chosen),
                    x.run.keep == KeepPolicy::Best ? "the validation run's best epoch" : "the validation run's length");
    return x;
}

} // namespace ranker
