#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ranker {

struct Dataset;

/// How an item becomes a feature vector: D embedding values, then the metrics in sorted name
/// order. `mean`/`std` (length F) standardise the metric columns; the embedding columns have
/// mean 0 and std 1. The model holds them as buffers, so exported models take raw vectors.
struct FeatureLayout
{
    int embeddingDim = 0;
    std::vector<std::string> metricNames;
    std::vector<float> mean;
    std::vector<float> std;

    int featureDim() const { return embeddingDim + int(metricNames.size()); }
    bool operator==(const FeatureLayout &other) const;
};

/**
 * The layout of `ds` with metric statistics taken over the items that `trainingItems` lists
 * (the training split). A metric an item lacks does not count; a constant or absent column gets
 * std 1 (and mean 0 if no training item has it).
 */
FeatureLayout computeLayout(const Dataset &ds, const std::vector<int32_t> &trainingItems);

/// Items × F raw feature rows of `ds` in `layout`: metrics matched by name, missing ones take the
/// layout's mean (so they standardise to 0); metrics the layout does not know are ignored.
std::vector<float> rawFeatureMatrix(const Dataset &ds, const FeatureLayout &layout);

/// Standardises raw rows in place with the layout's mean and std.
void standardise(std::vector<float> &rows, const FeatureLayout &layout);

} // namespace ranker
