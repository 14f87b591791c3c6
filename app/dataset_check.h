#pragma once
// `ranker-train check`: the dataset report (the studio's Dataset place, as text) and the seed
// guide's "Dataset Quality" advice, without training.

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace ranker {
struct Dataset;
}

namespace ranker::cli {

struct DatasetVerdict
{
    bool usable = false;             ///< training would start on it
    std::string summary;             ///< one line: why (not) usable
    std::vector<std::string> advice; ///< the guide's tips that apply, each one line
};

/// Usable when there is a valid pair to train on; advice on balance, diversity, size, coverage, bad lines.
DatasetVerdict judgeDataset(const Dataset &ds);

/// The report: counts, label balance, item types, embedding and metric coverage, reason tags,
/// every bad line with its number, warnings, advice and the verdict.
void printDatasetReport(std::FILE *out, const Dataset &ds, const DatasetVerdict &verdict);

/// The same as one JSON object (for --json).
nlohmann::json datasetReportJson(const Dataset &ds, const DatasetVerdict &verdict);

} // namespace ranker::cli
