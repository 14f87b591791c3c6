#include "core/pipeline.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/evaluate.h"
#include "core/export/deploy_kit.h"
#include "core/metadata.h"
#include "core/onnx_export.h"
#include "core/version.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace ranker {

void ensureWritableFolder(const std::string &dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw Error(dir + ": cannot create the output folder: " + ec.message());
    if (!fs::is_directory(dir, ec))
        throw Error(dir + ": not a folder");
    const std::string probe = (fs::path(dir) / ".ranker-write-test").string();
    std::ofstream out(probe);
    if (!out)
        throw Error(dir + ": the output folder is not writable: " + std::strerror(errno));
    out.close();
    fs::remove(probe, ec);
}

std::string newRunFolder(const std::string &workspace, const std::string &name)
{
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    fs::path base = fs::path(workspace) / "runs" / (std::string(stamp) + "-" + name);
    fs::path candidate = base;
    for (int n = 2; fs::exists(candidate); ++n)
        candidate = base.string() + "-" + std::to_string(n);
    return candidate.string();
}

PipelineResult runPipeline(const PipelineRequest &request, PipelineObserver &observer)
{
    request.train.validate();
    ensureWritableFolder(request.outputDir);
    observer.onStage("loading");
    LoadOptions load = request.load;
    load.embeddingDim = request.train.embeddingDim;
    load.progress = [&observer](uint64_t done, uint64_t total) {
        observer.onLoadProgress(done, total);
        return !observer.stopRequested();
    };
    Dataset ds = loadDataset(request.input, load);
    observer.onDatasetLoaded(ds);
    return runPipeline(ds, request, observer);
}

PipelineResult runPipeline(const Dataset &ds, const PipelineRequest &request, PipelineObserver &observer)
{
    request.train.validate();
    ensureWritableFolder(request.outputDir);
    Checkpoint resume;
    if (!request.resumePath.empty())
        resume = loadCheckpoint(request.resumePath);

    observer.onStage("training");
    TrainResult trained = train(ds, request.train, observer, request.resumePath.empty() ? nullptr : &resume);

    observer.onStage("exporting");
    auto result = std::make_shared<PipelineResult>();
    result->train = std::move(trained);
    result->createdAt = isoTimestampUtc();
    result->metadata = buildMetadata(ds, request.load, request.train, result->train,
                                     RunFiles::forName(request.train.name), result->createdAt);
    if (!request.resumePath.empty())
        result->metadata["resumed_from"] = request.resumePath;
    // The evaluation of the kept model: on the validation split, or on the training pairs without one.
    RankerModel model(result->train.checkpoint.weights);
    const bool onValidation = !result->train.valPairIndices.empty();
    Evaluation evaluation = evaluate(
        model, ds, onValidation ? result->train.valPairIndices : result->train.trainPairIndices, request.train.margin);
    result->metadata["evaluation"] = toJson(evaluation, ds);
    result->metadata["evaluation"]["split"] = onValidation ? "validation" : "train";
    try {
        writeRunFiles(*result, request.outputDir);
    } catch (const Error &e) {
        throw ExportFailed(std::string(e.what()) + "; training finished, but nothing was written", result);
    }
    return std::move(*result);
}

void writeRunFiles(PipelineResult &result, const std::string &dir)
{
    ensureWritableFolder(dir);
    const std::string name = result.metadata.value("model_name", std::string("pairwise_ranker"));
    const RunFiles files = RunFiles::forName(name);
    const std::string pth = (fs::path(dir) / files.pth).string();
    const std::string onnx = (fs::path(dir) / files.onnx).string();
    const std::string metadata = (fs::path(dir) / files.metadata).string();
    const double margin = result.metadata.value("margin", 1.0);

    AtomicFileSet set;
    set.add(pth, checkpointBytes(result.train.checkpoint));
    set.add(onnx, onnxBytes(onnx, result.train.checkpoint.weights,
                            {{"model_name", name},
                             {"producer_version", RANKER_VERSION},
                             {"created_at", result.createdAt},
                             {"margin", std::to_string(margin)}}));
    set.add(metadata, result.metadata.dump(2) + "\n");
    std::vector<std::string> kitPaths;
    for (const KitFile &file : deployKit(result.train.checkpoint.weights.layout, name, result.createdAt)) {
        kitPaths.push_back((fs::path(dir) / file.name).string());
        set.add(kitPaths.back(), file.bytes);
    }
    set.commit();
    result.runDir = dir;
    result.pthPath = pth;
    result.onnxPath = onnx;
    result.metadataPath = metadata;
    result.kitPaths = std::move(kitPaths);
}

} // namespace ranker
