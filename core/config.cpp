// The training configuration's text forms: policy names, validation, and the JSON that the
// metadata and the checkpoint store. No LibTorch here: the run history and the fuzzers use it.
#include "core/error.h"
#include "core/metadata.h"
#include "core/trainer.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>

namespace ranker {

const char *toString(TiePolicy policy)
{
    return policy == TiePolicy::Hinge ? "hinge" : "skip";
}

const char *toString(KeepPolicy policy)
{
    switch (policy) {
    case KeepPolicy::Auto:
        return "auto";
    case KeepPolicy::Best:
        return "best";
    case KeepPolicy::Last:
        return "last";
    }
    return "auto";
}

const char *toString(RunEnd end)
{
    switch (end) {
    case RunEnd::Completed:
        return "completed";
    case RunEnd::Cancelled:
        return "cancelled";
    case RunEnd::Diverged:
        return "diverged";
    }
    return "completed";
}

TiePolicy tiePolicyFromString(const std::string &name)
{
    if (name == "hinge")
        return TiePolicy::Hinge;
    if (name == "skip")
        return TiePolicy::Skip;
    throw Error("--ties " + name + ": unknown tie policy (use hinge or skip)");
}

KeepPolicy keepPolicyFromString(const std::string &name)
{
    if (name == "best")
        return KeepPolicy::Best;
    if (name == "last")
        return KeepPolicy::Last;
    if (name == "auto")
        return KeepPolicy::Auto;
    throw Error("--keep " + name + ": unknown policy (use best or last)");
}

void TrainConfig::validate() const
{
    auto require = [](bool ok, const std::string &message) {
        if (!ok)
            throw Error(message);
    };
    require(!name.empty() && name.find('/') == std::string::npos && name != "." && name != "..",
            "--name must be a plain file name, got \"" + name + "\"");
    require(embeddingDim >= 0 && embeddingDim <= 1 << 20, "--embedding-dim must be between 0 and 1048576");
    require(hiddenDim >= 1 && hiddenDim <= 1 << 16, "--hidden-dim must be between 1 and 65536");
    require(std::isfinite(learningRate) && learningRate > 0 && learningRate <= 10,
            "--learning-rate must be in (0, 10]");
    require(batchSize >= 1 && batchSize <= 1 << 20, "--batch-size must be between 1 and 1048576");
    require(epochs >= 1 && epochs <= 1000000, "--epochs must be between 1 and 1000000");
    require(std::isfinite(margin) && margin >= 0, "--margin must be a finite number ≥ 0");
    require(valSplit >= 0 && valSplit < 1, "--val-split must be in [0, 1)");
    require(threads >= 0 && threads <= 1024, "--threads must be between 0 and 1024");
    require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
}

nlohmann::json toJson(const TrainConfig &c)
{
    return {{"model_name", c.name},
            {"embedding_dim", c.embeddingDim},
            {"hidden_dim", c.hiddenDim},
            {"learning_rate", c.learningRate},
            {"batch_size", c.batchSize},
            {"epochs", c.epochs},
            {"margin", c.margin},
            {"val_split", c.valSplit},
            {"seed", c.seed},
            {"device", c.device},
            {"ties", toString(c.ties)},
            {"keep", toString(c.keep)},
            {"threads", c.threads},
            {"dropout", c.dropout}};
}

void fromJson(const nlohmann::json &j, TrainConfig &c)
{
    if (!j.is_object())
        return;
    c.name = j.value("model_name", c.name);
    c.embeddingDim = j.value("embedding_dim", c.embeddingDim);
    c.hiddenDim = j.value("hidden_dim", c.hiddenDim);
    c.learningRate = j.value("learning_rate", c.learningRate);
    c.batchSize = j.value("batch_size", c.batchSize);
    c.epochs = j.value("epochs", c.epochs);
    c.margin = j.value("margin", c.margin);
    c.valSplit = j.value("val_split", c.valSplit);
    c.seed = j.value("seed", c.seed);
    c.device = j.value("device", c.device);
    if (j.contains("ties") && j["ties"].is_string())
        c.ties = tiePolicyFromString(j["ties"].get<std::string>());
    if (j.contains("keep") && j["keep"].is_string())
        c.keep = keepPolicyFromString(j["keep"].get<std::string>());
    c.threads = j.value("threads", c.threads);
    c.dropout = j.value("dropout", c.dropout);
}

std::string isoTimestampUtc()
{
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

} // namespace ranker
