#include "app/dataset_check.h"

#include "core/dataset.h"

#include <algorithm>
#include <map>

namespace ranker::cli {

namespace {

double share(int64_t part, size_t whole)
{
    return whole == 0 ? 0.0 : double(part) / double(whole);
}

std::string percent(double fraction)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", 100.0 * fraction);
    return text;
}

std::map<std::string, int64_t> reasonTagCounts(const Dataset &ds)
{
    std::map<std::string, int64_t> counts;
    for (const Pair &pair : ds.pairs)
        for (int tag : pair.reasonTags)
            ++counts[ds.reasonTagNames[size_t(tag)]];
    return counts;
}

// The guide's thresholds ("Training Tips: Dataset Quality").
constexpr size_t kGuideMinimumPairs = 100;
constexpr size_t kGuideComfortablePairs = 200;
constexpr double kSmallestBalancedShare = 0.15;

} // namespace

DatasetVerdict judgeDataset(const Dataset &ds)
{
    DatasetVerdict v;
    const size_t pairs = ds.pairs.size();
    v.usable = pairs > 0;
    if (!v.usable) {
        v.summary = "not usable: no valid pairs to train on";
        if (!ds.skipped.empty())
            v.summary += " (" + std::to_string(ds.skipped.size()) + " bad lines)";
        return v;
    }
    v.summary = "usable: " + std::to_string(pairs) + " valid pairs";

    // Balance: the guide asks for a balanced distribution of -1, 0 and 1.
    int smallest = 1;
    for (int label : {0, -1})
        if (ds.labelCount(label) < ds.labelCount(smallest))
            smallest = label;
    const double smallestShare = share(ds.labelCount(smallest), pairs);
    if (smallestShare < kSmallestBalancedShare)
        v.advice.push_back("balance: label " + std::to_string(smallest) + " is " + percent(smallestShare) +
                           " of the pairs; the guide advises a balanced distribution of labels -1, 0 and 1");
    // Diversity: item types and scenarios.
    size_t types = 0;
    for (const auto &entry : ds.itemTypeCounts())
        types += entry.first.empty() ? 0 : 1;
    if (types <= 1)
        v.advice.push_back("diversity: " + std::string(types == 0 ? "no item types" : "one item type") +
                           "; the guide advises diverse item types and scenarios");
    // Size: at least 100-200 samples.
    if (pairs < kGuideMinimumPairs)
        v.advice.push_back("size: " + std::to_string(pairs) +
                           " valid pairs; the guide advises at least 100-200 for reasonable performance");
    else if (pairs < kGuideComfortablePairs)
        v.advice.push_back("size: " + std::to_string(pairs) +
                           " valid pairs, within the guide's minimum of 100-200; more will help");
    if (ds.embeddingDim > 0 && ds.itemsWithoutEmbedding > 0)
        v.advice.push_back("embeddings: " + std::to_string(ds.itemsWithoutEmbedding) + " of " +
                           std::to_string(ds.items.size()) + " items have none and are trained on zeros");
    if (!ds.skipped.empty())
        v.advice.push_back("bad lines: " + std::to_string(ds.skipped.size()) +
                           " lines are skipped (listed above); fix them to train on them");
    return v;
}

void printDatasetReport(std::FILE *out, const Dataset &ds, const DatasetVerdict &verdict)
{
    const size_t pairs = ds.pairs.size();
    std::fprintf(out, "dataset: %s (%llu bytes, sha256 %s)\n", ds.path.c_str(), (unsigned long long)ds.fileBytes,
                 ds.sha256.c_str());
    std::fprintf(out, "lines: %lld (%lld blank); %zu valid pairs, %zu bad lines, %zu warnings\n", (long long)ds.lines,
                 (long long)ds.blankLines, pairs, ds.skipped.size(), ds.warnings.size());
    std::fprintf(out, "labels:");
    for (int label : {1, 0, -1})
        std::fprintf(out, "  %d: %lld (%s)", label, (long long)ds.labelCount(label),
                     percent(share(ds.labelCount(label), pairs)).c_str());
    std::fprintf(out, "\nitems: %zu unique", ds.items.size());
    for (const auto &entry : ds.itemTypeCounts())
        std::fprintf(out, "; %s %lld", entry.first.empty() ? "(no type)" : entry.first.c_str(),
                     (long long)entry.second);
    std::fprintf(out, "\nembeddings (D=%d): %lld of %zu items have one", ds.embeddingDim,
                 (long long)(int64_t(ds.items.size()) - ds.itemsWithoutEmbedding), ds.items.size());
    if (ds.itemsWithoutEmbedding > 0)
        std::fprintf(out, "; %lld get zeros", (long long)ds.itemsWithoutEmbedding);
    if (ds.itemsResolvedFromEmbeddingsFile > 0)
        std::fprintf(out, "; %lld from --embeddings", (long long)ds.itemsResolvedFromEmbeddingsFile);
    if (ds.metricNames.empty())
        std::fprintf(out, "\nmetrics: none");
    else
        std::fprintf(out, "\nmetrics (%zu, in feature order; share of items that have each, the others take the mean):",
                     ds.metricNames.size());
    const std::vector<double> coverage = ds.metricCoverage();
    for (size_t m = 0; m < ds.metricNames.size(); ++m)
        std::fprintf(out, "%s %s %s", m == 0 ? "" : ",", ds.metricNames[m].c_str(), percent(coverage[m]).c_str());
    std::fprintf(out, "\nreason tags:");
    const auto tags = reasonTagCounts(ds);
    if (tags.empty())
        std::fprintf(out, " none");
    for (const auto &entry : tags)
        std::fprintf(out, " %s %lld", entry.first.c_str(), (long long)entry.second);
    std::fprintf(out, "\n");
    if (!ds.skipped.empty()) {
        std::fprintf(out, "bad lines (%zu, not trained on):\n", ds.skipped.size());
        for (const Diagnostic &d : ds.skipped)
            std::fprintf(out, "  %s:%lld: %s\n", ds.path.c_str(), (long long)d.line, d.reason.c_str());
    }
    for (const Diagnostic &d : ds.warnings)
        std::fprintf(out, "warning: %s%s\n", d.line > 0 ? (ds.path + ":" + std::to_string(d.line) + ": ").c_str() : "",
                     d.reason.c_str());
    if (verdict.usable && verdict.advice.empty())
        std::fprintf(out, "advice: none; balance, diversity and size meet the guide's tips\n");
    for (const std::string &line : verdict.advice)
        std::fprintf(out, "advice: %s\n", line.c_str());
    std::fprintf(out, "%s\n", verdict.summary.c_str());
}

nlohmann::json datasetReportJson(const Dataset &ds, const DatasetVerdict &verdict)
{
    nlohmann::json j;
    j["usable"] = verdict.usable;
    j["summary"] = verdict.summary;
    j["advice"] = verdict.advice;
    j["path"] = ds.path;
    j["sha256"] = ds.sha256;
    j["bytes"] = ds.fileBytes;
    j["lines"] = ds.lines;
    j["valid_pairs"] = ds.pairs.size();
    j["label_counts"] = {{"1", ds.labelCount(1)}, {"0", ds.labelCount(0)}, {"-1", ds.labelCount(-1)}};
    j["unique_items"] = ds.items.size();
    j["item_types"] = nlohmann::json::object();
    for (const auto &entry : ds.itemTypeCounts())
        j["item_types"][entry.first.empty() ? "(none)" : entry.first] = entry.second;
    j["embedding_dim"] = ds.embeddingDim;
    j["items_without_embedding"] = ds.itemsWithoutEmbedding;
    j["metric_coverage"] = nlohmann::json::object();
    const std::vector<double> coverage = ds.metricCoverage();
    for (size_t m = 0; m < ds.metricNames.size(); ++m)
        j["metric_coverage"][ds.metricNames[m]] = coverage[m];
    j["reason_tags"] = reasonTagCounts(ds);
    j["bad_lines"] = nlohmann::json::array();
    for (const Diagnostic &d : ds.skipped)
        j["bad_lines"].push_back({{"line", d.line}, {"reason", d.reason}});
    j["warnings"] = nlohmann::json::array();
    for (const Diagnostic &d : ds.warnings)
        j["warnings"].push_back({{"line", d.line}, {"reason", d.reason}});
    return j;
}

} // namespace ranker::cli
