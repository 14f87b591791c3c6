#pragma once

#include "core/dataset.h"
#include "core/trainer.h"

#include <nlohmann/json.hpp>

#include <string>

namespace ranker {

struct PipelineRequest
{
    std::string input;     ///< the JSONL dataset
    std::string outputDir; ///< the run folder the three files go to (created if missing)
    LoadOptions load;
    TrainConfig train;
    std::string resumePath; ///< a .pth to continue from, or empty
};

/// Progress of a whole run. Stages: "loading", "training", "exporting".
class PipelineObserver : public TrainingObserver
{
public:
    virtual void onStage(const std::string &) {}
    virtual void onLoadProgress(uint64_t /*done*/, uint64_t /*total*/) {}
    virtual void onDatasetLoaded(const Dataset &) {}
};

struct PipelineResult
{
    TrainResult train;
    std::string runDir;
    std::string pthPath, onnxPath, metadataPath;
    nlohmann::json metadata;
};

/**
 * Load → train → export → metadata: the one pipeline that ranker-train and the studio share.
 * A cancelled or diverged run is still exported (with what finished) and says so in its metadata.
 * @throw Error for bad input, bad settings or an output folder that cannot be written (checked
 *        before training starts); Cancelled when stopped while loading.
 */
PipelineResult runPipeline(const PipelineRequest &request, PipelineObserver &observer);

/// The same, on a dataset already loaded (the studio's). `request.input` is not read again.
PipelineResult runPipeline(const Dataset &ds, const PipelineRequest &request, PipelineObserver &observer);

/// A new, unique run folder name under WORKSPACE/runs: YYYYMMDD-HHMMSS-NAME (local time).
std::string newRunFolder(const std::string &workspace, const std::string &name);

/// Creates `dir` (and parents) and checks a file can be written there. @throw Error naming it.
void ensureWritableFolder(const std::string &dir);

} // namespace ranker
