#pragma once
// Which pairs to label next (issue 15): unlabelled pairs of a dataset's items, chosen to teach the
// model most per label, with the pairs a chain of labels already implies set aside. No LibTorch:
// the model's scores come in as numbers (scoreItems() in core/evaluate.h).

#include <cstdint>
#include <string>
#include <vector>

namespace ranker {

struct Dataset;

enum class SuggestStrategy {
    Uncertain, ///< pairs the model is least sure of, among items with few comparisons (default)
    Random,    ///< new pairs drawn uniformly at random: the baseline, with the same exclusions
};
const char *toString(SuggestStrategy strategy);
SuggestStrategy suggestStrategyFromString(const std::string &name); ///< @throw Error

struct SuggestOptions
{
    size_t count = 20;
    uint64_t seed = 1;
    SuggestStrategy strategy = SuggestStrategy::Uncertain;
    /// Pairs only of two items of the same item_type (the guide's add-pair takes one --item-type for
    /// both items). False: any two items.
    bool withinType = true;
    /// Candidate partners per item: half its neighbours in model score (the uncertain pairs),
    /// half drawn at random (coverage); the candidates are O(items × this), never all pairs.
    size_t partnersPerItem = 12;
    /// How much an item's few comparisons count against the model's uncertainty, 0…1: priority =
    /// (1 − w)·uncertainty + w·novelty, where uncertainty = 1 − |2p − 1| and novelty = the mean over
    /// the two items of 1 / (1 + comparisons). Without model scores the priority is novelty alone.
    double coverageWeight = 0.35;
    /// At most this many suggestions in one batch share an item (so that one uncertain item does not
    /// take the whole batch); relaxed only when the batch cannot be filled otherwise.
    size_t maxPerItem = 2;
    /// How many implied pairs to report (the ones a suggestion would otherwise have been).
    size_t maxImpliedReported = 100;
};

struct SuggestedPair
{
    int32_t a = 0; ///< index into Dataset::items
    int32_t b = 0;
    double probabilityA = 0.5; ///< sigmoid(score_a − score_b); 0.5 without model scores
    double scoreDiff = 0;      ///< score_a − score_b (0 without model scores)
    int64_t comparisonsA = 0;  ///< labelled pairs each item is already in
    int64_t comparisonsB = 0;
    double priority = 0;
};

/// A pair that no label names but a chain of decisive labels decides: `preferred` beats `other`.
struct ImpliedPair
{
    int32_t preferred = 0;
    int32_t other = 0;
    /// The items of the chain, `preferred` first and `other` last; each beat the next in a label.
    std::vector<int32_t> chain;
};

struct Suggestions
{
    std::vector<SuggestedPair> pairs; ///< best first
    std::vector<ImpliedPair> implied; ///< set aside on the way (up to maxImpliedReported)
    int64_t impliedSkipped = 0;       ///< all set aside, reported or not
    int64_t candidates = 0;           ///< candidate pairs considered
    bool usedModel = false;
};

/**
 * Proposes up to `options.count` pairs of `ds`'s items that no pair of `ds` names (in either order)
 * and that no chain of decisive labels implies (a > b and b > c imply a > c; a pair that chains
 * imply both ways contradicts the labels and stays a candidate). The batch is shared across item
 * types in proportion to their items. Deterministic for a seed.
 * @param scores the model's score per item (Dataset::items order), or empty without a model.
 * @throw Error when `scores` is neither empty nor one per item.
 */
Suggestions suggestPairs(const Dataset &ds, const std::vector<double> &scores, const SuggestOptions &options);

/**
 * The shortest chain of decisive labels by which `from` beats `to` (items, `from` first), or empty
 * when there is none. Labels are read as edges winner → loser.
 */
std::vector<int32_t> preferenceChain(const Dataset &ds, int32_t from, int32_t to);

} // namespace ranker
