#include "core/training/sweep.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/metadata.h"
#include "core/runs.h"
#include "core/training/quality.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>

namespace fs = std::filesystem;

namespace ranker {

namespace {

enum class Kind { Real, Integer, Text };

struct KeyInfo
{
    Kind kind;
    const char *shortName; ///< in trial folder names
};

const std::map<std::string, KeyInfo> &keys()
{
    static const std::map<std::string, KeyInfo> table = {
        {"learning_rate", {Kind::Real, "lr"}}, {"batch_size", {Kind::Integer, "bs"}},
        {"margin", {Kind::Real, "m"}},         {"hidden_dim", {Kind::Integer, "h"}},
        {"dropout", {Kind::Real, "do"}},       {"weight_decay", {Kind::Real, "wd"}},
        {"epochs", {Kind::Integer, "ep"}},     {"patience", {Kind::Integer, "pat"}},
        {"val_split", {Kind::Real, "vs"}},     {"seed", {Kind::Integer, "seed"}},
        {"ties", {Kind::Text, "ties"}},        {"cv_folds", {Kind::Integer, "cv"}},
    };
    return table;
}

std::string trimmed(const std::string &text)
{
    const size_t first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string> split(const std::string &text, char separator)
{
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        const size_t at = text.find(separator, start);
        parts.push_back(trimmed(text.substr(start, at == std::string::npos ? std::string::npos : at - start)));
        if (at == std::string::npos)
            return parts;
        start = at + 1;
    }
}

double parseNumber(const std::string &text, const std::string &parameter)
{
    size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(value))
        throw Error("--param " + parameter + ": \"" + text + "\" is not a number");
    return value;
}

nlohmann::json typedValue(const std::string &key, Kind kind, const std::string &text, const std::string &parameter)
{
    if (kind == Kind::Text) {
        if (text.empty())
            throw Error("--param " + parameter + ": an empty value");
        return text;
    }
    const double value = parseNumber(text, parameter);
    if (kind == Kind::Integer) {
        if (value != std::floor(value) || std::fabs(value) > 1e15)
            throw Error("--param " + parameter + ": " + key + " takes whole numbers, not " + text);
        return int64_t(value);
    }
    return value;
}

std::string formatValue(const nlohmann::json &value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_number_integer() || value.is_number_unsigned())
        return std::to_string(value.get<int64_t>());
    char text[32];
    std::snprintf(text, sizeof text, "%g", value.is_number() ? value.get<double>() : 0.0);
    return text;
}

} // namespace

const std::vector<std::string> &sweepableKeys()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto &entry : keys())
            out.push_back(entry.first);
        return out;
    }();
    return names;
}

bool isSweepableKey(const std::string &key)
{
    return keys().count(key) > 0;
}

std::vector<SweepParameter> seedGuideGrid()
{
    SweepParameter lr{"learning_rate", {0.01, 0.001, 0.0001}};
    SweepParameter batch{"batch_size", {16, 32, 64}};
    SweepParameter margin{"margin", {0.5, 1.0, 2.0}};
    return {lr, batch, margin};
}

SweepParameter parseSweepParameter(const std::string &text)
{
    const size_t equals = text.find('=');
    if (equals == std::string::npos)
        throw Error("--param " + text + ": expected KEY=V1,V2,… or KEY=LOW:HIGH[:log]");
    SweepParameter p;
    p.key = trimmed(text.substr(0, equals));
    const std::string rest = trimmed(text.substr(equals + 1));
    auto info = keys().find(p.key);
    if (info == keys().end()) {
        std::string known;
        for (const std::string &k : sweepableKeys())
            known += (known.empty() ? "" : ", ") + k;
        throw Error("--param " + text + ": \"" + p.key + "\" is not a setting a sweep can vary (" + known + ")");
    }
    if (rest.empty())
        throw Error("--param " + text + ": no values");
    if (rest.find(':') != std::string::npos) {
        if (info->second.kind == Kind::Text)
            throw Error("--param " + text + ": " + p.key + " takes values, not a range");
        const std::vector<std::string> bounds = split(rest, ':');
        if (bounds.size() < 2 || bounds.size() > 3 || (bounds.size() == 3 && bounds[2] != "log" && bounds[2] != "lin"))
            throw Error("--param " + text + ": a range is LOW:HIGH or LOW:HIGH:log");
        p.range = true;
        p.low = parseNumber(bounds[0], text);
        p.high = parseNumber(bounds[1], text);
        p.logScale = bounds.size() == 3 && bounds[2] == "log";
        p.integer = info->second.kind == Kind::Integer;
        if (!(p.low < p.high))
            throw Error("--param " + text + ": LOW must be below HIGH");
        if (p.logScale && p.low <= 0)
            throw Error("--param " + text + ": a log range needs LOW > 0");
        return p;
    }
    for (const std::string &value : split(rest, ','))
        p.values.push_back(typedValue(p.key, info->second.kind, value, text));
    return p;
}

std::vector<SweepTrial> expandTrials(const SweepSpec &spec)
{
    if (spec.parameters.empty())
        throw Error("a sweep needs at least one setting to vary (--param KEY=V1,V2 or --seed-grid)");
    std::vector<SweepTrial> trials;
    if (!spec.random) {
        size_t count = 1;
        for (const SweepParameter &p : spec.parameters) {
            if (p.range || p.values.empty())
                throw Error("--param " + p.key + ": a grid needs listed values (ranges are for --random)");
            count *= p.values.size();
            if (count > 10000)
                throw Error("the grid has more than 10,000 trials");
        }
        // Odometer order: the last parameter changes fastest.
        std::vector<size_t> at(spec.parameters.size(), 0);
        for (size_t t = 0; t < count; ++t) {
            SweepTrial trial;
            trial.index = int(t) + 1;
            trial.settings = nlohmann::json::object();
            for (size_t k = 0; k < spec.parameters.size(); ++k)
                trial.settings[spec.parameters[k].key] = spec.parameters[k].values[at[k]];
            trials.push_back(trial);
            for (size_t k = spec.parameters.size(); k-- > 0;) {
                if (++at[k] < spec.parameters[k].values.size())
                    break;
                at[k] = 0;
            }
        }
    } else {
        if (spec.trials < 1 || spec.trials > 10000)
            throw Error("--random needs a number of trials between 1 and 10,000");
        std::mt19937_64 engine(spec.seed);
        auto uniform = [&engine]() { return double(engine() >> 11) * (1.0 / 9007199254740992.0); };
        for (int t = 0; t < spec.trials; ++t) {
            SweepTrial trial;
            trial.index = t + 1;
            trial.settings = nlohmann::json::object();
            for (const SweepParameter &p : spec.parameters) {
                if (!p.range) {
                    trial.settings[p.key] = p.values[size_t(engine() % p.values.size())];
                    continue;
                }
                const double u = uniform();
                double v = p.logScale ? std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low)))
                                      : p.low + u * (p.high - p.low);
                if (p.integer)
                    trial.settings[p.key] = int64_t(std::llround(v));
                else
                    trial.settings[p.key] = std::stod(formatValue(v)); // 6 significant digits, as shown
            }
            trials.push_back(trial);
        }
    }
    for (SweepTrial &t : trials)
        t.folder = trialFolderName(t);
    return trials;
}

TrainConfig trialConfig(const SweepSpec &spec, const SweepTrial &trial)
{
    nlohmann::json j = toJson(spec.base);
    for (auto it = trial.settings.begin(); it != trial.settings.end(); ++it)
        j[it.key()] = it.value();
    TrainConfig c = spec.base;
    fromJson(j, c);
    return c;
}

std::string trialFolderName(const SweepTrial &trial)
{
    char head[32];
    std::snprintf(head, sizeof head, "trial-%03d", trial.index);
    std::string name = head;
    for (auto it = trial.settings.begin(); it != trial.settings.end(); ++it) {
        auto info = keys().find(it.key());
        std::string part =
            std::string(info != keys().end() ? info->second.shortName : it.key().c_str()) + formatValue(it.value());
        for (char &c : part)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
                c = '_';
        name += "-" + part;
    }
    return name.substr(0, 200);
}

nlohmann::json toJson(const SweepSpec &spec, const std::vector<SweepTrial> &trials)
{
    nlohmann::json parameters = nlohmann::json::array();
    for (const SweepParameter &p : spec.parameters) {
        nlohmann::json j = {{"key", p.key}};
        if (p.range)
            j.update({{"low", p.low}, {"high", p.high}, {"log", p.logScale}, {"integer", p.integer}});
        else
            j["values"] = p.values;
        parameters.push_back(j);
    }
    nlohmann::json list = nlohmann::json::array();
    for (const SweepTrial &t : trials)
        list.push_back({{"index", t.index},
                        {"settings", t.settings},
                        {"folder", t.folder},
                        {"status", t.status},
                        {"message", t.message}});
    return {{"format", "ranker-sweep"},
            {"format_version", 1},
            {"name", spec.name},
            {"base", toJson(spec.base)},
            {"parameters", parameters},
            {"random", spec.random},
            {"random_trials", spec.trials},
            {"random_seed", spec.seed},
            {"parallel", spec.parallel},
            {"trials", list}};
}

void readSweep(const std::string &folder, SweepSpec &spec, std::vector<SweepTrial> &trials)
{
    const std::string path = (fs::path(folder) / kSweepFileName).string();
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(readFile(path));
    } catch (const nlohmann::json::exception &e) {
        const std::string what = e.what();
        throw Error(path + ": not a sweep file (" + what.substr(0, what.find('\n')) + ")");
    }
    if (!j.is_object() || j.value("format", std::string()) != "ranker-sweep")
        throw Error(path + ": not a sweep file (no \"format\": \"ranker-sweep\")");
    try {
        spec = SweepSpec{};
        spec.name = j.value("name", std::string("sweep"));
        fromJson(j.value("base", nlohmann::json::object()), spec.base);
        for (const nlohmann::json &p : j.at("parameters")) {
            SweepParameter sp;
            sp.key = p.at("key").get<std::string>();
            if (!isSweepableKey(sp.key))
                throw Error("unknown setting " + sp.key);
            if (p.contains("values")) {
                sp.values = p.at("values").get<std::vector<nlohmann::json>>();
            } else {
                sp.range = true;
                sp.low = p.at("low").get<double>();
                sp.high = p.at("high").get<double>();
                sp.logScale = p.value("log", false);
                sp.integer = p.value("integer", false);
            }
            spec.parameters.push_back(sp);
        }
        spec.random = j.value("random", false);
        spec.trials = j.value("random_trials", 0);
        spec.seed = j.value("random_seed", uint64_t(1));
        spec.parallel = j.value("parallel", 0);
        trials.clear();
        for (const nlohmann::json &t : j.at("trials")) {
            SweepTrial trial;
            trial.index = t.at("index").get<int>();
            trial.settings = t.at("settings");
            trial.folder = t.at("folder").get<std::string>();
            trial.status = t.value("status", std::string("pending"));
            trial.message = t.value("message", std::string());
            if (trial.folder.empty() || trial.folder.find('/') != std::string::npos || trial.folder == "..")
                throw Error("a trial folder must be a plain name, got \"" + trial.folder + "\"");
            trials.push_back(trial);
        }
    } catch (const nlohmann::json::exception &e) {
        const std::string what = e.what();
        throw Error(path + ": damaged sweep file (" + what.substr(0, what.find('\n')) + ")");
    } catch (const Error &e) {
        throw Error(path + ": " + e.what());
    }
}

void writeSweep(const std::string &folder, const SweepSpec &spec, const std::vector<SweepTrial> &trials)
{
    writeFileAtomically((fs::path(folder) / kSweepFileName).string(), toJson(spec, trials).dump(2) + "\n");
}

std::vector<TrialResult> rankTrials(const std::string &sweepFolder, const std::vector<SweepTrial> &trials)
{
    std::vector<TrialResult> out;
    for (const SweepTrial &t : trials) {
        TrialResult r;
        r.index = t.index;
        r.runFolder = (fs::path(sweepFolder) / t.folder).string();
        const RunInfo run = readRun(r.runFolder);
        if (!run.broken && run.metadata.is_object() && run.metadata.value("ended", std::string()) == "completed") {
            const QualityFigure q = selectionQuality(run.metadata);
            r.finished = q.kind != QualityFigure::None;
            r.score = r.finished ? q.accuracy : 0;
            r.label = q.label;
            const auto cross = run.metadata.find("kept_cross_accuracy");
            r.tieBreak = cross != run.metadata.end() && cross->is_number() ? cross->get<double>() : 0.0;
            r.verdict = toString(judgeRun(run.metadata).level);
        }
        out.push_back(r);
    }
    std::stable_sort(out.begin(), out.end(), [](const TrialResult &a, const TrialResult &b) {
        if (a.finished != b.finished)
            return a.finished;
        if (a.score != b.score)
            return a.score > b.score;
        return a.tieBreak > b.tieBreak;
    });
    return out;
}

int sideBySide(int cores, int trials, uint64_t datasetBytes, uint64_t memoryBytes)
{
    int n = std::max(1, std::min(cores, trials));
    // A trial process holds the dataset (about its file size once parsed, less for embeddings it
    // shares) and LibTorch (~200 MB): keep half the memory free.
    const uint64_t perTrial = datasetBytes + (200ull << 20);
    if (memoryBytes > 0)
        n = std::max(1, std::min<int>(n, int(memoryBytes / 2 / perTrial)));
    return n;
}

} // namespace ranker
