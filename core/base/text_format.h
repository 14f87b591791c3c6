#pragma once
// How long something took or will take, written one way by the CLI, the Train place and History
// (issue 13: "1:05" in one place, "1m 05s" in another).

#include <cmath>
#include <cstdio>
#include <string>

namespace ranker {

/// "0.42 s", "12.3 s", "1m 05s", "2h 03m"; "–" when `seconds` is not a finite, non-negative number.
inline std::string formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return "–";
    char text[48];
    if (seconds < 10)
        std::snprintf(text, sizeof text, "%.2f s", seconds);
    else if (seconds < 60)
        std::snprintf(text, sizeof text, "%.1f s", seconds);
    else if (const long long s = std::llround(seconds); s < 3600)
        std::snprintf(text, sizeof text, "%lldm %02llds", s / 60, s % 60);
    else
        std::snprintf(text, sizeof text, "%lldh %02lldm", s / 3600, (s % 3600) / 60);
    return text;
}

} // namespace ranker
