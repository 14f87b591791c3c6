#include "core/training/work_pool.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ranker {

namespace {

using Clock = std::chrono::steady_clock;

// How long an idle helper keeps polling before it sleeps. The parts of one training step follow
// each other within microseconds, so a helper catches the next one awake; between epochs (and in
// a stalled run) it sleeps and leaves the core to others.
constexpr auto kSpinBeforeSleep = std::chrono::microseconds(200);
// How long the caller polls for a helper's unfinished task before it yields its core, in case the
// helper is waiting for that core.
constexpr auto kSpinBeforeYield = std::chrono::microseconds(50);

constexpr uint64_t word(uint32_t generation, uint32_t count, uint32_t next)
{
    return (uint64_t(generation) << 32) | (uint64_t(count) << 16) | next;
}
constexpr uint32_t generationOf(uint64_t w)
{
    return uint32_t(w >> 32);
}
constexpr uint32_t countOf(uint64_t w)
{
    return uint32_t(w >> 16) & 0xFFFFu;
}
constexpr uint32_t nextOf(uint64_t w)
{
    return uint32_t(w) & 0xFFFFu;
}

inline void pause()
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

} // namespace

WorkPool::WorkPool(int threads, void (*onStart)())
{
    for (int worker = 1; worker < threads; ++worker)
        m_helpers.emplace_back([this, worker, onStart] { helperLoop(worker, onStart); });
}

WorkPool::~WorkPool()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop.store(true);
    }
    m_wake.notify_all();
    for (std::thread &t : m_helpers)
        t.join();
}

bool WorkPool::claim(uint32_t generation, int &index)
{
    uint64_t w = m_work.load(std::memory_order_acquire);
    while (generationOf(w) == generation && nextOf(w) < countOf(w)) {
        if (m_work.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
            index = int(nextOf(w));
            return true;
        }
    }
    return false;
}

void WorkPool::runErased(int count, Call call, void *context)
{
    // The task index has 16 bits in the work word: longer lists run as several regions.
    constexpr int kMaxTasks = 0xFFFF;
    for (int base = 0; base < count; base += kMaxTasks) {
        const int n = std::min(kMaxTasks, count - base);
        struct Offset
        {
            Call call;
            void *context;
            int base;
        } offset{call, context, base};
        const Call shifted = [](void *c, int index, int worker) {
            const Offset &o = *static_cast<Offset *>(c);
            o.call(o.context, o.base + index, worker);
        };
        m_call = base == 0 ? call : shifted;
        m_context = base == 0 ? context : &offset;
        m_done.store(0, std::memory_order_relaxed);
        const uint32_t generation = ++m_generation;
        // seq_cst: ordered before the sleeper count read below (see helperLoop).
        m_work.store(word(generation, uint32_t(n), 0), std::memory_order_seq_cst);
        if (m_sleepers.load(std::memory_order_seq_cst) > 0) {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_wake.notify_all();
        }
        int index = 0;
        while (claim(generation, index)) {
            m_call(m_context, index, 0);
            m_done.fetch_add(1, std::memory_order_acq_rel);
        }
        // Every task is claimed; wait for those a helper is still running.
        const Clock::time_point start = Clock::now();
        unsigned polls = 0;
        while (m_done.load(std::memory_order_acquire) < n) {
            if (++polls % 64 == 0 && Clock::now() - start > kSpinBeforeYield)
                std::this_thread::yield();
            else
                pause();
        }
    }
}

void WorkPool::helperLoop(int worker, void (*onStart)())
{
    if (onStart)
        onStart();
    uint32_t seen = 0;
    for (;;) {
        uint64_t w = m_work.load(std::memory_order_acquire);
        if (generationOf(w) == seen && !m_stop.load(std::memory_order_relaxed)) {
            const Clock::time_point start = Clock::now();
            unsigned polls = 0;
            while (generationOf(w = m_work.load(std::memory_order_acquire)) == seen &&
                   !m_stop.load(std::memory_order_relaxed)) {
                if (++polls % 64 == 0 && Clock::now() - start > kSpinBeforeSleep) {
                    std::unique_lock<std::mutex> lock(m_mutex);
                    // Announce the sleep before the last look: the caller publishes work, then
                    // reads the sleeper count, so one of the two always sees the other.
                    m_sleepers.fetch_add(1, std::memory_order_seq_cst);
                    m_wake.wait(lock, [&] {
                        return generationOf(m_work.load(std::memory_order_seq_cst)) != seen || m_stop.load();
                    });
                    m_sleepers.fetch_sub(1, std::memory_order_relaxed);
                    polls = 0;
                }
                pause();
            }
        }
        if (m_stop.load())
            return;
        seen = generationOf(w);
        int index = 0;
        while (claim(seen, index)) {
            m_call(m_context, index, worker);
            m_done.fetch_add(1, std::memory_order_acq_rel);
        }
    }
}

} // namespace ranker
