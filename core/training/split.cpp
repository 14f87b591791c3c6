#include "core/training/split.h"

#include "core/dataset.h"
#include "core/error.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace ranker {

namespace {

/// 0..n-1 in a seeded order. Fisher–Yates with our own draw: std::shuffle's use of the engine is
/// implementation-defined, and the split must be the same wherever the seed is.
std::vector<int32_t> seededPermutation(int64_t n, uint64_t seed)
{
    std::vector<int32_t> order(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        order[size_t(i)] = int32_t(i);
    std::mt19937_64 engine(seed);
    for (int64_t i = n - 1; i > 0; --i) {
        const uint64_t j = engine() % uint64_t(i + 1);
        std::swap(order[size_t(i)], order[size_t(j)]);
    }
    return order;
}

/// Pairs by how many of their items `heldOut` marks: 0 → train, 2 → val, 1 → cross.
DataSplit splitByMarkedItems(const Dataset &ds, const std::vector<char> &heldOut)
{
    DataSplit split;
    split.by = ValidationBy::Items;
    for (size_t i = 0; i < ds.pairs.size(); ++i) {
        const Pair &p = ds.pairs[i];
        const int marked = int(heldOut[size_t(p.a)]) + int(heldOut[size_t(p.b)]);
        (marked == 0 ? split.train : marked == 2 ? split.val : split.cross).push_back(int32_t(i));
    }
    for (size_t i = 0; i < heldOut.size(); ++i)
        if (heldOut[i])
            split.heldOutItems.push_back(int32_t(i));
    return split;
}

std::string percent(double share)
{
    char text[16];
    std::snprintf(text, sizeof text, "%g %%", share * 100.0);
    return text;
}

} // namespace

const char *toString(ValidationBy by)
{
    return by == ValidationBy::Items ? "items" : "pairs";
}

ValidationBy validationByFromString(const std::string &name)
{
    if (name == "items")
        return ValidationBy::Items;
    if (name == "pairs")
        return ValidationBy::Pairs;
    throw Error("--val-by " + name + ": unknown split (use items or pairs)");
}

void splitPairs(int64_t pairCount, double valSplit, uint64_t seed, std::vector<int32_t> &train,
                std::vector<int32_t> &val)
{
    const std::vector<int32_t> order = seededPermutation(pairCount, seed);
    int64_t valCount = int64_t(std::llround(double(pairCount) * valSplit));
    if (valSplit > 0 && valCount == 0 && pairCount >= 2)
        valCount = 1;
    if (valCount >= pairCount)
        valCount = pairCount - 1;
    val.assign(order.begin(), order.begin() + std::max<int64_t>(0, valCount));
    train.assign(order.begin() + std::max<int64_t>(0, valCount), order.end());
    std::sort(val.begin(), val.end());
    std::sort(train.begin(), train.end());
}

DataSplit trainOnAll(const Dataset &ds)
{
    DataSplit split;
    split.train.resize(ds.pairs.size());
    for (size_t i = 0; i < ds.pairs.size(); ++i)
        split.train[i] = int32_t(i);
    return split;
}

DataSplit splitByPairs(const Dataset &ds, double share, uint64_t seed)
{
    DataSplit split;
    split.by = ValidationBy::Pairs;
    splitPairs(int64_t(ds.pairs.size()), share, seed, split.train, split.val);
    return split;
}

DataSplit splitByItems(const Dataset &ds, double share, uint64_t seed)
{
    const int64_t items = int64_t(ds.items.size());
    const std::vector<int32_t> order = seededPermutation(items, seed);
    int64_t heldOut = int64_t(std::llround(double(items) * share));
    if (share > 0 && heldOut == 0 && items >= 2)
        heldOut = 1;
    heldOut = std::min(heldOut, std::max<int64_t>(0, items - 1));
    std::vector<char> marked(size_t(items), 0);
    for (int64_t i = 0; i < heldOut; ++i)
        marked[size_t(order[size_t(i)])] = 1;
    return splitByMarkedItems(ds, marked);
}

std::vector<DataSplit> itemFolds(const Dataset &ds, int folds, uint64_t seed)
{
    const int64_t items = int64_t(ds.items.size());
    if (folds < 2)
        throw Error("--cv " + std::to_string(folds) + ": cross-validation needs at least 2 folds");
    if (folds > items)
        throw Error("--cv " + std::to_string(folds) + ": " + ds.path + " has only " + std::to_string(items) +
                    " items, fewer than the folds");
    const std::vector<int32_t> order = seededPermutation(items, seed);
    std::vector<DataSplit> out;
    for (int k = 0; k < folds; ++k) {
        std::vector<char> marked(size_t(items), 0);
        for (int64_t i = k; i < items; i += folds)
            marked[size_t(order[size_t(i)])] = 1;
        out.push_back(splitByMarkedItems(ds, marked));
        out.back().fold = k + 1;
    }
    return out;
}

DataSplit makeSplit(const Dataset &ds, ValidationBy by, double share, uint64_t seed)
{
    if (share <= 0)
        return trainOnAll(ds);
    return by == ValidationBy::Items ? splitByItems(ds, share, seed) : splitByPairs(ds, share, seed);
}

int64_t decisiveCount(const Dataset &ds, const std::vector<int32_t> &pairs)
{
    int64_t n = 0;
    for (int32_t i : pairs)
        n += ds.pairs[size_t(i)].label != 0;
    return n;
}

double accuracyHalfInterval(int64_t decisivePairs)
{
    // Normal approximation at the worst case p = 0.5: 1.96 · sqrt(0.25 / n).
    return decisivePairs > 0 ? 1.96 * 0.5 / std::sqrt(double(decisivePairs)) : 1.0;
}

int64_t effectivePairs(int64_t pairs, int64_t items)
{
    return items > 0 ? std::min(pairs, items) : pairs;
}

std::string splitProblem(const Dataset &ds, const DataSplit &split, double share, int64_t minimum)
{
    if (split.by != ValidationBy::Items || share <= 0)
        return {};
    const int64_t decisive = decisiveCount(ds, split.val);
    if (decisive >= minimum)
        return {};
    const std::string items =
        std::to_string(split.heldOutItems.size()) + " of its " + std::to_string(ds.items.size()) + " items";
    const std::string what = split.fold > 0 ? "fold " + std::to_string(split.fold) + " holds out " + items
                                            : "holding out " + items + " (" + percent(share) + ")";
    const std::string verdict =
        minimum > kMinValidationPairs
            ? "few for a validation figure (±" +
                  std::to_string(int(std::lround(
                      100 * accuracyHalfInterval(effectivePairs(decisive, int64_t(split.heldOutItems.size())))))) +
                  " points)"
            : "too few for a validation figure (at least " + std::to_string(minimum) + ")";
    return ds.path + ": " + what + " leaves " + std::to_string(decisive) +
           " validation pairs whose two items are unseen, " + verdict +
           ". Use cross-validation (--cv 5: every item is held out once), a larger --val-split, more pairs per "
           "item, --val-split 0 (no validation), or --val-by pairs (optimistic: its items are also trained on)";
}

} // namespace ranker
