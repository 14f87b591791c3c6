#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace ranker {

struct Dataset;
struct TrainConfig;
struct TrainResult;
struct LoadOptions;

constexpr int kMetadataFormatVersion = 1;

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
 * batch_size, epochs, margin, dataset_size, training_time, loss_history) and everything
 * DESIGN.md adds (versions, device, per-epoch figures, best epoch, dataset, feature layout, …).
 */
nlohmann::json buildMetadata(const Dataset &ds, const LoadOptions &load, const TrainConfig &config,
                             const TrainResult &result, const RunFiles &files, const std::string &createdAt);

/// Current UTC time as ISO 8601 ("2026-11-25T09:30:59Z").
std::string isoTimestampUtc();

} // namespace ranker
