#pragma once
// Helper threads for the fast training path. No LibTorch, no OpenMP.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace ranker {

/**
 * Runs a list of tasks on the calling thread and a few helper threads. The caller fixes the list
 * from the work's shape alone, never from the thread count, so that every task computes the same
 * numbers whichever thread runs it and however many there are.
 *
 * Whoever is free claims the next task; the caller works too and waits only for tasks a helper has
 * already started. A helper that other load keeps off its core therefore costs its share of the
 * work and nothing more: there is no barrier that waits for every thread to arrive (which is what
 * makes OpenMP's spinning teams collapse on a busy machine). Idle helpers spin for a short while,
 * since the next part of a training step follows within microseconds, then sleep.
 */
class WorkPool
{
public:
    /// `threads` in total, the caller included (1: no helpers). `onStart` runs first on each helper.
    explicit WorkPool(int threads, void (*onStart)() = nullptr);
    ~WorkPool();
    WorkPool(const WorkPool &) = delete;
    WorkPool &operator=(const WorkPool &) = delete;

    int threads() const { return int(m_helpers.size()) + 1; }

    /// Calls task(index, worker) for every index in [0, count), each once, in any order; worker is
    /// 0 for the caller and 1..threads()-1 for the helpers (for per-thread scratch memory). Returns
    /// when all are done. Tasks must not throw.
    template <typename Task> void run(int count, Task &&task)
    {
        if (count <= 0)
            return;
        if (m_helpers.empty() || count == 1) {
            for (int i = 0; i < count; ++i)
                task(i, 0);
            return;
        }
        runErased(
            count, [](void *context, int index, int worker) { (*static_cast<Task *>(context))(index, worker); }, &task);
    }

private:
    using Call = void (*)(void *, int, int);
    void runErased(int count, Call call, void *context);
    void helperLoop(int worker, void (*onStart)());
    bool claim(uint32_t generation, int &index);

    // One word for the region in progress: generation (32 bits), task count (16), next task (16).
    // Claiming is a compare-and-swap on it, so a late helper can never claim into a newer region.
    std::atomic<uint64_t> m_work{0};
    std::atomic<int> m_done{0};
    Call m_call = nullptr;
    void *m_context = nullptr;
    uint32_t m_generation = 0;

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::atomic<int> m_sleepers{0};
    std::atomic<bool> m_stop{false};
    std::vector<std::thread> m_helpers;
};

} // namespace ranker
