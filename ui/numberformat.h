#pragma once
// One format for accuracies everywhere the studio shows one (issue 14: "0.975" in one table,
// "97.5 %" in the list): percent with one decimal, "97.5 %", and "–" when there is none.

#include "core/training/quality.h"

#include <QString>

namespace ranker::ui {

/// `share` (0.975) as the studio shows every accuracy: "97.5 %"; "–" when not finite.
inline QString percentText(double share)
{
    return QString::fromStdString(ranker::formatPercent(share));
}

} // namespace ranker::ui
