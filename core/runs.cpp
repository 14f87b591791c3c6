#include "core/runs.h"

#include "core/atomic_file.h"
#include "core/base/parallel.h"
#include "core/base/regular_file.h"
#include "core/error.h"
#include "core/json_syntax.h"
#include "core/runs/run_folder.h"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

namespace fs = std::filesystem;

namespace ranker {

namespace {

/// A string member of a JSON object, or "" when it is missing or of another type: metadata
/// written by anything else must not make the reader throw (found by fuzz_metadata).
std::string stringField(const nlohmann::json &object, const char *key)
{
    if (!object.is_object())
        return {};
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

/// simdjson's DOM as nlohmann's, for the parts a listing reads.
nlohmann::json toNlohmann(simdjson::dom::element e)
{
    switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
        nlohmann::json out = nlohmann::json::object();
        for (simdjson::dom::key_value_pair field : simdjson::dom::object(e))
            out[std::string(field.key)] = toNlohmann(field.value);
        return out;
    }
    case simdjson::dom::element_type::ARRAY: {
        nlohmann::json out = nlohmann::json::array();
        for (simdjson::dom::element v : simdjson::dom::array(e))
            out.push_back(toNlohmann(v));
        return out;
    }
    case simdjson::dom::element_type::INT64:
        return int64_t(e);
    case simdjson::dom::element_type::UINT64:
        return uint64_t(e);
    case simdjson::dom::element_type::DOUBLE:
        return double(e);
    case simdjson::dom::element_type::STRING:
        return std::string(std::string_view(e));
    case simdjson::dom::element_type::BOOL:
        return bool(e);
    case simdjson::dom::element_type::NULL_VALUE:
    default:
        return nullptr;
    }
}

/**
 * Reads `metadataPath` with simdjson, keeping what a listing needs (the evaluation and feature
 * layout blocks are most of a metadata file and no listing shows them). Listing thousands of runs
 * is dominated by this parse: nlohmann's parser is about ten times slower.
 * @return false when simdjson cannot read it: the caller then takes readRun()'s path, which
 *         words the reason for a broken run.
 */
bool readListingMetadata(const std::string &metadataPath, nlohmann::json &out)
{
    thread_local simdjson::dom::parser parser;
    // toNlohmann() recurses: as deep as readRunJson() lets a file nest, no deeper.
    if (parser.max_depth() != kMaxRunJsonDepth && parser.allocate(1 << 16, kMaxRunJsonDepth) != simdjson::SUCCESS)
        return false;
    simdjson::padded_string text;
    try {
        text = simdjson::padded_string(readFile(metadataPath, kMaxMetadataBytes));
    } catch (const std::exception &) {
        return false; // readRun() words why
    }
    simdjson::dom::element root;
    if (parser.parse(text).get(root) || root.type() != simdjson::dom::element_type::OBJECT)
        return false;
    out = nlohmann::json::object();
    for (simdjson::dom::key_value_pair field : simdjson::dom::object(root)) {
        if (field.key == "evaluation" || field.key == "feature_layout")
            continue;
        out[std::string(field.key)] = toNlohmann(field.value);
    }
    return true;
}

} // namespace

nlohmann::json readRunJson(const std::string &path, uint64_t maxBytes)
{
    const std::string text = readFile(path, maxBytes);
    // nlohmann's parser does not recurse, but copying, printing and showing a DOM does.
    JsonSyntaxOptions options;
    options.maxDepth = kMaxRunJsonDepth;
    const JsonSyntaxResult syntax = checkJsonSyntax(text, options);
    if (syntax.problem == JsonProblem::TooDeep)
        throw Error(path + ": arrays and objects nest deeper than " + std::to_string(kMaxRunJsonDepth) +
                    " levels (at byte " + std::to_string(syntax.column) + ")");
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        const std::string what = e.what();
        throw Error(path + ": " + what.substr(0, what.find('\n')));
    }
}

std::string findMetadataFile(const std::string &folder)
{
    std::error_code ec;
    std::vector<std::string> found;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        // A link that leads nowhere is a run's name before its first generation was swapped in
        // (see core/runs/run_folder.h): no run yet.
        if (name.size() > 14 && name.compare(name.size() - 14, 14, "_metadata.json") == 0 &&
            !(it->is_symlink(ec) && !fs::exists(it->path(), ec)))
            found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    return found.empty() ? std::string() : found.front();
}

RunInfo runFromMetadata(const std::string &folder, const std::string &metadataPath, nlohmann::json metadata,
                        const std::string &filesFolder)
{
    RunInfo run;
    run.folder = folder;
    run.metadataPath = metadataPath;
    const std::string stem = fs::path(metadataPath).filename().string();
    run.name = stem.size() > 14 ? stem.substr(0, stem.size() - 14) : stem;
    run.metadata = std::move(metadata);
    try {
        if (!run.metadata.is_object())
            throw Error("not a JSON object");
        if (!run.metadata.contains("loss_history") || !run.metadata["loss_history"].is_array())
            throw Error("no loss_history: not a ranker run's metadata");
        if (run.metadata.contains("model_name") && run.metadata["model_name"].is_string())
            run.name = run.metadata["model_name"].get<std::string>();
    } catch (const std::exception &e) {
        run.broken = true;
        std::string what = e.what();
        run.problem = run.metadataPath + ": " + what.substr(0, what.find('\n'));
        return run;
    }
    std::string pth, onnx;
    if (run.metadata.contains("files") && run.metadata["files"].is_object()) {
        pth = stringField(run.metadata["files"], "pth");
        onnx = stringField(run.metadata["files"], "onnx");
    }
    if (pth.empty())
        pth = run.name + ".pth";
    if (onnx.empty())
        onnx = run.name + ".onnx";
    // Present in the generation the metadata came from; named by their stable paths in `folder`.
    const fs::path present = filesFolder.empty() ? fs::path(folder) : fs::path(filesFolder);
    std::error_code ec;
    if (fs::exists(present / fs::path(pth).filename(), ec) || (filesFolder.empty() && fs::exists(present / pth, ec)))
        run.pthPath = (fs::path(folder) / pth).string();
    if (fs::exists(present / fs::path(onnx).filename(), ec) || (filesFolder.empty() && fs::exists(present / onnx, ec)))
        run.onnxPath = (fs::path(folder) / onnx).string();
    return run;
}

RunInfo readRun(const std::string &folder)
{
    const std::string metadataPath = findMetadataFile(folder);
    if (metadataPath.empty()) {
        RunInfo run;
        run.folder = folder;
        run.name = fs::path(folder).filename().string();
        run.broken = true;
        run.problem = "no *_metadata.json in the folder";
        return run;
    }
    nlohmann::json metadata;
    std::string filesFolder;
    try {
        // All of one generation: a writer may swap in another meanwhile (then read that one).
        for (int attempt = 0;; ++attempt) {
            filesFolder = runFilesFolder(metadataPath);
            const std::string file = filesFolder == fs::path(metadataPath).parent_path().string()
                                         ? metadataPath
                                         : (fs::path(filesFolder) / fs::path(metadataPath).filename()).string();
            try {
                metadata = readRunJson(file, kMaxMetadataBytes);
                break;
            } catch (const Error &) {
                if (attempt > 0 || runFilesFolder(metadataPath) == filesFolder)
                    throw; // not a generation that went away while it was read
            }
        }
    } catch (const std::exception &e) {
        RunInfo run = runFromMetadata(folder, metadataPath, nlohmann::json::object());
        run.broken = true;
        std::string what = e.what();
        run.problem = what.substr(0, what.find('\n'));
        run.metadata = nullptr;
        run.pthPath.clear();
        run.onnxPath.clear();
        return run;
    }
    return runFromMetadata(folder, metadataPath, std::move(metadata), filesFolder);
}

bool isSweepFolder(const std::string &folder)
{
    std::error_code ec;
    return fs::is_regular_file(fs::path(folder) / kSweepFileName, ec);
}

std::vector<std::string> runFolderCandidates(const std::string &folder)
{
    std::vector<std::string> folders{folder};
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.' || it->is_symlink(ec) || !it->is_directory(ec))
            continue;
        folders.push_back(it->path().string());
        // A sweep's folder (sweep.json beside its trials): its trials are runs of this folder too.
        if (isSweepFolder(it->path().string()))
            for (fs::directory_iterator trial(it->path(), ec), none; !ec && trial != none; trial.increment(ec)) {
                const std::string trialName = trial->path().filename().string();
                if (!trialName.empty() && trialName[0] != '.' && !trial->is_symlink(ec) && trial->is_directory(ec))
                    folders.push_back(trial->path().string());
            }
        ec.clear();
    }
    return folders;
}

std::vector<std::string> listRunFolders(const std::string &folder)
{
    std::vector<std::string> folders;
    for (std::string &candidate : runFolderCandidates(folder))
        if (!findMetadataFile(candidate).empty())
            folders.push_back(std::move(candidate));
    return folders;
}

RunInfo readRunForListing(const std::string &folder)
{
    const std::string metadataPath = findMetadataFile(folder);
    nlohmann::json metadata;
    if (!metadataPath.empty()) {
        // One generation's files (core/runs/run_folder.h), resolved once.
        const std::string filesFolder = runFilesFolder(metadataPath);
        const std::string file = (fs::path(filesFolder) / fs::path(metadataPath).filename()).string();
        if (readListingMetadata(file, metadata))
            return runFromMetadata(folder, metadataPath, std::move(metadata), filesFolder);
    }
    return readRun(folder);
}

std::vector<RunInfo> listRuns(const std::string &folder)
{
    const std::vector<std::string> folders = listRunFolders(folder);
    std::vector<RunInfo> runs(folders.size());
    forEachOnThreads(folders.size(), [&](size_t i) { runs[i] = readRunForListing(folders[i]); });
    std::sort(runs.begin(), runs.end(), [](const RunInfo &a, const RunInfo &b) {
        const std::string x = stringField(a.metadata, "created_at");
        const std::string y = stringField(b.metadata, "created_at");
        return x != y ? x > y : a.folder > b.folder;
    });
    return runs;
}

std::string checkpointPathFor(const std::string &path)
{
    std::error_code ec;
    if (fs::is_regular_file(path, ec))
        return path;
    if (!fs::is_directory(path, ec)) {
        const std::string kind = notRegularFileKind(path);
        throw Error(path + (kind.empty() ? ": no such file or folder" : ": is " + kind + ", not a regular file"));
    }
    RunInfo run = readRun(path);
    if (!run.pthPath.empty())
        return run.pthPath;
    std::vector<std::string> found;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".pth" && fs::exists(it->path(), ec))
            found.push_back(it->path().string());
    if (found.size() == 1)
        return found.front();
    throw Error(path + ": " + (found.empty() ? "no .pth checkpoint in this folder" : "several .pth files; name one"));
}

} // namespace ranker
