#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ranker {

/// A run folder: any folder holding a `*_metadata.json`, whoever wrote it.
struct RunInfo
{
    std::string folder;
    std::string metadataPath;
    std::string name;     ///< model_name, or the metadata file's stem
    bool broken = false;  ///< the metadata could not be read
    std::string problem;  ///< why, when broken
    nlohmann::json metadata;
    std::string pthPath;  ///< empty when the file is missing
    std::string onnxPath;
};

/// Metadata files larger than this are not read: the run is listed as broken ("too large").
/// Ours are 10–50 KB; this leaves room for runs of about 200,000 epochs.
constexpr uint64_t kMaxMetadataBytes = 64ull << 20;
/// Arrays and objects nested deeper than this in a run's JSON files make the run broken (ours
/// nest 4 levels); nothing that reads them then recurses deeper than this.
constexpr size_t kMaxRunJsonDepth = 128;

/**
 * Reads and parses a JSON file of a run folder (metadata, notes sidecar): a regular file of at
 * most `maxBytes`, nesting at most kMaxRunJsonDepth levels.
 * @throw Error naming the file: not a regular file, too large, too deep, not JSON.
 */
nlohmann::json readRunJson(const std::string &path, uint64_t maxBytes);

/// The run's `*_metadata.json` in `folder` (the first by name), or an empty string.
std::string findMetadataFile(const std::string &folder);

/**
 * A run from metadata already parsed from `metadataPath` in `folder`: checks it is a ranker run's
 * (an object with a loss_history array), takes its name and finds its .pth and .onnx (in
 * `filesFolder`, the generation the metadata was read from: runFilesFolder(); empty: `folder`).
 * Never throws: a foreign metadata gives a broken run with the reason.
 */
RunInfo runFromMetadata(const std::string &folder, const std::string &metadataPath, nlohmann::json metadata,
                        const std::string &filesFolder = {});

/**
 * Reads the run in `folder`. Never throws: a damaged or foreign metadata file gives a broken run
 * with the reason. A folder without metadata gives a broken run saying so. The metadata, and
 * which files the run has, come from one generation (see core/runs/run_folder.h).
 */
RunInfo readRun(const std::string &folder);

/// The folders in `folder` that may be runs: the folder itself, then each immediate sub-folder
/// that is neither hidden (a run's generations live in DIR/.NAME.run/) nor a link (in directory order).
std::vector<std::string> runFolderCandidates(const std::string &folder);

/// The run folders in `folder`: those of runFolderCandidates() that hold a `*_metadata.json`.
/// Cheap: reads directory entries only.
std::vector<std::string> listRunFolders(const std::string &folder);

/**
 * The run in `folder` as listings show it: like readRun(), but its metadata without the
 * `evaluation` and `feature_layout` blocks (most of the file; readRun() for the whole), read with
 * simdjson. A file simdjson cannot read takes readRun()'s path, which words why it is broken.
 */
RunInfo readRunForListing(const std::string &folder);

/// Every run directly in `folder` or in its immediate sub-folders (WORKSPACE/runs/*), newest
/// first, as readRunForListing() reads them (on a few threads).
std::vector<RunInfo> listRuns(const std::string &folder);

/// The checkpoint a user means by PATH: the file itself if it is a .pth, else the run folder's .pth.
/// @throw Error when there is none.
std::string checkpointPathFor(const std::string &path);

} // namespace ranker
