#include "app/labelling_command.h"

#include "app/cli_common.h"
#include "app/cli_conventions.h"
#include "core/atomic_file.h"
#include "core/dataset.h"
#include "core/error.h"
#include "core/evaluate.h"
#include "core/label_document.h"
#include "core/labelling/bradley_terry.h"
#include "core/labelling/suggest.h"
#include "core/model.h"
#include "core/runs.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

namespace fs = std::filesystem;

namespace ranker::cli {

namespace {

constexpr const char *kSuggestUsage =
    "ranker-train suggest --input F [--model RUN] --count N [--items F] [--output FILE] [--seed S] "
    "[--strategy uncertain|random] [--json]";
constexpr const char *kBtUsage = "ranker-train bt --input F [--model RUN] [--output CSV] [--top N] [--json]";

int fail(JsonStdout &json, const char *usage, int code, const std::string &message)
{
    clearLine();
    if (code == ExitUsage)
        reportUsageError("ranker-train", usage, message);
    else
        std::fprintf(stderr, "ranker-train: error: %s\n", firstLine(message).c_str());
    json.write({{"ok", false}, {"exit_code", code}, {"ended", "error"}, {"error", firstLine(message)}});
    return code;
}

/// --output's folder must exist and the target must not be a folder: said before any work.
void requireOutputFile(const std::string &path)
{
    if (path.empty())
        return;
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw Error(path + ": is a folder (--output names a file)");
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec))
        throw Error(path + ": the folder " + parent.string() + " does not exist");
}

/// The dataset, read from a file or from stdin spooled to a temporary file (kept while this lives,
/// so that item lines can be read back).
struct LoadedInput
{
    std::unique_ptr<StdinSpool> spool;
    std::string file; ///< what to read lines from
    Dataset ds;
    std::string poolFile;       ///< --items: more items to pair (empty: none)
    int32_t firstPoolItem = -1; ///< ds.items from here on came from poolFile
};

LoadedInput loadInput(const std::string &input, const LoadOptions &load)
{
    LoadedInput in;
    if (input == kStdinArgument) {
        in.spool = std::make_unique<StdinSpool>();
        in.file = in.spool->path();
        try {
            in.ds = loadDataset(in.file, load);
        } catch (const Error &e) {
            throw Error(in.spool->rename(e.what()));
        }
        in.ds.path = kStdinName;
    } else {
        requireReadableFile(input, "--input");
        in.file = input;
        in.ds = loadDataset(input, load);
    }
    return in;
}

/**
 * Adds the items of `extra` that `ds` lacks (by id), with their embeddings and metrics (metric
 * indices remapped to the union of names). @return how many were added.
 */
size_t appendItems(Dataset &ds, const Dataset &extra)
{
    std::set<std::string> names(ds.metricNames.begin(), ds.metricNames.end());
    names.insert(extra.metricNames.begin(), extra.metricNames.end());
    const std::vector<std::string> unionNames(names.begin(), names.end());
    auto remap = [&](const std::vector<std::string> &from) {
        std::vector<int> to;
        for (const std::string &name : from)
            to.push_back(int(std::lower_bound(unionNames.begin(), unionNames.end(), name) - unionNames.begin()));
        return to;
    };
    const std::vector<int> own = remap(ds.metricNames), theirs = remap(extra.metricNames);
    for (Item &item : ds.items)
        for (auto &metric : item.metrics)
            metric.first = own[size_t(metric.first)];
    ds.metricNames = unionNames;
    std::set<std::string> ids;
    for (const Item &item : ds.items)
        ids.insert(item.id);
    const size_t dim = size_t(ds.embeddingDim);
    size_t added = 0;
    for (size_t k = 0; k < extra.items.size(); ++k) {
        Item item = extra.items[k];
        if (!ids.insert(item.id).second)
            continue;
        for (auto &metric : item.metrics)
            metric.first = theirs[size_t(metric.first)];
        ds.items.push_back(std::move(item));
        ds.embeddings.insert(ds.embeddings.end(), extra.embeddings.begin() + std::ptrdiff_t(k * dim),
                             extra.embeddings.begin() + std::ptrdiff_t((k + 1) * dim));
        ++added;
    }
    return added;
}

void reportSkipped(const Dataset &ds)
{
    constexpr size_t shown = 5;
    for (size_t i = 0; i < ds.skipped.size() && i < shown; ++i)
        std::fprintf(stderr, "%s:%lld: skipped: %s\n", ds.path.c_str(), static_cast<long long>(ds.skipped[i].line),
                     ds.skipped[i].reason.c_str());
    if (ds.skipped.size() > shown)
        std::fprintf(stderr, "  … and %zu more skipped lines\n", ds.skipped.size() - shown);
}

/// The JSON text of items exactly as their file first gave them (every field, byte for byte), read
/// back from the lines where they first appeared: a pair's item_a or item_b, or a whole item line.
void readItemTexts(const std::string &file, const Dataset &ds, const std::set<int32_t> &wanted,
                   std::map<int32_t, std::string> &texts)
{
    std::map<int64_t, std::vector<int32_t>> byLine;
    for (int32_t item : wanted)
        byLine[ds.items[size_t(item)].firstLine].push_back(item);
    std::ifstream in(file, std::ios::binary);
    std::string line;
    int64_t number = 0;
    auto next = byLine.begin();
    auto take = [&](const std::string &text) {
        const nlohmann::json item = nlohmann::json::parse(text, nullptr, false);
        if (!item.is_object() || !item.contains("id"))
            return;
        const nlohmann::json &id = item["id"];
        const std::string key = id.is_string() ? id.get<std::string>() : id.dump();
        for (int32_t wantedItem : next->second)
            if (ds.items[size_t(wantedItem)].id == key && !texts.count(wantedItem))
                texts[wantedItem] = text;
    };
    while (next != byLine.end() && std::getline(in, line)) {
        if (++number != next->first)
            continue;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0)
            line.erase(0, 3);
        const PairLineSpans spans = scanPairLine(line);
        if (spans.itemA.found || spans.itemB.found) {
            for (const JsonSpan *span : {&spans.itemA, &spans.itemB})
                if (span->found)
                    take(line.substr(span->begin, span->end - span->begin));
        } else {
            const size_t begin = line.find_first_not_of(" \t"), end = line.find_last_not_of(" \t");
            if (begin != std::string::npos)
                take(line.substr(begin, end - begin + 1));
        }
        ++next;
    }
}

std::map<int32_t, std::string> itemTexts(const LoadedInput &in, const std::set<int32_t> &wanted)
{
    std::set<int32_t> own, pool;
    for (int32_t item : wanted)
        (in.firstPoolItem >= 0 && item >= in.firstPoolItem ? pool : own).insert(item);
    std::map<int32_t, std::string> texts;
    readItemTexts(in.file, in.ds, own, texts);
    if (!pool.empty())
        readItemTexts(in.poolFile, in.ds, pool, texts);
    for (int32_t item : wanted)
        if (!texts.count(item))
            throw Error((item >= in.firstPoolItem && in.firstPoolItem >= 0 ? in.poolFile : in.ds.path) + ":" +
                        std::to_string(in.ds.items[size_t(item)].firstLine) + ": cannot read item " +
                        in.ds.items[size_t(item)].id + " back (the file changed while read?)");
    return texts;
}

std::string chainText(const Dataset &ds, const std::vector<int32_t> &chain)
{
    std::string text;
    for (int32_t item : chain)
        text += (text.empty() ? "" : " > ") + ds.items[size_t(item)].id;
    return text;
}

} // namespace

void addLabellingCommands(CLI::App &app, LabellingOptions &o)
{
    CLI::App *s = app.add_subcommand(
        "suggest", "Propose unlabelled pairs worth labelling next, as dataset lines with \"label\": null to fill in "
                   "(the model's least certain pairs among items with few comparisons; pairs a chain of labels "
                   "implies are left out and reported)");
    s->add_option("--input", o.input, "Path to JSONL dataset file (- reads stdin)")->required();
    s->add_option("--model", o.model, "The latest run's folder or its .pth (without it: the labels alone)");
    s->add_option("--count", o.count, "How many pairs to propose")->required()->check(CLI::Range(1, 1000000));
    s->add_option("--output", o.output, "Write the pairs to this JSONL file, atomically (default: stdout)");
    s->add_option("--seed", o.seed, "Random seed: the same seed, data and model give the same pairs")
        ->capture_default_str();
    s->add_option("--strategy", o.strategy, "uncertain, or random new pairs (the baseline)")
        ->check(CLI::IsMember({"uncertain", "random"}))
        ->capture_default_str();
    s->add_option("--coverage-weight", o.coverageWeight,
                  "0…1: weight of few comparisons against the model's uncertainty")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    s->add_option("--items", o.items,
                  "More items to pair, never labelled yet: JSONL of items or of pairs (as ranker-rank reads)");
    s->add_flag("--across-types", o.acrossTypes, "Also pair items of different item types");
    s->add_option("--embedding-dim", o.embeddingDim, "Embedding dimension without --model")->capture_default_str();
    s->add_option("--embeddings", o.embeddings,
                  "JSONL of {\"id\", \"embedding\"} for items that only carry an embedding_id");
    s->add_flag("--strict", o.strict, "Fail on the first bad line");
    s->add_flag("--json", o.json, "Print a JSON document (the pairs, the implied pairs) on stdout");
    o.suggest = s;

    CLI::App *b = app.add_subcommand(
        "bt", "Rank the items by a Bradley–Terry fit of the labels alone, with a 95% interval per item");
    b->add_option("--input", o.input, "Path to JSONL dataset file (- reads stdin)")->required();
    b->add_option("--output", o.output,
                  "Write the ranking as CSV to this file, atomically (default: a table on stdout)");
    b->add_option("--model", o.model,
                  "A run folder or .pth: its ranking beside the labels', the items where they differ most first");
    b->add_option("--top", o.top, "Show only the first N rows (0: all)");
    b->add_option("--embedding-dim", o.embeddingDim, "Embedding dimension")->capture_default_str();
    b->add_option("--embeddings", o.embeddings,
                  "JSONL of {\"id\", \"embedding\"} for items that only carry an embedding_id");
    b->add_flag("--strict", o.strict, "Fail on the first bad line");
    b->add_flag("--json", o.json, "Print the ranking as JSON on stdout");
    o.bt = b;
}

std::string labellingUsage(const std::string &command)
{
    return command == "suggest" ? kSuggestUsage : command == "bt" ? kBtUsage : "";
}

int runSuggestCommand(const LabellingOptions &o, JsonStdout &json)
{
    std::string pth;
    try {
        requireOutputFile(o.output);
        LoadOptions load;
        load.embeddingDim = o.embeddingDim;
        load.strict = o.strict;
        load.embeddingsPath = o.embeddings;
        if (!o.embeddings.empty())
            requireReadableFile(o.embeddings, "--embeddings");
        std::unique_ptr<RankerModel> model;
        if (!o.model.empty()) {
            pth = checkpointPathFor(o.model);
            model = std::make_unique<RankerModel>(loadCheckpoint(pth).weights);
            load.embeddingDim = model->layout().embeddingDim;
        }
        if (!o.items.empty())
            requireReadableFile(o.items, "--items");
        LoadedInput in = loadInput(o.input, load);
        reportSkipped(in.ds);
        if (!o.items.empty()) {
            const Dataset pool = loadItems(o.items, load);
            reportSkipped(pool);
            in.poolFile = o.items;
            in.firstPoolItem = int32_t(in.ds.items.size());
            appendItems(in.ds, pool);
        }
        const Dataset &ds = in.ds;
        if (ds.items.size() < 2)
            throw Error(ds.path + ": fewer than two items to pair (" + std::to_string(ds.items.size()) + ")");
        std::vector<double> scores;
        if (model)
            for (float s : scoreItems(*model, ds))
                scores.push_back(double(s));

        SuggestOptions options;
        options.count = o.count;
        options.seed = o.seed;
        options.strategy = suggestStrategyFromString(o.strategy);
        options.withinType = !o.acrossTypes;
        options.coverageWeight = o.coverageWeight;
        const Suggestions found = suggestPairs(ds, scores, options);
        if (found.pairs.empty())
            throw Error(ds.path + ": no pair is left to suggest: every pair of items " +
                        (o.acrossTypes ? "" : "of one item type ") + "is labelled or implied by the labels" +
                        (found.implied.empty() ? std::string()
                                               : " (" + std::to_string(found.impliedSkipped) + " implied, such as " +
                                                     chainText(ds, found.implied.front().chain) + ")"));

        std::set<int32_t> used;
        for (const SuggestedPair &p : found.pairs) {
            used.insert(p.a);
            used.insert(p.b);
        }
        const std::map<int32_t, std::string> texts = itemTexts(in, used);
        std::string bytes;
        nlohmann::json pairsJson = nlohmann::json::array();
        double meanDistance = 0;
        for (size_t k = 0; k < found.pairs.size(); ++k) {
            const SuggestedPair &p = found.pairs[k];
            nlohmann::json note = {
                {"rank", k + 1}, {"strategy", o.strategy}, {"comparisons", {p.comparisonsA, p.comparisonsB}}};
            if (found.usedModel)
                note["p_a"] = std::round(p.probabilityA * 1e6) / 1e6;
            // "label": null marks the line as unanswered: the loader skips it (and says so) until
            // a collection tool writes 1, 0 or -1 in its place; "suggestion" is kept as it is.
            const std::string line = "{\"item_a\":" + texts.at(p.a) + ",\"item_b\":" + texts.at(p.b) +
                                     ",\"label\":null,\"suggestion\":" + note.dump() + "}";
            bytes += line + "\n";
            meanDistance += std::fabs(p.probabilityA - 0.5);
            nlohmann::json entry = {{"a", ds.items[size_t(p.a)].id},
                                    {"b", ds.items[size_t(p.b)].id},
                                    {"item_type", ds.items[size_t(p.a)].itemType},
                                    {"comparisons", {p.comparisonsA, p.comparisonsB}},
                                    {"p_a", found.usedModel ? nlohmann::json(p.probabilityA) : nlohmann::json()}};
            if (json.enabled() && o.output.empty())
                entry["line"] = line;
            pairsJson.push_back(entry);
        }
        meanDistance /= double(found.pairs.size());
        if (!o.output.empty())
            writeFileAtomically(o.output, bytes);
        else if (!json.enabled())
            std::fwrite(bytes.data(), 1, bytes.size(), stdout);

        // The summary: on stdout when the pairs went to a file, else on stderr.
        std::FILE *out = o.output.empty() || json.enabled() ? stderr : stdout;
        if (!o.output.empty())
            std::fprintf(out, "wrote %zu pairs to %s\n", found.pairs.size(), o.output.c_str());
        std::fprintf(out, "suggested %zu of %zu pairs (%s%s); %lld candidates; %lld implied by the labels, skipped\n",
                     found.pairs.size(), o.count, o.strategy.c_str(),
                     found.usedModel
                         ? (", model " + pth + ", mean |p - 0.5| " + formatNumber(meanDistance, "%.3f")).c_str()
                         : ", no model: the labels alone",
                     static_cast<long long>(found.candidates), static_cast<long long>(found.impliedSkipped));
        constexpr size_t shown = 10;
        nlohmann::json impliedJson = nlohmann::json::array();
        for (size_t k = 0; k < found.implied.size(); ++k) {
            const ImpliedPair &i = found.implied[k];
            if (k < shown)
                std::fprintf(out, "implied: %s > %s by %s\n", ds.items[size_t(i.preferred)].id.c_str(),
                             ds.items[size_t(i.other)].id.c_str(), chainText(ds, i.chain).c_str());
            nlohmann::json chain = nlohmann::json::array();
            for (int32_t item : i.chain)
                chain.push_back(ds.items[size_t(item)].id);
            impliedJson.push_back({{"preferred", ds.items[size_t(i.preferred)].id},
                                   {"other", ds.items[size_t(i.other)].id},
                                   {"chain", chain}});
        }
        json.write({{"ok", true},
                    {"exit_code", 0},
                    {"input", ds.path},
                    {"model", pth.empty() ? nlohmann::json() : nlohmann::json(pth)},
                    {"output", o.output.empty() ? nlohmann::json() : nlohmann::json(o.output)},
                    {"strategy", o.strategy},
                    {"seed", o.seed},
                    {"requested", o.count},
                    {"count", found.pairs.size()},
                    {"candidates", found.candidates},
                    {"mean_abs_p_minus_half", found.usedModel ? nlohmann::json(meanDistance) : nlohmann::json()},
                    {"pairs", pairsJson},
                    {"implied_skipped", found.impliedSkipped},
                    {"implied", impliedJson}});
        return ExitOk;
    } catch (const Cancelled &) {
        return fail(json, kSuggestUsage, ExitInterrupted, "cancelled; nothing was written");
    } catch (const std::exception &e) {
        return fail(json, kSuggestUsage, ExitError, e.what());
    }
}

int runBradleyTerryCommand(const LabellingOptions &o, JsonStdout &json)
{
    try {
        requireOutputFile(o.output);
        LoadOptions load;
        load.embeddingDim = o.embeddingDim;
        load.strict = o.strict;
        load.embeddingsPath = o.embeddings;
        if (!o.embeddings.empty())
            requireReadableFile(o.embeddings, "--embeddings");
        std::string pth;
        std::unique_ptr<RankerModel> model;
        if (!o.model.empty()) {
            pth = checkpointPathFor(o.model);
            model = std::make_unique<RankerModel>(loadCheckpoint(pth).weights);
            load.embeddingDim = model->layout().embeddingDim;
        }
        const LoadedInput in = loadInput(o.input, load);
        const Dataset &ds = in.ds;
        reportSkipped(ds);
        if (ds.pairs.empty())
            throw Error(ds.path + ": no labelled pairs to fit");
        const BradleyTerryFit fit = fitBradleyTerry(ds);

        // Rows: by the labels' rank, or with --model the items where the two rankings disagree most first.
        std::vector<RankComparison> rows;
        if (model) {
            std::vector<double> scores;
            for (float v : scoreItems(*model, ds))
                scores.push_back(double(v));
            rows = compareWithModel(fit, scores);
        } else {
            const std::vector<int32_t> order = fit.ranking();
            for (size_t k = 0; k < order.size(); ++k)
                rows.push_back({order[k], int64_t(k + 1), 0, 0.0, false});
        }
        if (o.top > 0 && rows.size() > o.top)
            rows.resize(o.top);

        std::string csv = model
                              ? "rank,model_rank,id,item_type,strength,low,high,std_error,comparisons,wins,model_score,"
                                "model_outside_interval\n"
                              : "rank,id,item_type,strength,low,high,std_error,comparisons,wins\n";
        nlohmann::json items = nlohmann::json::array();
        for (const RankComparison &row : rows) {
            const BradleyTerryItem &b = fit.items[size_t(row.item)];
            const Item &item = ds.items[size_t(row.item)];
            char numbers[160];
            std::snprintf(numbers, sizeof numbers, "%.6f,%.6f,%.6f,%.6f,%lld,%g", b.strength, b.low, b.high, b.stdError,
                          static_cast<long long>(b.comparisons), b.wins);
            csv += std::to_string(row.labelRank) + (model ? "," + std::to_string(row.modelRank) : std::string()) + "," +
                   nlohmann::json(item.id).dump() + "," + nlohmann::json(item.itemType).dump() + "," + numbers;
            if (model)
                csv += "," + formatNumber(row.modelScore, "%.6f") + (row.outsideInterval ? ",true" : ",false");
            csv += "\n";
            nlohmann::json entry = {
                {"rank", row.labelRank}, {"id", item.id},  {"item_type", item.itemType}, {"strength", b.strength},
                {"low", b.low},          {"high", b.high}, {"std_error", b.stdError},    {"comparisons", b.comparisons},
                {"wins", b.wins}};
            if (model) {
                entry["model_rank"] = row.modelRank;
                entry["model_score"] = row.modelScore;
                entry["model_outside_interval"] = row.outsideInterval;
            }
            items.push_back(entry);
        }
        if (!o.output.empty()) {
            writeFileAtomically(o.output, csv);
            std::printf("wrote %zu items to %s\n", rows.size(), o.output.c_str());
        } else if (model) {
            std::printf("%5s  %5s  %8s  %19s  %5s  %6s  %8s  %-24s  %s\n", "rank", "model", "strength", "95% interval",
                        "pairs", "wins", "score", "id", "item_type");
            for (const RankComparison &row : rows) {
                const BradleyTerryItem &b = fit.items[size_t(row.item)];
                const Item &item = ds.items[size_t(row.item)];
                std::printf("%5lld  %5lld%s %8.3f  [%7.3f, %7.3f]  %5lld  %6g  %8.3f  %-24s  %s\n",
                            static_cast<long long>(row.labelRank), static_cast<long long>(row.modelRank),
                            row.outsideInterval ? "*" : " ", b.strength, b.low, b.high,
                            static_cast<long long>(b.comparisons), b.wins, row.modelScore, item.id.c_str(),
                            item.itemType.c_str());
            }
        } else {
            std::printf("%5s  %8s  %19s  %5s  %6s  %-24s  %s\n", "rank", "strength", "95% interval", "pairs", "wins",
                        "id", "item_type");
            for (const RankComparison &row : rows) {
                const BradleyTerryItem &b = fit.items[size_t(row.item)];
                const Item &item = ds.items[size_t(row.item)];
                std::printf("%5lld  %8.3f  [%7.3f, %7.3f]  %5lld  %6g  %-24s  %s\n",
                            static_cast<long long>(row.labelRank), b.strength, b.low, b.high,
                            static_cast<long long>(b.comparisons), b.wins, item.id.c_str(), item.itemType.c_str());
            }
        }
        std::printf("Bradley–Terry fit of %lld decisive pairs and %lld ties (a tie: half a win each side) over %zu "
                    "items: %s after %d Newton steps; log-strength, P(i over j) = sigmoid(si − sj); prior sd %.1f%s\n",
                    static_cast<long long>(fit.decisive), static_cast<long long>(fit.ties), ds.items.size(),
                    fit.converged ? "converged" : "NOT converged", fit.iterations, BradleyTerryOptions().priorSd,
                    fit.exactIntervals ? "" : "; intervals from each item's own curvature (narrower)");
        if (model)
            std::printf("beside the model %s: the items where the two rankings differ most first; * the model's rank "
                        "is outside what the item's interval allows\n",
                        pth.c_str());
        json.write({{"ok", true},
                    {"exit_code", 0},
                    {"input", ds.path},
                    {"model", pth.empty() ? nlohmann::json() : nlohmann::json(pth)},
                    {"output", o.output.empty() ? nlohmann::json() : nlohmann::json(o.output)},
                    {"decisive", fit.decisive},
                    {"ties", fit.ties},
                    {"converged", fit.converged},
                    {"iterations", fit.iterations},
                    {"exact_intervals", fit.exactIntervals},
                    {"items", items}});
        return ExitOk;
    } catch (const Cancelled &) {
        return fail(json, kBtUsage, ExitInterrupted, "cancelled; nothing was written");
    } catch (const std::exception &e) {
        return fail(json, kBtUsage, ExitError, e.what());
    }
}

} // namespace ranker::cli
