#include "core/evaluate.h"

#include "core/dataset.h"
#include "core/features.h"
#include "core/model.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ranker {

double Breakdown::accuracy() const
{
    return decisive > 0 ? double(correct) / double(decisive) : std::numeric_limits<double>::quiet_NaN();
}

double Breakdown::tieAgreement() const
{
    return ties > 0 ? double(tiesAgree) / double(ties) : std::numeric_limits<double>::quiet_NaN();
}

std::vector<float> scoreItems(const RankerModel &model, const Dataset &ds)
{
    std::vector<float> rows = rawFeatureMatrix(ds, model.layout());
    return model.score(rows.data(), int64_t(ds.items.size()));
}

std::vector<RankedItem> rankItems(const RankerModel &model, const Dataset &ds)
{
    const std::vector<float> scores = scoreItems(model, ds);
    std::vector<RankedItem> ranked(scores.size());
    for (size_t i = 0; i < scores.size(); ++i)
        ranked[i] = {i, scores[i]};
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const RankedItem &a, const RankedItem &b) { return a.score > b.score; });
    return ranked;
}

namespace {

void count(Breakdown &b, int label, double diff, double margin)
{
    ++b.pairs;
    if (label == 0) {
        ++b.ties;
        b.tiesAgree += std::fabs(diff) < margin;
    } else {
        ++b.decisive;
        b.correct += diff * label > 0;
    }
}

std::string typeKey(const std::string &a, const std::string &b)
{
    std::string x = a.empty() ? "(none)" : a, y = b.empty() ? "(none)" : b;
    if (x == y)
        return x;
    if (y < x)
        std::swap(x, y);
    return x + " vs " + y;
}

nlohmann::json numberOrNull(double value)
{
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json toJson(const Breakdown &b)
{
    return {{"pairs", b.pairs},     {"decisive", b.decisive},
            {"correct", b.correct}, {"accuracy", numberOrNull(b.accuracy())},
            {"ties", b.ties},       {"tie_agreement", numberOrNull(b.tieAgreement())}};
}

} // namespace

std::vector<double> scoreDiffs(const RankerModel &model, const Dataset &ds, const std::vector<int32_t> &pairs)
{
    const std::vector<float> scores = scoreItems(model, ds);
    std::vector<double> diffs;
    diffs.reserve(pairs.size());
    for (int32_t index : pairs) {
        const Pair &p = ds.pairs[size_t(index)];
        diffs.push_back(double(scores[size_t(p.a)]) - double(scores[size_t(p.b)]));
    }
    return diffs;
}

Evaluation evaluate(const RankerModel &model, const Dataset &ds, const std::vector<int32_t> &pairs, double margin,
                    size_t worst)
{
    std::vector<int32_t> all;
    const std::vector<int32_t> *list = &pairs;
    if (pairs.empty()) {
        all.resize(ds.pairs.size());
        for (size_t i = 0; i < all.size(); ++i)
            all[i] = int32_t(i);
        list = &all;
    }
    return evaluateDiffs(ds, *list, scoreDiffs(model, ds, *list), margin, worst);
}

Evaluation evaluateDiffs(const Dataset &ds, const std::vector<int32_t> &pairs, const std::vector<double> &diffs,
                         double margin, size_t worst)
{
    Evaluation e;
    e.margin = margin;
    std::vector<ScoredPair> scored;
    scored.reserve(pairs.size());
    e.scoreDiffs.reserve(pairs.size());
    for (size_t k = 0; k < pairs.size() && k < diffs.size(); ++k) {
        const int32_t index = pairs[k];
        const Pair &p = ds.pairs[size_t(index)];
        const double diff = diffs[k];
        e.scoreDiffs.push_back(diff);
        count(e.overall, p.label, diff, margin);
        count(e.byItemType[typeKey(ds.items[size_t(p.a)].itemType, ds.items[size_t(p.b)].itemType)], p.label, diff,
              margin);
        if (p.reasonTags.empty())
            count(e.byReasonTag["(none)"], p.label, diff, margin);
        for (int tag : p.reasonTags)
            count(e.byReasonTag[ds.reasonTagNames[size_t(tag)]], p.label, diff, margin);
        const int predicted = std::fabs(diff) < margin ? 1 : diff > 0 ? 2 : 0;
        ++e.confusion[size_t(p.label + 1)][size_t(predicted)];
        // The margin loss itself measures how wrong a pair is.
        const double wrongness =
            p.label == 0 ? std::max(0.0, std::fabs(diff) - margin) : std::max(0.0, -diff * p.label);
        scored.push_back({index, diff, wrongness});
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const ScoredPair &x, const ScoredPair &y) { return x.wrongness > y.wrongness; });
    for (const ScoredPair &s : scored) {
        if (e.mostWrong.size() >= worst || s.wrongness <= 0)
            break;
        e.mostWrong.push_back(s);
    }
    return e;
}

nlohmann::json toJson(const Evaluation &e, const Dataset &ds)
{
    nlohmann::json out;
    out["margin"] = e.margin;
    out["overall"] = toJson(e.overall);
    for (const auto &entry : e.byItemType)
        out["by_item_type"][entry.first] = toJson(entry.second);
    for (const auto &entry : e.byReasonTag)
        out["by_reason_tag"][entry.first] = toJson(entry.second);
    out["confusion"] = {
        {"labels", {"-1", "0", "1"}}, {"predicted", {"B preferred", "equal", "A preferred"}}, {"counts", e.confusion}};
    nlohmann::json worst = nlohmann::json::array();
    for (const ScoredPair &s : e.mostWrong) {
        const Pair &p = ds.pairs[size_t(s.pair)];
        worst.push_back({{"line", p.line},
                         {"item_a", ds.items[size_t(p.a)].id},
                         {"item_b", ds.items[size_t(p.b)].id},
                         {"label", p.label},
                         {"score_diff", s.scoreDiff}});
    }
    out["most_wrong"] = worst;
    return out;
}

} // namespace ranker
