#include "core/pipeline.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/evaluate.h"
#include "core/export/deploy_kit.h"
#include "core/metadata.h"
#include "core/onnx_export.h"
#include "core/runs/run_folder.h"
#include "core/training/experiment.h"
#include "core/training/quality.h"
#include "core/version.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <unordered_set>

namespace fs = std::filesystem;

namespace ranker {

RunFolderLock ensureWritableFolder(const std::string &dir, const std::string &runName)
{
    // The name first: a name that cannot be written must fail before anything is made.
    if (!runName.empty())
        checkRunName(runName);
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
    // Held until the run's files are written: a second writer is told before it trains.
    return RunFolderLock(dir);
}

std::string newRunFolder(const std::string &workspace, const std::string &name)
{
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    // The folder's name stays within NAME_MAX however long the run's name is (its files are
    // checked by checkRunName()): at most 200 bytes of it, cut at a character boundary.
    size_t keep = std::min<size_t>(name.size(), 200);
    while (keep > 0 && keep < name.size() && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80)
        --keep;
    fs::path base = fs::path(workspace) / "runs" / (std::string(stamp) + "-" + name.substr(0, keep));
    fs::path candidate = base;
    for (int n = 2; fs::exists(candidate); ++n)
        candidate = base.string() + "-" + std::to_string(n);
    return candidate.string();
}

PipelineResult runPipeline(const PipelineRequest &request, PipelineObserver &observer)
{
    request.train.validate();
    const RunFolderLock lock = ensureWritableFolder(request.outputDir, request.train.name);
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

namespace {

nlohmann::json numberOrNull(double value)
{
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

/// The exported model's scores over the dataset's items: a spread of ~0 means it ranks nothing.
nlohmann::json scoreSpread(const RankerModel &model, const Dataset &ds)
{
    const std::vector<float> scores = scoreItems(model, ds);
    if (scores.empty())
        return nullptr;
    double lo = scores.front(), hi = scores.front(), sum = 0, squares = 0;
    for (float s : scores) {
        lo = std::min(lo, double(s));
        hi = std::max(hi, double(s));
        sum += s;
    }
    const double mean = sum / double(scores.size());
    for (float s : scores)
        squares += (s - mean) * (s - mean);
    return {{"items", int64_t(scores.size())},
            {"min", numberOrNull(lo)},
            {"max", numberOrNull(hi)},
            {"mean", numberOrNull(mean)},
            {"std", numberOrNull(std::sqrt(squares / double(scores.size())))}};
}

/// The test file's figures for the exported model, with the items it shares with the training.
nlohmann::json testReport(const RankerModel &model, const Dataset &test, const Dataset &ds,
                          const std::vector<int32_t> &trainingItems, double margin)
{
    std::unordered_set<std::string> trained;
    for (int32_t i : trainingItems)
        trained.insert(ds.items[size_t(i)].id);
    std::vector<char> seen(test.items.size(), 0);
    int64_t seenItems = 0;
    for (size_t i = 0; i < test.items.size(); ++i)
        if (trained.count(test.items[i].id)) {
            seen[i] = 1;
            ++seenItems;
        }
    std::vector<int32_t> all, unseen;
    for (size_t i = 0; i < test.pairs.size(); ++i) {
        all.push_back(int32_t(i));
        if (!seen[size_t(test.pairs[i].a)] && !seen[size_t(test.pairs[i].b)])
            unseen.push_back(int32_t(i));
    }
    nlohmann::json t;
    t["path"] = test.path;
    t["file_name"] = std::filesystem::path(test.path).filename().string();
    t["sha256"] = test.sha256;
    t["rows"] = test.rows();
    t["pairs"] = int64_t(test.pairs.size());
    t["skipped_lines"] = int64_t(test.skipped.size());
    t["items"] = int64_t(test.items.size());
    t["items_seen_in_training"] = seenItems;
    t["pairs_with_seen_items"] = int64_t(all.size() - unseen.size());
    t["evaluation"] = toJson(evaluate(model, test, all, margin), test);
    if (seenItems > 0 && !unseen.empty())
        t["unseen_only"] = toJson(evaluate(model, test, unseen, margin), test);
    return t;
}

} // namespace

PipelineResult runPipeline(const Dataset &ds, const PipelineRequest &request, PipelineObserver &observer)
{
    request.train.validate();
    const RunFolderLock lock = ensureWritableFolder(request.outputDir, request.train.name);
    Checkpoint resume;
    if (!request.resumePath.empty())
        resume = loadCheckpoint(request.resumePath);
    Dataset test;
    if (!request.testPath.empty()) {
        observer.onStage("loading test file");
        LoadOptions load = request.load;
        load.embeddingDim = request.train.embeddingDim;
        load.progress = [&observer](uint64_t, uint64_t) { return !observer.stopRequested(); };
        test = loadDataset(request.testPath, load);
        if (test.pairs.empty())
            throw Error(request.testPath + ": the test file has no valid pairs");
    }

    observer.onStage("training");
    Experiment x = runExperiment(ds, request.train, observer, request.resumePath.empty() ? nullptr : &resume);

    observer.onStage("evaluating");
    auto result = std::make_shared<PipelineResult>();
    result->createdAt = isoTimestampUtc();
    result->metadata =
        buildMetadata(ds, request.load, request.train, x, RunFiles::forName(request.train.name), result->createdAt);
    if (!request.resumePath.empty())
        result->metadata["resumed_from"] = request.resumePath;
    const double margin = request.train.margin;
    const TrainResult &exported = x.exportedRun();
    RankerModel model(exported.checkpoint.weights);
    // The breakdown by item type and reason tag, always on pairs the scoring model did not train on
    // when there are such pairs: the folds' own held-out pairs, or the validation run's.
    nlohmann::json evaluation;
    if (!x.outOfFoldPairs.empty()) {
        evaluation = toJson(evaluateDiffs(ds, x.outOfFoldPairs, x.outOfFoldDiffs, margin), ds);
        evaluation["split"] = "cross-validation";
        evaluation["of"] = "each fold's model on its own held-out items";
    } else if (!x.run.valPairIndices.empty()) {
        evaluation = toJson(evaluate(RankerModel(x.run.checkpoint.weights), ds, x.run.valPairIndices, margin), ds);
        evaluation["split"] = "validation";
        evaluation["of"] = x.refitted ? "the validation run's model, before the refit" : "the exported model";
    } else {
        evaluation = toJson(evaluate(model, ds, exported.trainPairIndices, margin), ds);
        evaluation["split"] = "train";
        evaluation["of"] = "the exported model on its own training pairs (optimistic)";
    }
    evaluation["optimistic"] = x.run.valBy == ValidationBy::Pairs || evaluation["split"] == "train";
    result->metadata["evaluation"] = evaluation;
    result->metadata["scores"] = scoreSpread(model, ds);
    result->metadata["test"] =
        test.pairs.empty() ? nlohmann::json(nullptr) : testReport(model, test, ds, exported.trainingItems, margin);
    const Verdict verdict = judgeRun(result->metadata);
    result->metadata["verdict"] = {
        {"level", toString(verdict.level)}, {"summary", verdict.summary}, {"reasons", verdict.reasons}};
    const QualityFigure quality = headlineQuality(result->metadata);
    result->metadata["quality"] = {{"label", quality.label},
                                   {"accuracy", quality.kind == QualityFigure::None ? nlohmann::json(nullptr)
                                                                                    : nlohmann::json(quality.accuracy)}};
    result->train = exported;
    result->experiment = std::make_shared<Experiment>(std::move(x));

    observer.onStage("exporting");
    try {
        writeRunFiles(*result, request.outputDir);
    } catch (const Error &e) {
        throw ExportFailed(std::string(e.what()) + "; training finished, but nothing was written", result);
    }
    return std::move(*result);
}

void writeRunFiles(PipelineResult &result, const std::string &dir)
{
    const std::string name = result.metadata.value("model_name", std::string("pairwise_ranker"));
    const RunFolderLock lock = ensureWritableFolder(dir, name);
    const RunFiles files = RunFiles::forName(name);
    const std::string pth = (fs::path(dir) / files.pth).string();
    const std::string onnx = (fs::path(dir) / files.onnx).string();
    const std::string metadata = (fs::path(dir) / files.metadata).string();
    const double margin = result.metadata.value("margin", 1.0);

    // One generation, swapped in by one rename (core/runs/run_folder.h): no crash leaves files of
    // two runs side by side, and files of other runs and a user's own in `dir` stay untouched.
    RunFileSet set(dir, name);
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
