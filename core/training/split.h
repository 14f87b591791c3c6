#pragma once
// Which pairs train and which validate. No LibTorch: the trainer, cross-validation, the CLI's
// checks and the tests all use it.

#include <cstdint>
#include <string>
#include <vector>

namespace ranker {

struct Dataset;

/// How validation pairs are chosen.
enum class ValidationBy {
    Items, ///< a share of the unique items is held out: validation measures unseen items (default)
    Pairs, ///< a share of the pairs: their items also appear in training, so it reads optimistic
};
const char *toString(ValidationBy by);
ValidationBy validationByFromString(const std::string &name); ///< @throw Error

/**
 * A partition of a dataset's pairs. With an item split, `val` holds the pairs whose two items
 * are both held out, `train` the pairs that touch no held-out item, and `cross` the pairs with
 * exactly one held-out item: they cannot train (that would show the held-out item to the model)
 * and are scored apart as the "one new item" figure. A pair split has no `cross` pairs.
 */
struct DataSplit
{
    ValidationBy by = ValidationBy::Items;
    std::vector<int32_t> train; ///< indices into Dataset::pairs, ascending
    std::vector<int32_t> val;
    std::vector<int32_t> cross;
    std::vector<int32_t> heldOutItems; ///< indices into Dataset::items, ascending (item split only)
    int fold = 0;                      ///< 1..K for a cross-validation fold, 0 otherwise

    bool hasValidation() const { return !val.empty(); }
};

/// The seeded split of pairs into training and validation indices (validation first in the
/// permutation). Deterministic for a seed.
void splitPairs(int64_t pairCount, double valSplit, uint64_t seed, std::vector<int32_t> &train,
                std::vector<int32_t> &val);

/// Every pair trains; nothing validates (--val-split 0, and the final refit).
DataSplit trainOnAll(const Dataset &ds);

/// `share` of the pairs validates (seeded).
DataSplit splitByPairs(const Dataset &ds, double share, uint64_t seed);

/// `share` of the unique items is held out (seeded); see DataSplit.
DataSplit splitByItems(const Dataset &ds, double share, uint64_t seed);

/**
 * K item-grouped folds: the unique items are dealt into K seeded groups of (almost) equal size;
 * fold k holds out group k as splitByItems() would. No item is held out by two folds.
 * @throw Error for K < 2 or more folds than items.
 */
std::vector<DataSplit> itemFolds(const Dataset &ds, int folds, uint64_t seed);

/// The split a configuration asks for: none when `share` is 0, else by items or by pairs.
DataSplit makeSplit(const Dataset &ds, ValidationBy by, double share, uint64_t seed);

/// Below this many decisive validation pairs a held-out accuracy is too uncertain to go by (with
/// 30 pairs its 95 % interval is still ±18 points): the run trains, with a warning and advice.
constexpr int64_t kFewValidationPairs = 30;
/// Below this many there is no figure at all: the run is refused, with advice.
constexpr int64_t kMinValidationPairs = 5;

/**
 * What is wrong with the validation `split` gives, or an empty string: too few validation pairs
 * whose items are unseen (fewer than `minimum` decisive ones), with what to do instead (--cv, a
 * larger --val-split, or the optimistic --val-by pairs). Empty for pair splits and no split.
 */
std::string splitProblem(const Dataset &ds, const DataSplit &split, double share, int64_t minimum);

/// Half the 95 % interval of an accuracy measured on `decisivePairs` independent pairs (worst
/// case, p = 0.5).
double accuracyHalfInterval(int64_t decisivePairs);

/**
 * How many of `pairs` count as independent for an interval when they are formed among `items`
 * items: pairs that share an item share its unexplained worth, so the figure varies with the
 * sample of items as much as with the pairs (measured: test files of 3,800 pairs over 400 items
 * differ by ±1.5 points, four times the binomial spread). Taken as the smaller of the two.
 */
int64_t effectivePairs(int64_t pairs, int64_t items);

/// Decisive (label ±1) pairs among `pairs`.
int64_t decisiveCount(const Dataset &ds, const std::vector<int32_t> &pairs);

} // namespace ranker
