#pragma once
// A ranking fitted from the labels alone (issue 15): the Bradley–Terry model, no network, no LibTorch.

#include <cstdint>
#include <string>
#include <vector>

namespace ranker {

struct Dataset;

/// One comparison: `scoreA` is 1 when A won, 0 when B won, 0.5 for a tie.
struct Comparison
{
    int32_t a = 0;
    int32_t b = 0;
    double scoreA = 1.0;
};

struct BradleyTerryOptions
{
    /// Prior on each log-strength: θ ~ N(0, priorSd²). It keeps an item that won (or lost) every
    /// comparison finite, and an item never compared at 0 with the prior's width. Small on purpose:
    /// 3 is a win probability of 0.998 between items one prior sd above and below the middle.
    double priorSd = 3.0;
    int maxIterations = 100;
    double tolerance = 1e-9; ///< stop when no log-strength moves more than this in a Newton step
    /// The intervals invert the full Hessian (exact marginal variances) for up to this many compared
    /// items; beyond, each item's own curvature (its information with the others held fixed) is used,
    /// which is narrower. BradleyTerryFit::exactIntervals says which.
    int64_t maxDenseItems = 1500;
};

struct BradleyTerryItem
{
    int32_t item = 0;        ///< index into the items (Dataset::items)
    double strength = 0;     ///< log-strength θ: P(i preferred to j) = sigmoid(θi − θj)
    double stdError = 0;     ///< from the inverse Hessian of the penalized log-likelihood
    double low = 0;          ///< strength − 1.96 stdError (95 %)
    double high = 0;         ///< strength + 1.96 stdError
    int64_t comparisons = 0; ///< labelled pairs the item is in (ties included)
    double wins = 0;         ///< comparisons won, a tie counting half
};

struct BradleyTerryFit
{
    std::vector<BradleyTerryItem> items; ///< one per item, in item order (not ranked)
    int iterations = 0;
    bool converged = false;
    bool exactIntervals = true;
    int64_t decisive = 0; ///< comparisons with a winner
    int64_t ties = 0;     ///< comparisons scored half to each side
    double logPosterior = 0;

    /// Item indices, strongest first (equal strengths keep item order).
    std::vector<int32_t> ranking() const;
};

/**
 * Fits Bradley–Terry log-strengths to `comparisons` over `itemCount` items by Newton's method on
 * the penalized log-likelihood (conjugate gradients for each step, with step halving), ties scored
 * as half a win to each side (not Davidson's tie parameter: a tie then pulls the two strengths
 * together exactly as one win each way would, halved). Self-comparisons are ignored.
 * Deterministic: the same comparisons in the same order give the same fit, bit for bit.
 * @throw Error when an index is out of range or an option is not positive.
 */
BradleyTerryFit fitBradleyTerry(size_t itemCount, const std::vector<Comparison> &comparisons,
                                const BradleyTerryOptions &options = {});

/// The same over a dataset's labelled pairs (label 1: A won, −1: B won, 0: a tie).
BradleyTerryFit fitBradleyTerry(const Dataset &ds, const BradleyTerryOptions &options = {});

/// One item under both rankings: the labels' (Bradley–Terry) and a model's.
struct RankComparison
{
    int32_t item = 0;
    int64_t labelRank = 0; ///< 1-based, strongest first
    int64_t modelRank = 0; ///< 1-based, highest score first
    double modelScore = 0;
    /// The model's score is outside what the labels allow: the item's interval, mapped onto model
    /// ranks (the ranks the labels' strengths low and high would take), does not hold modelRank.
    bool outsideInterval = false;
};

/**
 * The two rankings side by side, the items where they disagree most first (by |labelRank −
 * modelRank|; equal ones by label rank). Items never compared are left out: the labels say
 * nothing about them.
 * @throw Error when `modelScores` is not one per item of the fit.
 */
std::vector<RankComparison> compareWithModel(const BradleyTerryFit &fit, const std::vector<double> &modelScores);

} // namespace ranker
