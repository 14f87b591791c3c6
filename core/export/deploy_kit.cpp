#include "core/export/deploy_kit.h"

#include "core/atomic_file.h"
#include "core/export/deploy_kit_templates.h"
#include "core/features.h"
#include "core/metadata.h"
#include "core/version.h"

#include <filesystem>

namespace ranker {

namespace {

void replaceAll(std::string &text, const std::string &from, const std::string &to)
{
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

/// A name as it may appear inside the templates' comments: one line, no comment terminator.
std::string commentSafe(std::string text)
{
    for (char &c : text)
        if (c == '\n' || c == '\r')
            c = ' ';
    replaceAll(text, "*/", "* /");
    return text;
}

std::string fillTemplate(std::string text, const std::string &modelName, const nlohmann::ordered_json &recipe)
{
    const RunFiles files = RunFiles::forName(modelName);
    replaceAll(text, "__RANKER_NAME__", commentSafe(modelName));
    replaceAll(text, "__RANKER_MODEL_FILE__", commentSafe(files.onnx));
    replaceAll(text, "__RANKER_PRODUCER__", std::string("ranker-studio ") + RANKER_VERSION);
    // Last: the recipe's strings may hold anything, placeholders included. JSON is a JavaScript
    // expression (ES2019 allows U+2028/U+2029 in strings).
    replaceAll(text, "__RANKER_RECIPE__", recipe.dump(2));
    return text;
}

} // namespace

nlohmann::ordered_json featureRecipe(const FeatureLayout &layout, const std::string &modelName,
                                     const std::string &createdAt)
{
    const size_t d = size_t(layout.embeddingDim);
    const std::vector<float> means(layout.mean.begin() + std::ptrdiff_t(d), layout.mean.end());
    const RunFiles files = RunFiles::forName(modelName);
    nlohmann::ordered_json recipe;
    recipe["format"] = "ranker-studio feature recipe";
    recipe["format_version"] = 1;
    recipe["model_name"] = modelName;
    recipe["model_file"] = files.onnx;
    recipe["created_at"] = createdAt;
    recipe["producer"] = std::string("ranker-studio ") + RANKER_VERSION;
    recipe["input_dim"] = layout.featureDim();
    recipe["embedding_dim"] = layout.embeddingDim;
    recipe["metric_names"] = layout.metricNames;
    recipe["metric_means"] = means;
    recipe["layout"] = "embedding (embedding_dim values), then metrics sorted by name (metric_names order)";
    recipe["values"] = "raw";
    recipe["missing_embedding"] = "zeros";
    recipe["embedding_id_only"] = "error";
    recipe["missing_metric"] = "metric_mean";
    recipe["unknown_metric"] = "ignore";
    recipe["rules"] = {
        "Pass raw values: the model standardises the metrics itself (with the training split's mean and std).",
        "An item without an embedding (absent or null) gets zeros, as in training.",
        "An item with only an embedding_id must have it resolved to its embedding first; training read it "
        "from the embeddings file.",
        "A missing metric takes its training mean (metric_means, same order as metric_names); a metric not "
        "in metric_names is ignored.",
        "Every embedding value and metric must be a finite number; training skipped lines with others.",
        "Float32: values are rounded to float32 as the model's input, as training did."};
    recipe["inputs"] = {
        {"names", {"input_a", "input_b"}}, {"dtype", "float32"}, {"shape", {"batch", layout.featureDim()}}};
    recipe["outputs"] = {{"names", {"score_diff", "score_a", "score_b"}}, {"dtype", "float32"}, {"shape", {"batch"}}};
    recipe["score"] = "higher is better; score_diff = score_a - score_b, above 0 when A is preferred";
    return recipe;
}

std::vector<KitFile> deployKit(const FeatureLayout &layout, const std::string &modelName, const std::string &createdAt)
{
    const RunFiles files = RunFiles::forName(modelName);
    const nlohmann::ordered_json recipe = featureRecipe(layout, modelName, createdAt);
    return {{files.features, recipe.dump(2) + "\n"},
            {files.module, fillTemplate(kit_templates::module, modelName, recipe)},
            {files.types, fillTemplate(kit_templates::types, modelName, recipe)}};
}

std::vector<std::string> writeDeployKit(const std::string &dir, const FeatureLayout &layout,
                                        const std::string &modelName, const std::string &createdAt)
{
    AtomicFileSet set;
    std::vector<std::string> paths;
    for (const KitFile &file : deployKit(layout, modelName, createdAt)) {
        paths.push_back((std::filesystem::path(dir) / file.name).string());
        set.add(paths.back(), file.bytes);
    }
    set.commit();
    return paths;
}

} // namespace ranker
