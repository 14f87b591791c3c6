#pragma once
// Qt Charts: QChart::removeAxis() only gives up an axis; charts that are refilled must delete them.

#include <QAbstractAxis>
#include <QChart>

namespace ranker::ui {

/// Removes every axis from `chart` and deletes it.
inline void deleteAxes(QChart *chart)
{
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

} // namespace ranker::ui
