#include "core/metadata.h"

#include "core/dataset.h"
#include "core/model.h"
#include "core/trainer.h"
#include "core/version.h"

#include <cmath>
#include <ctime>

namespace ranker {

namespace {

nlohmann::json numberOrNull(double value)
{
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

template <typename Get>
nlohmann::json series(const std::vector<EpochReport> &history, Get get)
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

nlohmann::json buildMetadata(const Dataset &ds, const LoadOptions &load, const TrainConfig &config,
                             const TrainResult &r, const RunFiles &files, const std::string &createdAt)
{
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
    m["training_time"] = r.seconds;
    m["loss_history"] = r.lossHistory;

    m["format_version"] = kMetadataFormatVersion;
    m["created_at"] = createdAt;
    m["app"] = {{"name", "ranker-studio"}, {"version", RANKER_VERSION}};
    m["libtorch_version"] = device.libtorchVersion;
    m["libtorch_path"] = device.libtorchPath;
    m["cuda_available"] = device.cudaAvailable;
    m["device"] = r.device;
    m["threads"] = r.threads;
    m["seed"] = config.seed;
    m["val_split"] = config.valSplit;
    m["tie_policy"] = toString(config.ties);
    m["keep"] = toString(r.keep);
    m["dropout"] = config.dropout;
    m["embedding_dim"] = layout.embeddingDim;
    m["first_epoch"] = r.firstEpoch;
    m["epochs_completed"] = r.epochsCompleted;
    m["ended"] = toString(r.end);
    m["end_message"] = r.message;
    m["kept_epoch"] = r.keptEpoch;
    // The epoch with the lowest validation loss (null without a validation split); with --keep last
    // it can differ from kept_epoch.
    int bestEpoch = 0;
    double lowestValLoss = kNaN;
    for (const EpochReport &e : r.history)
        if (std::isfinite(e.valLoss) && !(e.valLoss >= lowestValLoss)) {
            lowestValLoss = e.valLoss;
            bestEpoch = e.epoch;
        }
    m["best_epoch"] = bestEpoch > 0 ? nlohmann::json(bestEpoch) : nlohmann::json(nullptr);
    m["val_loss_history"] = nlohmann::json::array();
    for (double v : r.valLossHistory)
        m["val_loss_history"].push_back(numberOrNull(v));
    nlohmann::json epochs;
    epochs["epoch"] = nlohmann::json::array();
    for (const EpochReport &e : r.history)
        epochs["epoch"].push_back(e.epoch);
    epochs["train_loss"] = series(r.history, [](const EpochReport &e) { return e.trainLoss; });
    epochs["val_loss"] = series(r.history, [](const EpochReport &e) { return e.valLoss; });
    epochs["train_accuracy"] = series(r.history, [](const EpochReport &e) { return e.trainAccuracy; });
    epochs["val_accuracy"] = series(r.history, [](const EpochReport &e) { return e.valAccuracy; });
    epochs["val_tie_agreement"] = series(r.history, [](const EpochReport &e) { return e.valTieAgreement; });
    epochs["seconds"] = series(r.history, [](const EpochReport &e) { return e.seconds; });
    epochs["pairs_per_second"] = series(r.history, [](const EpochReport &e) { return e.pairsPerSecond; });
    m["per_epoch"] = epochs;
    double bestValAccuracy = kNaN, finalValAccuracy = kNaN, finalTrainAccuracy = kNaN;
    for (const EpochReport &e : r.history) {
        if (std::isfinite(e.valAccuracy) && !(e.valAccuracy <= bestValAccuracy))
            bestValAccuracy = e.valAccuracy;
        finalValAccuracy = e.valAccuracy;
        finalTrainAccuracy = e.trainAccuracy;
    }
    m["best_val_accuracy"] = numberOrNull(bestValAccuracy);
    m["final_val_accuracy"] = numberOrNull(finalValAccuracy);
    m["final_train_accuracy"] = numberOrNull(finalTrainAccuracy);
    m["final_train_loss"] = r.lossHistory.empty() ? nlohmann::json(nullptr) : numberOrNull(r.lossHistory.back());
    double bestValLoss = kNaN;
    for (const EpochReport &e : r.history)
        if (e.epoch == r.keptEpoch)
            bestValLoss = e.valLoss;
    m["kept_val_loss"] = numberOrNull(bestValLoss);

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
                    {"val_pairs", r.valPairs}};
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
