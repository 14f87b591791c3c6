#pragma once
// A few threads over a fixed list of independent tasks (run listings: parsing dominates).

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace ranker {

/// Calls work(i) for every i in [0, n), on up to 8 threads (the calling one included).
template <typename Work> void forEachOnThreads(size_t n, Work work)
{
    const size_t threads = std::min<size_t>({std::max(1u, std::thread::hardware_concurrency()), 8, n});
    std::atomic<size_t> next{0};
    auto loop = [&] {
        for (size_t i; (i = next.fetch_add(1)) < n;)
            work(i);
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t)
        pool.emplace_back(loop);
    loop();
    for (std::thread &t : pool)
        t.join();
}

} // namespace ranker
