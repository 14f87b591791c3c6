#include "core/pipeline.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/evaluate.h"
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
    PipelineResult out;
    out.train = train(ds, request.train, observer, request.resumePath.empty() ? nullptr : &resume);

    observer.onStage("exporting");
    const RunFiles files = RunFiles::forName(request.train.name);
    out.runDir = request.outputDir;
    out.pthPath = (fs::path(request.outputDir) / files.pth).string();
    out.onnxPath = (fs::path(request.outputDir) / files.onnx).string();
    out.metadataPath = (fs::path(request.outputDir) / files.metadata).string();

    saveCheckpoint(out.pthPath, out.train.checkpoint);
    const std::string createdAt = isoTimestampUtc();
    writeOnnx(out.onnxPath, out.train.checkpoint.weights,
              {{"model_name", request.train.name},
               {"producer_version", RANKER_VERSION},
               {"created_at", createdAt},
               {"margin", std::to_string(request.train.margin)}});

    out.metadata = buildMetadata(ds, request.load, request.train, out.train, files, createdAt);
    if (!request.resumePath.empty())
        out.metadata["resumed_from"] = request.resumePath;
    // The evaluation of the kept model: on the validation split, or on the training pairs without one.
    RankerModel model(out.train.checkpoint.weights);
    const bool onValidation = !out.train.valPairIndices.empty();
    Evaluation evaluation = evaluate(model, ds, onValidation ? out.train.valPairIndices : out.train.trainPairIndices,
                                     request.train.margin);
    out.metadata["evaluation"] = toJson(evaluation, ds);
    out.metadata["evaluation"]["split"] = onValidation ? "validation" : "train";
    writeFileAtomically(out.metadataPath, out.metadata.dump(2) + "\n");
    return out;
}

} // namespace ranker
