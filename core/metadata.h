#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ranker {

struct Dataset;
struct TrainConfig;
struct TrainResult;
struct LoadOptions;
struct Experiment;

/// 2: validation by items, cross-validation, refit, test file, verdict; kept_* keys; the .pth holds
/// the kept epoch's state.
constexpr int kMetadataFormatVersion = 2;

/// The configuration as the metadata and the checkpoint store it (the CLI's flag names, in snake_case).
nlohmann::json toJson(const TrainConfig &config);

/// Fills `config` from toJson()'s form; keys it lacks keep their current values.
void fromJson(const nlohmann::json &json, TrainConfig &config);

/// File names of a run's outputs: the three of the seed guide, then the deployment kit.
struct RunFiles
{
    std::string pth, onnx, metadata;     ///< file names, not paths
    std::string features, module, types; ///< NAME.features.json, NAME.ranker.mjs, NAME.ranker.d.mts
    static RunFiles forName(const std::string &name);
};

/**
 * The run's metadata: the seed's keys (model_name, input_dim, hidden_dim, learning_rate,
 * batch_size, epochs, margin, dataset_size, training_time, loss_history — the exported model's
 * train loss per epoch) and everything DESIGN.md adds (versions, device, per-epoch figures, the
 * kept epoch and its figures, the validation block with what it was measured on, the folds, the
 * refit, dataset, feature layout, …). The pipeline adds the evaluation, test, scores and verdict.
 */
nlohmann::json buildMetadata(const Dataset &ds, const LoadOptions &load, const TrainConfig &config,
                             const Experiment &experiment, const RunFiles &files, const std::string &createdAt);

/// The per-epoch block of the metadata ("per_epoch") for a run's epoch reports.
nlohmann::json perEpochJson(const std::vector<struct EpochReport> &history);

/// Current UTC time as ISO 8601 ("2026-11-25T09:30:59Z").
std::string isoTimestampUtc();

} // namespace ranker
