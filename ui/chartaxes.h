#pragma once
// Qt Charts: QChart::removeAxis() only gives up an axis; charts that are refilled must delete them.

#include <QAbstractAxis>
#include <QChart>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace ranker::ui {

/// Removes every axis from `chart` and deletes it.
inline void deleteAxes(QChart *chart)
{
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

/// The step between epoch ticks for `span` epochs: 1, 2 or 5 times a power of ten, at most 10 ticks.
inline int epochTickStep(int span)
{
    for (int scale = 1;; scale *= 10)
        for (int m : {1, 2, 5})
            if (span <= 10 * m * scale)
                return m * scale;
}

/// Fits an epoch axis to epochs [first, last]: whole-number ticks on whole epochs (an epoch's point
/// sits on its tick, at any count), the range one step before `first` to `last`.
inline void fitEpochAxis(QValueAxis *axis, int first, int last)
{
    last = std::max(last, first);
    const int step = epochTickStep(last - first + 1);
    const int low = first - 1 - ((first - 1) % step); // a multiple of step at or before first - 1
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(step);
    axis->setMinorTickCount(0);
    axis->setLabelFormat(QStringLiteral("%d"));
    axis->setRange(std::max(0, low), last);
}

} // namespace ranker::ui
