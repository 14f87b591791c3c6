#include "core/runs.h"

#include "core/atomic_file.h"
#include "core/error.h"

#include <algorithm>
#include <filesystem>

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

} // namespace

std::string findMetadataFile(const std::string &folder)
{
    std::error_code ec;
    std::vector<std::string> found;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() > 14 && name.compare(name.size() - 14, 14, "_metadata.json") == 0)
            found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    return found.empty() ? std::string() : found.front();
}

RunInfo runFromMetadata(const std::string &folder, const std::string &metadataPath, nlohmann::json metadata)
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
    std::error_code ec;
    if (fs::exists(fs::path(folder) / pth, ec))
        run.pthPath = (fs::path(folder) / pth).string();
    if (fs::exists(fs::path(folder) / onnx, ec))
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
    try {
        metadata = nlohmann::json::parse(readFile(metadataPath));
    } catch (const std::exception &e) {
        RunInfo run = runFromMetadata(folder, metadataPath, nlohmann::json::object());
        run.broken = true;
        std::string what = e.what();
        run.problem = metadataPath + ": " + what.substr(0, what.find('\n'));
        run.metadata = nullptr;
        run.pthPath.clear();
        run.onnxPath.clear();
        return run;
    }
    return runFromMetadata(folder, metadataPath, std::move(metadata));
}

std::vector<std::string> listRunFolders(const std::string &folder)
{
    std::vector<std::string> folders;
    std::error_code ec;
    if (!findMetadataFile(folder).empty())
        folders.push_back(folder);
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && !findMetadataFile(it->path()).empty())
            folders.push_back(it->path().string());
    return folders;
}

std::vector<RunInfo> listRuns(const std::string &folder)
{
    std::vector<RunInfo> runs;
    for (const std::string &run : listRunFolders(folder))
        runs.push_back(readRun(run));
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
    if (!fs::is_directory(path, ec))
        throw Error(path + ": no such file or folder");
    RunInfo run = readRun(path);
    if (!run.pthPath.empty())
        return run.pthPath;
    std::vector<std::string> found;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".pth")
            found.push_back(it->path().string());
    if (found.size() == 1)
        return found.front();
    throw Error(path + ": " + (found.empty() ? "no .pth checkpoint in this folder" : "several .pth files; name one"));
}

} // namespace ranker
