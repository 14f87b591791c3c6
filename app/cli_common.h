#pragma once
// Small formatting helpers shared by the command-line tools.

#include "core/base/text_format.h"
#include "core/dataset.h"
#include "core/model.h"
#include "core/version.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace ranker::cli {

/// `--version`'s text: the tool, and which LibTorch it runs on (a build may use another than Debian's).
inline std::string versionText(const char *tool)
{
    const DeviceInfo info = deviceInfo();
    return std::string(tool) + " " + RANKER_VERSION + "\nLibTorch " + info.libtorchVersion + " (" +
           (info.libtorchPath.empty() ? std::string("unknown location") : info.libtorchPath) + ")\nCUDA: " +
           (info.cudaAvailable ? std::to_string(info.cudaDeviceCount) + " device(s)"
                               : "not available (" + info.cudaUnavailableReason + ")");
}

inline std::string firstLine(const std::string &text)
{
    return text.substr(0, text.find('\n'));
}

inline void clearLine()
{
    if (::isatty(STDERR_FILENO))
        std::fputs("\r\033[K", stderr);
}

inline std::string formatNumber(double value, const char *format)
{
    if (!std::isfinite(value))
        return "-";
    char text[64];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

inline std::string formatNumber(const nlohmann::json &value, const char *format)
{
    return value.is_number() ? formatNumber(value.get<double>(), format) : "-";
}

inline std::string formatPercent(double value)
{
    return std::isfinite(value) ? formatNumber(100.0 * value, "%.1f%%") : "-";
}

inline std::string formatPercent(const nlohmann::json &value)
{
    return value.is_number() ? formatPercent(value.get<double>()) : "-";
}

inline std::string formatBytes(uint64_t bytes)
{
    char text[32];
    if (bytes >= (1ull << 30))
        std::snprintf(text, sizeof text, "%.2f GiB", double(bytes) / double(1ull << 30));
    else if (bytes >= (1ull << 20))
        std::snprintf(text, sizeof text, "%.1f MiB", double(bytes) / double(1ull << 20));
    else
        std::snprintf(text, sizeof text, "%.1f KiB", double(bytes) / 1024.0);
    return text;
}

using ranker::formatDuration; // core/base/text_format.h

/// What was read: counts, label balance, and the first bad lines with their numbers.
inline void printDatasetSummary(std::FILE *out, const Dataset &ds)
{
    std::fprintf(out, "read %s: %lld rows, %zu valid pairs (label 1: %lld, 0: %lld, -1: %lld), %zu unique items",
                 ds.path.c_str(), static_cast<long long>(ds.rows()), ds.pairs.size(),
                 static_cast<long long>(ds.labelCount(1)), static_cast<long long>(ds.labelCount(0)),
                 static_cast<long long>(ds.labelCount(-1)), ds.items.size());
    if (!ds.metricNames.empty())
        std::fprintf(out, ", %zu metrics", ds.metricNames.size());
    if (ds.itemsWithoutEmbedding > 0)
        std::fprintf(out, ", %lld items without embedding (zeros)", static_cast<long long>(ds.itemsWithoutEmbedding));
    std::fprintf(out, "\n");
    constexpr size_t shown = 10;
    if (!ds.skipped.empty()) {
        std::fprintf(out, "skipped %zu bad lines:\n", ds.skipped.size());
        for (size_t i = 0; i < ds.skipped.size() && i < shown; ++i)
            std::fprintf(out, "  %s:%lld: %s\n", ds.path.c_str(), static_cast<long long>(ds.skipped[i].line),
                         ds.skipped[i].reason.c_str());
        if (ds.skipped.size() > shown)
            std::fprintf(out, "  … and %zu more\n", ds.skipped.size() - shown);
    }
    for (size_t i = 0; i < ds.warnings.size() && i < shown; ++i)
        std::fprintf(out, "warning: %s%s\n",
                     ds.warnings[i].line > 0 ? (ds.path + ":" + std::to_string(ds.warnings[i].line) + ": ").c_str()
                                             : "",
                     ds.warnings[i].reason.c_str());
    if (ds.warnings.size() > shown)
        std::fprintf(out, "  … and %zu more warnings\n", ds.warnings.size() - shown);
    if (!ds.pairs.empty() && ds.pairs.size() < 100)
        std::fprintf(out, "note: %zu pairs is few; the guide advises at least 100–200\n", ds.pairs.size());
}

} // namespace ranker::cli
