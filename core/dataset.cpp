#include "core/dataset.h"

#include <algorithm>

namespace ranker {

namespace haswell_impl {
Dataset loadDataset(const std::string &path, const LoadOptions &options);
Dataset loadItems(const std::string &path, const LoadOptions &options);
std::string validateLine(const std::string &line, int embeddingDim);
} // namespace haswell_impl
namespace generic_impl {
Dataset loadDataset(const std::string &path, const LoadOptions &options);
Dataset loadItems(const std::string &path, const LoadOptions &options);
std::string validateLine(const std::string &line, int embeddingDim);
} // namespace generic_impl

namespace {

bool haveAvx2()
{
#if defined(__x86_64__) && defined(RANKER_HAVE_HASWELL_PARSER)
    static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                                  __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("lzcnt");
    return supported;
#else
    return false;
#endif
}

} // namespace

Dataset loadDataset(const std::string &path, const LoadOptions &options)
{
#if defined(RANKER_HAVE_HASWELL_PARSER)
    if (haveAvx2())
        return haswell_impl::loadDataset(path, options);
#endif
    return generic_impl::loadDataset(path, options);
}

Dataset loadItems(const std::string &path, const LoadOptions &options)
{
#if defined(RANKER_HAVE_HASWELL_PARSER)
    if (haveAvx2())
        return haswell_impl::loadItems(path, options);
#endif
    return generic_impl::loadItems(path, options);
}

std::string validateLine(const std::string &line, int embeddingDim)
{
#if defined(RANKER_HAVE_HASWELL_PARSER)
    if (haveAvx2())
        return haswell_impl::validateLine(line, embeddingDim);
#endif
    return generic_impl::validateLine(line, embeddingDim);
}

int64_t Dataset::labelCount(int label) const
{
    return std::count_if(pairs.begin(), pairs.end(), [label](const Pair &p) { return p.label == label; });
}

std::map<std::string, int64_t> Dataset::itemTypeCounts() const
{
    std::map<std::string, int64_t> counts;
    for (const Item &item : items)
        ++counts[item.itemType];
    return counts;
}

FileOnDisk checkFileOnDisk(const Dataset &ds)
{
    const FileIdentity now = fileIdentityAt(ds.path);
    if (!now.exists)
        return FileOnDisk::Removed;
    return now.sameVersion(ds.file) ? FileOnDisk::Same : FileOnDisk::Changed;
}

std::map<std::string, int64_t> Dataset::skippedByKind() const
{
    std::map<std::string, int64_t> counts;
    for (const Diagnostic &d : skipped) {
        std::string kind = d.reason.substr(0, d.reason.find_first_of(":("));
        while (!kind.empty() && kind.back() == ' ')
            kind.pop_back();
        // Group "item_a.embedding has 3 values…" and "item_b.embedding has 5 values…" together.
        for (const char *prefix : {"item_a.", "item_b."})
            if (kind.rfind(prefix, 0) == 0)
                kind = "item." + kind.substr(7);
        size_t digit = kind.find_first_of("0123456789");
        if (digit != std::string::npos && kind.rfind("line is", 0) != 0)
            kind = kind.substr(0, digit) + "N";
        ++counts[kind];
    }
    return counts;
}

std::vector<double> Dataset::metricCoverage() const
{
    std::vector<double> coverage(metricNames.size(), 0.0);
    if (items.empty())
        return coverage;
    for (const Item &item : items)
        for (const auto &metric : item.metrics)
            coverage[size_t(metric.first)] += 1.0;
    for (double &c : coverage)
        c /= double(items.size());
    return coverage;
}

} // namespace ranker
