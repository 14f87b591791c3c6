#include "core/metadata.h"

#include "core/dataset.h"
#include "core/model.h"
#include "core/trainer.h"
#include "core/training/experiment.h"
#include "core/version.h"

#include <cmath>
#include <ctime>

namespace ranker {

namespace {

nlohmann::json numberOrNull(double value)
{
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

template <typename Get> nlohmann::json series(const std::vector<EpochReport> &history, Get get)
{
    nlohmann::json out = nlohmann::json::array();
    for (const EpochReport &r : history)
        out.push_back(numberOrNull(get(r)));
    return out;
}

std::string fileName(const std::string &path)
{
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

RunFiles RunFiles::forName(const std::string &name)
{
    return {name + ".pth",           name + ".onnx",       name + "_metadata.json",
            name + ".features.json", name + ".ranker.mjs", name + ".ranker.d.mts"};
}

nlohmann::json perEpochJson(const std::vector<EpochReport> &history)
{
    nlohmann::json epochs;
    epochs["epoch"] = nlohmann::json::array();
    for (const EpochReport &e : history)
        epochs["epoch"].push_back(e.epoch);
    epochs["train_loss"] = series(history, [](const EpochReport &e) { return e.trainLoss; });
    epochs["val_loss"] = series(history, [](const EpochReport &e) { return e.valLoss; });
    epochs["train_accuracy"] = series(history, [](const EpochReport &e) { return e.trainAccuracy; });
    epochs["val_accuracy"] = series(history, [](const EpochReport &e) { return e.valAccuracy; });
    epochs["val_tie_agreement"] = series(history, [](const EpochReport &e) { return e.valTieAgreement; });
    epochs["cross_loss"] = series(history, [](const EpochReport &e) { return e.crossLoss; });
    epochs["cross_accuracy"] = series(history, [](const EpochReport &e) { return e.crossAccuracy; });
    epochs["seconds"] = series(history, [](const EpochReport &e) { return e.seconds; });
    epochs["pairs_per_second"] = series(history, [](const EpochReport &e) { return e.pairsPerSecond; });
    return epochs;
}

namespace {

nlohmann::json meanStdJson(const MeanStd &m)
{
    return {{"mean", numberOrNull(m.mean)}, {"std", numberOrNull(m.std)}, {"count", m.count}};
}

/// The folds' epochs averaged epoch by epoch (over the folds that reached each epoch): the curve
/// the History shows for a cross-validated run.
std::vector<EpochReport> meanOverFolds(const std::vector<FoldSummary> &folds)
{
    size_t longest = 0;
    for (const FoldSummary &f : folds)
        longest = std::max(longest, f.history.size());
    std::vector<EpochReport> out;
    for (size_t i = 0; i < longest; ++i) {
        EpochReport mean;
        mean.epoch = int(i) + 1;
        auto average = [&](double EpochReport::*field) {
            std::vector<double> values;
            for (const FoldSummary &f : folds)
                if (i < f.history.size())
                    values.push_back(f.history[i].*field);
            return meanStd(values).mean;
        };
        mean.trainLoss = average(&EpochReport::trainLoss);
        mean.valLoss = average(&EpochReport::valLoss);
        mean.trainAccuracy = average(&EpochReport::trainAccuracy);
        mean.valAccuracy = average(&EpochReport::valAccuracy);
        mean.valTieAgreement = average(&EpochReport::valTieAgreement);
        mean.crossLoss = average(&EpochReport::crossLoss);
        mean.crossAccuracy = average(&EpochReport::crossAccuracy);
        mean.seconds = average(&EpochReport::seconds);
        mean.pairsPerSecond = average(&EpochReport::pairsPerSecond);
        out.push_back(mean);
    }
    return out;
}

/// The figures of one epoch report, as the validation block and the folds store them.
void putFigures(nlohmann::json &out, const EpochReport *e)
{
    out["loss"] = numberOrNull(e ? e->valLoss : kNaN);
    out["accuracy"] = numberOrNull(e ? e->valAccuracy : kNaN);
    out["tie_agreement"] = numberOrNull(e ? e->valTieAgreement : kNaN);
    out["cross_accuracy"] = numberOrNull(e ? e->crossAccuracy : kNaN);
    out["train_loss"] = numberOrNull(e ? e->trainLoss : kNaN);
    out["train_accuracy"] = numberOrNull(e ? e->trainAccuracy : kNaN);
}

} // namespace

nlohmann::json buildMetadata(const Dataset &ds, const LoadOptions &load, const TrainConfig &config, const Experiment &x,
                             const RunFiles &files, const std::string &createdAt)
{
    const TrainResult &r = x.exportedRun(); // the model in the files
    const TrainResult &v = x.run;           // the run validated on held-out data (or the stopped fold)
    const bool cv = x.foldsAsked >= 2;
    const FeatureLayout &layout = r.checkpoint.weights.layout;
    const DeviceInfo device = deviceInfo();
    nlohmann::json m;
    // The seed guide's keys first, with its meanings.
    m["model_name"] = config.name;
    m["input_dim"] = layout.featureDim();
    m["hidden_dim"] = r.checkpoint.weights.hiddenDim;
    m["learning_rate"] = config.learningRate;
    m["batch_size"] = config.batchSize;
    m["epochs"] = config.epochs;
    m["margin"] = config.margin;
    m["dataset_size"] = int64_t(ds.pairs.size());
    m["training_time"] = x.seconds; // every run of the experiment: folds, validation run and refit
    m["loss_history"] = r.lossHistory;

    m["format_version"] = kMetadataFormatVersion;
    m["created_at"] = createdAt;
    m["app"] = {{"name", "ranker-studio"}, {"version", RANKER_VERSION}};
    m["libtorch_version"] = device.libtorchVersion;
    m["libtorch_path"] = device.libtorchPath;
    m["cuda_available"] = device.cudaAvailable;
    m["device"] = r.device;
    m["threads"] = r.threads;
    // Why that many (--threads 0: the fastest, measured once per machine and shape class), and which
    // path computed the steps: the fast CPU path and LibTorch agree within float rounding only.
    m["threads_source"] = r.threadsSource;
    m["threads_asked"] = config.threads;
    if (!r.threadsSecondsPerStep.empty()) {
        nlohmann::json perStep = nlohmann::json::object();
        for (const auto &[threads, seconds] : r.threadsSecondsPerStep)
            perStep[std::to_string(threads)] = seconds;
        m["threads_calibration"] = {{"shape_class", r.threadsShapeClass}, {"seconds_per_step", perStep}};
    }
    m["training_path"] = r.trainingPath;
    m["seed"] = config.seed;
    m["val_split"] = config.valSplit;
    m["val_by"] = (config.valSplit > 0 && v.validationProblem.empty()) || cv ? toString(config.valBy) : "none";
    m["cv_folds"] = config.cvFolds;
    m["tie_policy"] = toString(config.ties);
    m["keep"] = toString(v.keep);
    m["dropout"] = config.dropout;
    m["weight_decay"] = config.weightDecay;
    m["patience"] = config.patience;
    m["config"] = toJson(config); // the settings exactly as asked: what "train again" reuses
    m["embedding_dim"] = layout.embeddingDim;
    m["first_epoch"] = r.firstEpoch;
    m["epochs_completed"] = r.epochsCompleted;
    m["ended"] = toString(x.end);
    m["stopped_early"] = v.stoppedEarly;
    m["end_message"] = x.message;
    m["exported_model"] = x.exported;

    // The kept epoch: the one whose weights are in the .pth and .onnx (and the .pth's `epoch`).
    const EpochReport *kept = r.keptReport();
    m["kept_epoch"] = r.keptEpoch;
    m["kept_train_loss"] = numberOrNull(kept ? kept->trainLoss : kNaN);
    m["kept_train_accuracy"] = numberOrNull(kept ? kept->trainAccuracy : kNaN);
    m["kept_val_loss"] = numberOrNull(kept ? kept->valLoss : kNaN);
    m["kept_val_accuracy"] = numberOrNull(kept ? kept->valAccuracy : kNaN);
    m["kept_cross_accuracy"] = numberOrNull(kept ? kept->crossAccuracy : kNaN);
    // The epoch with the lowest selection loss (null without validation: validation.epoch_chosen_by
    // says which pairs chose it); with --keep last it can differ from kept_epoch.
    m["best_epoch"] = v.bestEpoch > 0 ? nlohmann::json(v.bestEpoch) : nlohmann::json(nullptr);
    m["val_loss_history"] = nlohmann::json::array();
    for (double value : v.valLossHistory)
        m["val_loss_history"].push_back(numberOrNull(value));
    const std::vector<EpochReport> shown = cv && !x.folds.empty() ? meanOverFolds(x.folds) : v.history;
    m["per_epoch"] = perEpochJson(shown);
    m["per_epoch_of"] = cv ? "mean over the folds" : "the validation run";
    double bestValAccuracy = kNaN, finalValAccuracy = kNaN, finalTrainAccuracy = kNaN;
    for (const EpochReport &e : shown) {
        if (std::isfinite(e.valAccuracy) && !(e.valAccuracy <= bestValAccuracy))
            bestValAccuracy = e.valAccuracy;
        finalValAccuracy = e.valAccuracy;
        finalTrainAccuracy = e.trainAccuracy;
    }
    // The highest validation accuracy of any epoch: chosen after the fact, so it reads high; kept for
    // older readers. The product shows the kept epoch's figures (kept_*, validation.accuracy).
    m["best_val_accuracy"] = numberOrNull(bestValAccuracy);
    m["final_val_accuracy"] = numberOrNull(finalValAccuracy);
    m["final_train_accuracy"] = numberOrNull(finalTrainAccuracy);
    m["final_train_loss"] = r.lossHistory.empty() ? nlohmann::json(nullptr) : numberOrNull(r.lossHistory.back());

    // What the quality figure was measured on.
    nlohmann::json val;
    val["by"] = cv || (config.valSplit > 0 && v.validationProblem.empty()) ? toString(config.valBy) : "none";
    if (cv)
        val["by"] = "items";
    if (!v.validationProblem.empty())
        val["problem"] = v.validationProblem;
    val["cross_validation"] = cv;
    val["optimistic"] = !cv && config.valSplit > 0 && config.valBy == ValidationBy::Pairs;
    val["share"] = cv ? 1.0 / double(config.cvFolds) : config.valSplit;
    val["held_out_items"] = v.heldOutItems;
    val["train_pairs"] = v.trainPairs;
    val["val_pairs"] = v.valPairs;
    val["val_decisive_pairs"] = decisiveCount(ds, v.valPairIndices);
    val["cross_pairs"] = v.crossPairs;
    const EpochReport *measured = nullptr;
    if (!cv) {
        // Plain run: the exported model's own epoch. Refit: the validation run's kept epoch, which
        // chose the refit's length.
        measured = v.keptReport();
        val["epoch"] = v.keptEpoch;
        val["of"] = x.refitted ? "the validation run before the refit" : "exported model";
    } else {
        val["of"] = "the folds, each on its own held-out items";
    }
    putFigures(val, measured);
    val["epoch_chosen_by"] = v.selectedBy.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.selectedBy);
    const int64_t decisive = decisiveCount(ds, v.valPairIndices);
    val["accuracy_interval"] = numberOrNull(
        accuracyHalfInterval(v.valBy == ValidationBy::Items ? effectivePairs(decisive, v.heldOutItems) : decisive));
    m["validation"] = val;

    if (cv) {
        nlohmann::json c;
        c["folds"] = x.foldsAsked;
        c["finished"] = int(x.folds.size());
        nlohmann::json perFold = nlohmann::json::array();
        for (const FoldSummary &f : x.folds) {
            nlohmann::json fold = {{"fold", f.fold},
                                   {"held_out_items", f.heldOutItems},
                                   {"train_pairs", f.trainPairs},
                                   {"val_pairs", f.valPairs},
                                   {"cross_pairs", f.crossPairs},
                                   {"best_epoch", f.bestEpoch},
                                   {"epochs_completed", f.epochsCompleted},
                                   {"stopped_early", f.stoppedEarly}};
            putFigures(fold, &f.best);
            fold["per_epoch"] = perEpochJson(f.history);
            perFold.push_back(fold);
        }
        c["per_fold"] = perFold;
        c["val_accuracy"] = meanStdJson(x.foldValAccuracy());
        c["val_loss"] = meanStdJson(x.foldValLoss());
        c["best_epoch"] = meanStdJson(x.foldBestEpoch());
        c["cross_accuracy"] = meanStdJson(x.foldCrossAccuracy());
        int64_t decisive = 0, correct = 0;
        for (size_t k = 0; k < x.outOfFoldPairs.size(); ++k) {
            const int label = ds.pairs[size_t(x.outOfFoldPairs[k])].label;
            if (label != 0) {
                ++decisive;
                correct += x.outOfFoldDiffs[k] * label > 0;
            }
        }
        c["pooled"] = {
            {"pairs", int64_t(x.outOfFoldPairs.size())},
            {"decisive", decisive},
            {"accuracy", decisive > 0 ? nlohmann::json(double(correct) / double(decisive)) : nlohmann::json(nullptr)}};
        c["exported"] = x.refitted ? "refit on all pairs for the folds' mean best epoch" : x.exported;
        m["cv"] = c;
    } else {
        m["cv"] = nullptr;
    }

    if (x.refitted) {
        double refitAccuracy = kNaN;
        if (!r.history.empty())
            refitAccuracy = r.history.back().trainAccuracy;
        m["refit"] = {
            {"epochs", x.refitEpochs},
            {"chosen_by", cv ? "the folds' mean best epoch" : "the validation run's best epoch"},
            {"pairs", r.trainPairs},
            {"loss_history", r.lossHistory},
            {"final_train_loss", r.lossHistory.empty() ? nlohmann::json(nullptr) : numberOrNull(r.lossHistory.back())},
            {"final_train_accuracy", numberOrNull(refitAccuracy)},
            {"seconds", r.seconds},
            {"per_epoch", perEpochJson(r.history)}};
    } else {
        m["refit"] = nullptr;
    }

    nlohmann::json labels = {{"1", ds.labelCount(1)}, {"0", ds.labelCount(0)}, {"-1", ds.labelCount(-1)}};
    nlohmann::json skippedByReason = nlohmann::json::object();
    for (const auto &entry : ds.skippedByKind())
        skippedByReason[entry.first] = entry.second;
    nlohmann::json itemTypes = nlohmann::json::object();
    for (const auto &entry : ds.itemTypeCounts())
        itemTypes[entry.first.empty() ? "(none)" : entry.first] = entry.second;
    m["dataset"] = {{"path", ds.path},
                    {"file_name", fileName(ds.path)},
                    {"sha256", ds.sha256},
                    {"bytes", ds.fileBytes},
                    {"rows", ds.rows()},
                    {"valid_pairs", int64_t(ds.pairs.size())},
                    {"skipped_lines", int64_t(ds.skipped.size())},
                    {"skipped_by_reason", skippedByReason},
                    {"warnings", int64_t(ds.warnings.size())},
                    {"label_counts", labels},
                    {"item_types", itemTypes},
                    {"unique_items", int64_t(ds.items.size())},
                    {"items_without_embedding", ds.itemsWithoutEmbedding},
                    {"embeddings_file", load.embeddingsPath},
                    {"train_pairs", r.trainPairs},
                    {"val_pairs", v.valPairs}};
    std::vector<float> metricMean(layout.mean.begin() + layout.embeddingDim, layout.mean.end());
    std::vector<float> metricStd(layout.std.begin() + layout.embeddingDim, layout.std.end());
    m["feature_layout"] = {{"embedding_dim", layout.embeddingDim},
                           {"metric_names", layout.metricNames},
                           {"metric_mean", metricMean},
                           {"metric_std", metricStd},
                           {"input_dim", layout.featureDim()},
                           {"order", "embedding values, then metrics sorted by name"}};
    m["files"] = {{"pth", files.pth},           {"onnx", files.onnx},     {"metadata", files.metadata},
                  {"features", files.features}, {"module", files.module}, {"types", files.types}};
    return m;
}

} // namespace ranker
