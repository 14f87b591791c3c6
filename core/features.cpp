#include "core/features.h"

#include "core/dataset.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace ranker {

bool FeatureLayout::operator==(const FeatureLayout &other) const
{
    return embeddingDim == other.embeddingDim && metricNames == other.metricNames && mean == other.mean &&
           std == other.std;
}

FeatureLayout computeLayout(const Dataset &ds, const std::vector<int32_t> &trainingItems)
{
    FeatureLayout layout;
    layout.embeddingDim = ds.embeddingDim;
    layout.metricNames = ds.metricNames;
    const size_t metrics = ds.metricNames.size();
    const size_t features = size_t(layout.featureDim());
    layout.mean.assign(features, 0.0f);
    layout.std.assign(features, 1.0f);
    // Two passes in double: the metrics are raw (stars, views, …) and can be large.
    std::vector<double> sum(metrics, 0.0), count(metrics, 0.0), squares(metrics, 0.0);
    for (int32_t index : trainingItems)
        for (const auto &metric : ds.items[size_t(index)].metrics) {
            sum[size_t(metric.first)] += metric.second;
            count[size_t(metric.first)] += 1.0;
        }
    std::vector<double> mean(metrics, 0.0);
    for (size_t m = 0; m < metrics; ++m)
        mean[m] = count[m] > 0 ? sum[m] / count[m] : 0.0;
    for (int32_t index : trainingItems)
        for (const auto &metric : ds.items[size_t(index)].metrics) {
            double d = metric.second - mean[size_t(metric.first)];
            squares[size_t(metric.first)] += d * d;
        }
    for (size_t m = 0; m < metrics; ++m) {
        double sd = count[m] > 0 ? std::sqrt(squares[m] / count[m]) : 0.0;
        layout.mean[size_t(ds.embeddingDim) + m] = float(mean[m]);
        layout.std[size_t(ds.embeddingDim) + m] = sd > 1e-12 && std::isfinite(sd) ? float(sd) : 1.0f;
    }
    return layout;
}

std::vector<float> rawFeatureMatrix(const Dataset &ds, const FeatureLayout &layout)
{
    const size_t features = size_t(layout.featureDim());
    const size_t dim = size_t(layout.embeddingDim);
    std::vector<float> rows(ds.items.size() * features);
    // Dataset metric index → layout column (or -1).
    std::unordered_map<std::string, int> column;
    for (size_t m = 0; m < layout.metricNames.size(); ++m)
        column.emplace(layout.metricNames[m], int(dim + m));
    std::vector<int> map(ds.metricNames.size(), -1);
    for (size_t m = 0; m < ds.metricNames.size(); ++m) {
        auto found = column.find(ds.metricNames[m]);
        if (found != column.end())
            map[m] = found->second;
    }
    const size_t sourceDim = size_t(ds.embeddingDim);
    for (size_t i = 0; i < ds.items.size(); ++i) {
        float *row = rows.data() + i * features;
        if (sourceDim == dim)
            std::copy_n(ds.embeddings.data() + i * dim, dim, row);
        for (size_t m = dim; m < features; ++m)
            row[m] = layout.mean[m];
        for (const auto &metric : ds.items[i].metrics) {
            int c = map[size_t(metric.first)];
            if (c >= 0)
                row[c] = float(metric.second);
        }
    }
    return rows;
}

void standardise(std::vector<float> &rows, const FeatureLayout &layout)
{
    const size_t features = size_t(layout.featureDim());
    if (features == 0)
        return;
    for (size_t i = 0; i < rows.size(); i += features)
        for (size_t f = size_t(layout.embeddingDim); f < features; ++f)
            rows[i + f] = (rows[i + f] - layout.mean[f]) / layout.std[f];
}

} // namespace ranker
