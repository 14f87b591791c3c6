#pragma once
// Which run wins: the order a sweep ranks its trials by (rankTrials()), for the History's ★ marks.

#include "core/run_history.h"

#include <cmath>
#include <vector>

namespace ranker::ui {

/// A run that can be ranked: completed, with a selection figure (validation or CV on held-out
/// data; never the test file, which choosing by would make a second validation set).
inline bool isRankable(const RunSummary &run)
{
    return !run.broken && run.ended == "completed" && run.selection.kind != QualityFigure::None &&
           std::isfinite(run.selection.accuracy);
}

/// `a` ranks above `b`: the higher selection figure, then the higher one-new-item accuracy, then
/// the earlier folder (trial-001 before trial-002).
inline bool ranksAbove(const RunSummary &a, const RunSummary &b)
{
    if (a.selection.accuracy != b.selection.accuracy)
        return a.selection.accuracy > b.selection.accuracy;
    const double ta = std::isfinite(a.crossAccuracy) ? a.crossAccuracy : 0,
                 tb = std::isfinite(b.crossAccuracy) ? b.crossAccuracy : 0;
    if (ta != tb)
        return ta > tb;
    return a.folder < b.folder;
}

/// The index of the best rankable run in `runs`, or -1 when none is rankable.
template <typename Runs, typename Get> int bestRunIndex(const Runs &runs, Get get)
{
    int best = -1;
    for (size_t i = 0; i < runs.size(); ++i) {
        const RunSummary &run = get(runs[i]);
        if (isRankable(run) && (best < 0 || ranksAbove(run, get(runs[size_t(best)]))))
            best = int(i);
    }
    return best;
}

} // namespace ranker::ui
