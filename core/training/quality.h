#pragma once
// How good a run is, read from its metadata: the one figure to show for it, labelled for what it
// is, and a verdict that never calls a failed run good. No LibTorch, no Qt: the CLI, the Train
// place and the History list all show these.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ranker {

/// A quality figure and what it was measured on.
struct QualityFigure
{
    enum Kind { None, Test, CrossValidation, Validation, OptimisticValidation };
    Kind kind = None;
    double accuracy = 0;    ///< share of decisive pairs ordered right (NaN-free when kind != None)
    double spread = 0;      ///< std over folds (CV), else half the 95 % interval
    int64_t pairs = 0;      ///< decisive pairs it was measured on
    std::string label;      ///< for people: "test 81.2 % on 400 pairs of unseen items"
    std::string shortLabel; ///< for tables: "81.2 % test", "78.0 ± 2.1 % CV"
};

/**
 * The figure a run is shown by: the test file when there is one (the final word), else the
 * cross-validation mean ± std, else the validation on held-out items, else the pair split's
 * validation (marked optimistic); None when the run measured nothing on held-out data.
 */
QualityFigure headlineQuality(const nlohmann::json &metadata);

/// The figure to choose between runs by: never the test file (choosing by it would make it a
/// second validation set); CV, then validation on held-out items, then the optimistic pair split.
QualityFigure selectionQuality(const nlohmann::json &metadata);

enum class VerdictLevel { Good, Warning, Bad };
const char *toString(VerdictLevel level); ///< "good", "warning", "bad"

struct Verdict
{
    VerdictLevel level = VerdictLevel::Good;
    std::string summary;              ///< one line: the worst reason, or what makes it good
    std::vector<std::string> reasons; ///< every finding, worst first
};

/// Thresholds of the verdict (README: "How good is my model?").
constexpr double kMemorisedGap = 0.15;    ///< train − validation accuracy at the kept epoch
constexpr double kCollapsedSpread = 1e-4; ///< max − min of the items' scores

/**
 * Judges a run from its metadata: Bad when it diverged, its scores collapsed to a constant, or a
 * held-out accuracy is not above chance (one-sided 95 %); Warning when it was stopped, validated
 * on pairs (optimistic), measured on few pairs, memorised its training items (train accuracy more
 * than kMemorisedGap above validation), test items were seen in training, or nothing was held out.
 * Works on metadata of older versions too (what it lacks is not judged).
 */
Verdict judgeRun(const nlohmann::json &metadata);

/// "81.2 %": the one percentage format of the product.
std::string formatPercent(double share);

} // namespace ranker
