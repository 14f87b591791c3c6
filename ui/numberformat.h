#pragma once
// One format for accuracies everywhere the studio shows one (issue 14: "0.975" in one table,
// "97.5 %" in the list): percent with one decimal, "97.5 %", and "–" when there is none. And the
// one qs() that the places use for core's strings (there were seven copies).

#include "core/training/quality.h"

#include <QString>

#include <string>

namespace ranker::ui {

/// Core's UTF-8 text as Qt's.
inline QString qs(const std::string &text)
{
    return QString::fromStdString(text);
}

/// `share` (0.975) as the studio shows every accuracy: "97.5 %"; "–" when not finite.
inline QString percentText(double share)
{
    return QString::fromStdString(ranker::formatPercent(share));
}

} // namespace ranker::ui
