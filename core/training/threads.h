#pragma once
// How many threads the fast training path uses: what was asked, or the fastest, measured once per
// machine and shape class and cached. No LibTorch.

#include "core/training/fast_mlp.h"

#include <string>
#include <utility>
#include <vector>

namespace ranker {

struct ThreadChoice
{
    int threads = 1;
    /// Why: "asked" (--threads N), "calibrated" (measured now), "cached" (measured by an earlier
    /// run on this machine), "OMP_NUM_THREADS" (the environment allows one) or "one CPU".
    std::string source;
    std::string shapeClass;                             ///< the cache key, for the metadata
    std::vector<std::pair<int, double>> secondsPerStep; ///< the measurement behind it (threads → s)
};

/// CPUs this process may run on (its affinity mask), at least 1.
int availableCpus();

/// $XDG_CACHE_HOME/ranker-studio/threads.json, else ~/.cache/ranker-studio/threads.json ("" without a home).
std::string threadCachePath();

/// The cache key of a shape: CPU count, most threads allowed, and powers of two bounding the
/// features, hidden units and batch.
std::string threadShapeClass(const FastShape &shape, int cpus, int maxThreads);

/**
 * `asked` > 0 is taken as it is. For 0: the fastest thread count for `shape` on this machine,
 * from the cache, else measured now (a few training steps of a scratch model at 1, 2, 4, … up to
 * the CPU count, alternating, well under a second) and cached. A larger count must beat a
 * smaller one by 5 % to be chosen: a core taken from a shared machine must pay for itself.
 * OMP_NUM_THREADS, when set, caps the counts tried. Never changes any training numbers: the fast
 * path gives the same bits with any thread count. A cache that cannot be read or written is
 * ignored.
 */
ThreadChoice chooseThreads(int asked, const FastShape &shape, double dropout);

} // namespace ranker
