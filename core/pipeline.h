#pragma once

#include "core/dataset.h"
#include "core/trainer.h"

#include "core/error.h"
#include "core/runs/run_folder.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace ranker {

struct Experiment;

struct PipelineRequest
{
    std::string input;     ///< the JSONL dataset
    std::string outputDir; ///< the run folder the three files go to (created if missing)
    LoadOptions load;
    TrainConfig train;
    std::string resumePath; ///< a .pth to continue from, or empty
    /// A JSONL file of pairs whose items the training never sees: the kept model is evaluated on
    /// it after training (read before training, so a bad file fails early).
    std::string testPath;
};

/// Progress of a whole run. Stages: "loading", "loading test file", "training", "evaluating",
/// "exporting".
class PipelineObserver : public TrainingObserver
{
public:
    virtual void onStage(const std::string &) {}
    virtual void onLoadProgress(uint64_t /*done*/, uint64_t /*total*/) {}
    virtual void onDatasetLoaded(const Dataset &) {}
};

struct PipelineResult
{
    TrainResult train; ///< the run whose model was exported (the refit's, when refitted)
    std::string runDir;
    std::string pthPath, onnxPath, metadataPath;
    std::vector<std::string> kitPaths; ///< the deployment kit: NAME.features.json, NAME.ranker.mjs, NAME.ranker.d.mts
    nlohmann::json metadata;
    std::string createdAt; ///< also written into the ONNX graph's metadata
    /// Every training run behind the model (folds, validation run, refit), for callers that show them.
    std::shared_ptr<const Experiment> experiment;
};

/**
 * Training finished, but the run's files could not be written (disk full, folder removed, …).
 * Nothing was written; the trained run is kept in `result` so that writeRunFiles() can put it
 * somewhere else.
 */
class ExportFailed : public Error
{
public:
    ExportFailed(const std::string &message, std::shared_ptr<PipelineResult> trained)
        : Error(message), result(std::move(trained))
    {
    }
    std::shared_ptr<PipelineResult> result;
};

/**
 * Load → train → export → metadata: the one pipeline that ranker-train and the studio share.
 * A cancelled or diverged run is still exported (with what finished) and says so in its metadata.
 * The three files are written together: all of them or none (a previous run's files in the same
 * folder stay as they were when the export fails).
 * @throw Error for bad input, bad settings or an output folder that cannot be written (checked
 *        before training starts); Cancelled when stopped while loading; ExportFailed, holding
 *        the trained run, when training finished but its files could not be written.
 */
PipelineResult runPipeline(const PipelineRequest &request, PipelineObserver &observer);

/// The same, on a dataset already loaded (the studio's). `request.input` is not read again.
PipelineResult runPipeline(const Dataset &ds, const PipelineRequest &request, PipelineObserver &observer);

/**
 * Writes a trained run's `.pth`, `.onnx`, metadata and deployment kit (core/export/deploy_kit.h)
 * into `dir` (created if missing), all of them or none, as one generation (RunFileSet), and points
 * `result`'s paths there.
 * @throw Error naming the file and the reason; files already in `dir` are then untouched.
 */
void writeRunFiles(PipelineResult &result, const std::string &dir);

/// A new, unique run folder name under WORKSPACE/runs: YYYYMMDD-HHMMSS-NAME (local time).
std::string newRunFolder(const std::string &workspace, const std::string &name);

/**
 * Creates `dir` (and parents), checks a file can be written there and that `runName` (when given)
 * can name the run's files (checkRunName()), and locks `dir` against a second writer.
 * @return the lock: hold it until the run's files are written.
 * @throw Error naming the folder (or the name, or the other writer: "DIR is being written by
 *        another ranker-train (pid N)").
 */
RunFolderLock ensureWritableFolder(const std::string &dir, const std::string &runName = {});

} // namespace ranker
