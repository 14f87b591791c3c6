#pragma once

#include <nlohmann/json.hpp>

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

/// The run's `*_metadata.json` in `folder` (the first by name), or an empty string.
std::string findMetadataFile(const std::string &folder);

/**
 * A run from metadata already parsed from `metadataPath` in `folder`: checks it is a ranker run's
 * (an object with a loss_history array), takes its name and finds its .pth and .onnx. Never throws:
 * a foreign metadata gives a broken run with the reason.
 */
RunInfo runFromMetadata(const std::string &folder, const std::string &metadataPath, nlohmann::json metadata);

/**
 * Reads the run in `folder`. Never throws: a damaged or foreign metadata file gives a broken run
 * with the reason. A folder without metadata gives a broken run saying so.
 */
RunInfo readRun(const std::string &folder);

/// The run folders in `folder`: the folder itself if it holds a `*_metadata.json`, then each
/// immediate sub-folder that does (in directory order). Cheap: reads directory entries only.
std::vector<std::string> listRunFolders(const std::string &folder);

/// Every run directly in `folder` or in its immediate sub-folders (WORKSPACE/runs/*), newest first.
std::vector<RunInfo> listRuns(const std::string &folder);

/// The checkpoint a user means by PATH: the file itself if it is a .pth, else the run folder's .pth.
/// @throw Error when there is none.
std::string checkpointPathFor(const std::string &path);

} // namespace ranker
