#pragma once
// The deployment kit of a run: what a JavaScript app needs to build the model's input itself.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ranker {

struct FeatureLayout;

/// One file of a kit: its name in the run folder and its contents.
struct KitFile
{
    std::string name;
    std::string bytes;
};

/**
 * The feature recipe of a model (NAME.features.json): input and embedding dimension, metric
 * names in column order, the training means a missing metric takes, and what becomes of a
 * missing embedding (zeros), an item with only an embedding_id (an error), a missing metric
 * (its mean) and an unknown one (ignored). Values are raw: the model standardises them.
 */
nlohmann::ordered_json featureRecipe(const FeatureLayout &layout, const std::string &modelName,
                                     const std::string &createdAt);

/**
 * The kit's three files, in this order: NAME.features.json (the recipe), NAME.ranker.mjs (a
 * dependency-free ES module with the recipe built in: featuresOf, featureMatrix, createRanker
 * for onnxruntime-web and onnxruntime-node) and NAME.ranker.d.mts (its types).
 */
std::vector<KitFile> deployKit(const FeatureLayout &layout, const std::string &modelName, const std::string &createdAt);

/**
 * Writes deployKit()'s files into `dir`, all three or none (temporary files renamed together).
 * @return the paths written, in deployKit()'s order.
 * @throw Error naming the file and the reason; files already in `dir` are then untouched.
 */
std::vector<std::string> writeDeployKit(const std::string &dir, const FeatureLayout &layout,
                                        const std::string &modelName, const std::string &createdAt);

} // namespace ranker
