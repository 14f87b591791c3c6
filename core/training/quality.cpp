#include "core/training/quality.h"

#include "core/training/split.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <limits>

namespace ranker {

namespace {

constexpr double kNaNValue = std::numeric_limits<double>::quiet_NaN();

// Metadata comes from anyone (fuzzed in CI): read it without ever throwing.
const nlohmann::json &member(const nlohmann::json &j, const char *key)
{
    static const nlohmann::json none;
    if (!j.is_object())
        return none;
    auto it = j.find(key);
    return it == j.end() ? none : *it;
}

double number(const nlohmann::json &j, const char *key)
{
    const nlohmann::json &v = member(j, key);
    return v.is_number() ? v.get<double>() : kNaNValue;
}

int64_t count(const nlohmann::json &j, const char *key)
{
    const double v = number(j, key);
    return std::isfinite(v) && v >= 0 && v < 9e15 ? int64_t(v) : 0;
}

std::string text(const nlohmann::json &j, const char *key)
{
    const nlohmann::json &v = member(j, key);
    return v.is_string() ? v.get<std::string>() : std::string();
}

std::string points(double share)
{
    char out[32];
    std::snprintf(out, sizeof out, "%.1f", 100.0 * share);
    return out;
}

std::string pairsText(int64_t n)
{
    return std::to_string(n) + (n == 1 ? " pair" : " pairs");
}

/// Not above chance: within the 95 % one-sided reach of a coin on `pairs` independent pairs.
bool atChance(double accuracy, int64_t pairs)
{
    return std::isfinite(accuracy) && pairs > 0 && accuracy - 0.5 < 1.645 * 0.5 / std::sqrt(double(pairs));
}

/// The spread of a figure as the interval says it (half the 95 % interval, back to a pair count).
int64_t independentPairs(const QualityFigure &f)
{
    return f.spread > 0 ? int64_t(std::lround(0.25 * (1.96 / f.spread) * (1.96 / f.spread))) : f.pairs;
}

QualityFigure testFigure(const nlohmann::json &m)
{
    QualityFigure f;
    const nlohmann::json &test = member(m, "test");
    const nlohmann::json &overall = member(member(test, "evaluation"), "overall");
    const double accuracy = number(overall, "accuracy");
    const int64_t pairs = count(overall, "decisive");
    if (!std::isfinite(accuracy) || pairs == 0)
        return f;
    f.kind = QualityFigure::Test;
    f.accuracy = accuracy;
    f.pairs = pairs;
    f.spread = accuracyHalfInterval(effectivePairs(pairs, count(test, "items")));
    const std::string file = text(test, "file_name");
    f.label = "test " + formatPercent(accuracy) + " on " + pairsText(pairs) + (file.empty() ? "" : " of " + file);
    f.shortLabel = formatPercent(accuracy) + " test";
    return f;
}

QualityFigure validationFigure(const nlohmann::json &m)
{
    QualityFigure f;
    const nlohmann::json &v = member(m, "validation");
    const nlohmann::json &cv = member(m, "cv");
    const double cvMean = number(member(cv, "val_accuracy"), "mean");
    if (std::isfinite(cvMean)) {
        f.kind = QualityFigure::CrossValidation;
        f.accuracy = cvMean;
        const double sd = number(member(cv, "val_accuracy"), "std");
        f.spread = std::isfinite(sd) ? sd : 0;
        f.pairs = count(member(cv, "pooled"), "decisive");
        const int64_t folds = count(cv, "finished");
        f.label = std::to_string(folds) + "-fold cross-validation " + formatPercent(cvMean) + " ± " + points(f.spread) +
                  " on unseen items";
        f.shortLabel = points(cvMean) + " ± " + points(f.spread) + " % CV";
        return f;
    }
    double accuracy = number(v, "accuracy");
    int64_t pairs = count(v, "val_decisive_pairs");
    std::string by = text(v, "by");
    if (!v.is_object()) {
        // Metadata of older versions: a pair split, its kept (or best) epoch's accuracy.
        accuracy = number(m, "kept_val_accuracy");
        if (!std::isfinite(accuracy))
            accuracy = number(m, "best_val_accuracy");
        pairs = count(member(m, "dataset"), "val_pairs");
        by = number(m, "val_split") > 0 ? "pairs" : "none";
    }
    if (!std::isfinite(accuracy) || by == "none")
        return f;
    f.accuracy = accuracy;
    f.pairs = pairs;
    f.spread = accuracyHalfInterval(by == "items" ? effectivePairs(pairs, count(v, "held_out_items")) : pairs);
    const std::string of = text(v, "of");
    if (by == "pairs") {
        f.kind = QualityFigure::OptimisticValidation;
        f.label = "validation " + formatPercent(accuracy) + " on " + pairsText(pairs) +
                  " split by pairs (optimistic: their items were trained on)";
        f.shortLabel = formatPercent(accuracy) + " val (pairs, optimistic)";
    } else {
        f.kind = QualityFigure::Validation;
        f.label = "validation " + formatPercent(accuracy) + " ± " + points(f.spread) + " on " + pairsText(pairs) +
                  " of unseen items" + (of.empty() || of == "exported model" ? "" : " (" + of + ")");
        f.shortLabel = formatPercent(accuracy) + " val";
    }
    return f;
}

} // namespace

std::string formatPercent(double share)
{
    if (!std::isfinite(share))
        return "–";
    return points(share) + " %";
}

QualityFigure headlineQuality(const nlohmann::json &metadata)
{
    QualityFigure test = testFigure(metadata);
    if (test.kind != QualityFigure::None)
        return test;
    QualityFigure f = validationFigure(metadata);
    if (f.kind == QualityFigure::None)
        f.label = "no held-out figure";
    return f;
}

QualityFigure selectionQuality(const nlohmann::json &metadata)
{
    QualityFigure f = validationFigure(metadata);
    if (f.kind == QualityFigure::None)
        f.label = "no validation figure";
    return f;
}

const char *toString(VerdictLevel level)
{
    switch (level) {
    case VerdictLevel::Good:
        return "good";
    case VerdictLevel::Warning:
        return "warning";
    case VerdictLevel::Bad:
        return "bad";
    }
    return "good";
}

Verdict judgeRun(const nlohmann::json &m)
{
    Verdict verdict;
    std::vector<std::string> bad, warnings;
    const std::string ended = text(m, "ended");
    if (ended == "diverged")
        bad.push_back(text(m, "end_message").empty() ? "the training diverged" : text(m, "end_message"));
    else if (ended == "cancelled")
        warnings.push_back("stopped before the end: " +
                           (text(m, "end_message").empty() ? "cancelled" : text(m, "end_message")));

    const nlohmann::json &scores = member(m, "scores");
    const double spread = number(scores, "max") - number(scores, "min");
    if (std::isfinite(spread) && spread < kCollapsedSpread)
        bad.push_back("the scores collapsed: every item gets (almost) the same score, so the model ranks nothing");

    const QualityFigure val = validationFigure(m);
    if (val.kind != QualityFigure::None &&
        atChance(val.accuracy, val.kind == QualityFigure::CrossValidation ? val.pairs : independentPairs(val)))
        bad.push_back((val.kind == QualityFigure::CrossValidation ? "cross-validation" : "validation") +
                      std::string(" accuracy ") + formatPercent(val.accuracy) + " on " + pairsText(val.pairs) +
                      " is not above chance: the model has not learnt what decides the labels");
    const QualityFigure test = testFigure(m);
    if (test.kind != QualityFigure::None && atChance(test.accuracy, independentPairs(test)))
        bad.push_back("test accuracy " + formatPercent(test.accuracy) + " on " + pairsText(test.pairs) +
                      " is not above chance");

    if (val.kind == QualityFigure::OptimisticValidation)
        warnings.push_back("validated on pairs whose items were also trained on: the figure is optimistic (split by "
                           "items, or use a test file, for one that predicts unseen items)");
    if ((val.kind == QualityFigure::Validation || val.kind == QualityFigure::OptimisticValidation) && val.pairs > 0 &&
        val.pairs < kFewValidationPairs)
        warnings.push_back("only " + pairsText(val.pairs) + " validated: the figure is ±" + points(val.spread) +
                           " points; cross-validation uses every item");
    const nlohmann::json &v = member(m, "validation");
    const double trainAccuracy = number(v, "train_accuracy");
    if (val.kind == QualityFigure::Validation && std::isfinite(trainAccuracy) &&
        trainAccuracy - val.accuracy > kMemorisedGap)
        warnings.push_back("memorised its training items: train accuracy " + formatPercent(trainAccuracy) +
                           " against " + formatPercent(val.accuracy) +
                           " on unseen items (more dropout or weight decay, fewer epochs, or more data)");
    const nlohmann::json &testBlock = member(m, "test");
    const int64_t seen = count(testBlock, "items_seen_in_training");
    if (seen > 0)
        warnings.push_back(std::to_string(seen) + " of the test file's " + std::to_string(count(testBlock, "items")) +
                           " items were in the training data: the test figure is optimistic for them");
    const std::string problem = text(v, "problem");
    if (!problem.empty())
        warnings.push_back("no validation: " + problem);
    else if (val.kind == QualityFigure::None && test.kind == QualityFigure::None && ended != "diverged")
        warnings.push_back("nothing was held out: no figure says how it ranks items it has not seen");

    verdict.reasons = bad;
    verdict.reasons.insert(verdict.reasons.end(), warnings.begin(), warnings.end());
    if (!bad.empty()) {
        verdict.level = VerdictLevel::Bad;
        verdict.summary = bad.front();
    } else if (!warnings.empty()) {
        verdict.level = VerdictLevel::Warning;
        verdict.summary = warnings.front();
    } else {
        verdict.level = VerdictLevel::Good;
        const QualityFigure head = headlineQuality(m);
        verdict.summary = head.label.empty() ? "no problem found" : head.label;
    }
    return verdict;
}

} // namespace ranker
