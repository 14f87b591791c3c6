// The training configuration's text forms: policy names, validation, and the JSON that the
// metadata and the checkpoint store. No LibTorch here: the run history and the fuzzers use it.
#include "core/error.h"
#include "core/metadata.h"
#include "core/trainer.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <limits>

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
    require(dropout >= 0 && dropout < 1, "--dropout must be in [0, 1)");
    require(std::isfinite(weightDecay) && weightDecay >= 0 && weightDecay <= 1, "--weight-decay must be in [0, 1]");
    require(patience >= 0 && patience <= 1000000, "--patience must be between 0 and 1000000");
    require(cvFolds == 0 || (cvFolds >= 2 && cvFolds <= 20), "--cv must be 0 (off) or between 2 and 20 folds");
}

nlohmann::json toJson(const TrainConfig &c)
{
    return {{"model_name", c.name},        {"embedding_dim", c.embeddingDim},
            {"hidden_dim", c.hiddenDim},   {"learning_rate", c.learningRate},
            {"batch_size", c.batchSize},   {"epochs", c.epochs},
            {"margin", c.margin},          {"val_split", c.valSplit},
            {"val_by", toString(c.valBy)}, {"seed", c.seed},
            {"device", c.device},          {"ties", toString(c.ties)},
            {"keep", toString(c.keep)},    {"threads", c.threads},
            {"dropout", c.dropout},        {"weight_decay", c.weightDecay},
            {"patience", c.patience},      {"refit", c.refit},
            {"cv_folds", c.cvFolds}};
}

namespace {

/// Reads `key` into `target` when it is there with a fitting type; anything else leaves `target`.
/// Foreign or damaged files reach here (History's "train again", the settings): a wrong type must
/// not throw nlohmann's type_error at the user.
void take(const nlohmann::json &j, const char *key, std::string &target)
{
    auto it = j.find(key);
    if (it != j.end() && it->is_string())
        target = it->get<std::string>();
}

void take(const nlohmann::json &j, const char *key, double &target)
{
    auto it = j.find(key);
    if (it != j.end() && it->is_number())
        target = it->get<double>();
}

void take(const nlohmann::json &j, const char *key, bool &target)
{
    auto it = j.find(key);
    if (it != j.end() && it->is_boolean())
        target = it->get<bool>();
}

template <typename Int> void take(const nlohmann::json &j, const char *key, Int &target)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_number())
        return;
    const double value = it->get<double>();
    if (value == std::floor(value) && value >= double(std::numeric_limits<Int>::min()) &&
        value <= double(std::numeric_limits<Int>::max()))
        target = it->is_number_unsigned() ? Int(it->get<uint64_t>()) : Int(it->get<int64_t>());
}

} // namespace

void fromJson(const nlohmann::json &j, TrainConfig &c)
{
    if (!j.is_object())
        return;
    take(j, "model_name", c.name);
    take(j, "embedding_dim", c.embeddingDim);
    take(j, "hidden_dim", c.hiddenDim);
    take(j, "learning_rate", c.learningRate);
    take(j, "batch_size", c.batchSize);
    take(j, "epochs", c.epochs);
    take(j, "margin", c.margin);
    take(j, "val_split", c.valSplit);
    take(j, "seed", c.seed);
    take(j, "device", c.device);
    std::string name;
    take(j, "ties", name);
    if (!name.empty())
        c.ties = tiePolicyFromString(name);
    name.clear();
    take(j, "keep", name);
    if (!name.empty())
        c.keep = keepPolicyFromString(name);
    name.clear();
    take(j, "val_by", name);
    if (!name.empty())
        c.valBy = validationByFromString(name);
    take(j, "threads", c.threads);
    take(j, "dropout", c.dropout);
    take(j, "weight_decay", c.weightDecay);
    take(j, "patience", c.patience);
    take(j, "refit", c.refit);
    take(j, "cv_folds", c.cvFolds);
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
