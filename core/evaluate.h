#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ranker {

struct Dataset;
class RankerModel;

/// Counts for one slice of pairs.
struct Breakdown
{
    int64_t pairs = 0;
    int64_t decisive = 0;        ///< label ±1
    int64_t correct = 0;         ///< decisive pairs whose score_diff has the label's sign
    int64_t ties = 0;            ///< label 0
    int64_t tiesAgree = 0;       ///< ties with |score_diff| < margin
    double accuracy() const;     ///< NaN without decisive pairs
    double tieAgreement() const; ///< NaN without ties
};

struct ScoredPair
{
    int32_t pair = 0; ///< index into Dataset::pairs
    double scoreDiff = 0;
    double wrongness = 0; ///< how far the prediction is from the label (0 when right)
};

struct Evaluation
{
    double margin = 1.0;
    Breakdown overall;
    std::map<std::string, Breakdown> byItemType;  ///< "project" or "project vs skill"
    std::map<std::string, Breakdown> byReasonTag; ///< pairs without tags under "(none)"
    /// confusion[label + 1][predicted]: predicted 0 = B preferred, 1 = equal (|diff| < margin),
    /// 2 = A preferred.
    std::array<std::array<int64_t, 3>, 3> confusion{};
    std::vector<ScoredPair> mostWrong; ///< worst first
    std::vector<double> scoreDiffs;    ///< one per evaluated pair, in `pairs` order
};

/// Scores every unique item of `ds` with the model's feature layout.
std::vector<float> scoreItems(const RankerModel &model, const Dataset &ds);

struct RankedItem
{
    size_t item = 0; ///< index into Dataset::items
    float score = 0;
};

/// The seed guide's "Ranking Items": every item of `ds` scored, best first (ties keep file order).
std::vector<RankedItem> rankItems(const RankerModel &model, const Dataset &ds);

/**
 * Evaluates `model` on the listed pairs of `ds` (all pairs if `pairs` is empty).
 * @param worst how many of the most wrong pairs to keep.
 */
Evaluation evaluate(const RankerModel &model, const Dataset &ds, const std::vector<int32_t> &pairs, double margin,
                    size_t worst = 20);

/// The same from score differences already computed, one per listed pair (cross-validation pools
/// each fold's held-out pairs scored by that fold's model).
Evaluation evaluateDiffs(const Dataset &ds, const std::vector<int32_t> &pairs, const std::vector<double> &diffs,
                         double margin, size_t worst = 20);

/// Score differences of the listed pairs under `model`.
std::vector<double> scoreDiffs(const RankerModel &model, const Dataset &ds, const std::vector<int32_t> &pairs);

nlohmann::json toJson(const Evaluation &evaluation, const Dataset &ds);

} // namespace ranker
