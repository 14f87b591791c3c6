#include "core/training/threads.h"

#include "core/atomic_file.h"
#include "core/metadata.h"

#include <nlohmann/json.hpp>

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace ranker {

namespace {

/// The smallest power of two ≥ value.
int bound(int value)
{
    int p = 1;
    while (p < value && p < (1 << 30))
        p <<= 1;
    return p;
}

/// OMP_NUM_THREADS as a cap (its first number), or 0 when it is unset or not a number.
int ompCap()
{
    const char *text = std::getenv("OMP_NUM_THREADS");
    if (!text || !*text)
        return 0;
    char *end = nullptr;
    const long value = std::strtol(text, &end, 10);
    return end != text && value > 0 ? int(std::min(value, 1024L)) : 0;
}

nlohmann::json readCache(const std::string &path)
{
    try {
        nlohmann::json j = nlohmann::json::parse(readFile(path));
        if (j.is_object() && j.value("format", 0) == 1 && j.contains("classes") && j["classes"].is_object())
            return j;
    } catch (const std::exception &) {
        // missing or damaged: measured again and rewritten
    }
    return {{"format", 1}, {"classes", nlohmann::json::object()}};
}

/// How far the one-minute load average may move from a cached measurement's before it is measured again.
constexpr double kLoadChangeToMeasureAgain = 0.5;

double loadAverage()
{
    double load[1] = {0};
    return ::getloadavg(load, 1) == 1 ? load[0] : -1;
}

} // namespace

int availableCpus()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0)
        return std::max(1, CPU_COUNT(&set));
    return std::max(1, int(std::thread::hardware_concurrency()));
}

std::string threadCachePath()
{
    const char *xdg = std::getenv("XDG_CACHE_HOME");
    if (xdg && *xdg == '/')
        return std::string(xdg) + "/ranker-studio/threads.json";
    const char *home = std::getenv("HOME");
    if (home && *home)
        return std::string(home) + "/.cache/ranker-studio/threads.json";
    return {};
}

std::string threadShapeClass(const FastShape &shape, int cpus, int maxThreads)
{
    return "cpus=" + std::to_string(cpus) + " threads<=" + std::to_string(maxThreads) +
           " features<=" + std::to_string(bound(shape.features)) + " hidden<=" + std::to_string(bound(shape.hidden)) +
           " batch<=" + std::to_string(bound(shape.maxBatch));
}

ThreadChoice chooseThreads(int asked, const FastShape &shape, double dropout)
{
    ThreadChoice choice;
    if (asked > 0) {
        choice.threads = asked;
        choice.source = "asked";
        return choice;
    }
    const int cpus = availableCpus();
    const int cap = ompCap();
    const int most = cap > 0 ? std::min(cap, cpus) : cpus;
    if (most <= 1) {
        choice.threads = 1;
        choice.source = cpus <= 1 ? "one CPU" : "OMP_NUM_THREADS";
        return choice;
    }
    choice.shapeClass = threadShapeClass(shape, cpus, most);

    const std::string path = threadCachePath();
    nlohmann::json cache = path.empty() ? nlohmann::json() : readCache(path);
    if (!path.empty()) {
        const nlohmann::json &classes = cache["classes"];
        if (classes.contains(choice.shapeClass)) {
            const nlohmann::json &entry = classes[choice.shapeClass];
            const int threads = entry.value("threads", 0);
            // Measured while the machine was busier (or quieter) by half a core or more than now:
            // that choice may be the slower one now (one thread wins on a busy two-core machine, two
            // on an idle one), so it is measured again; the calibration costs a few steps.
            const double then = entry.contains("load_average") && entry["load_average"].is_number()
                                    ? entry["load_average"].get<double>()
                                    : -1;
            const double now = loadAverage();
            const bool sameLoad = then < 0 || now < 0 || std::abs(then - now) < kLoadChangeToMeasureAgain;
            if (threads >= 1 && threads <= most && sameLoad) {
                choice.threads = threads;
                choice.source = "cached";
                if (entry.contains("seconds_per_step") && entry["seconds_per_step"].is_object())
                    for (auto it = entry["seconds_per_step"].begin(); it != entry["seconds_per_step"].end(); ++it)
                        if (it.value().is_number())
                            choice.secondsPerStep.emplace_back(std::atoi(it.key().c_str()), it.value().get<double>());
                return choice;
            }
        }
    }

    std::vector<int> candidates;
    for (int t = 1; t < most; t *= 2)
        candidates.push_back(t);
    candidates.push_back(most);
    const std::vector<double> seconds = measureStepSeconds(shape, candidates, 3, dropout);
    size_t chosen = 0;
    for (size_t i = 1; i < candidates.size(); ++i)
        if (seconds[i] < 0.95 * seconds[chosen])
            chosen = i;
    choice.threads = candidates[chosen];
    choice.source = "calibrated";
    nlohmann::json measured = nlohmann::json::object();
    for (size_t i = 0; i < candidates.size(); ++i) {
        choice.secondsPerStep.emplace_back(candidates[i], seconds[i]);
        measured[std::to_string(candidates[i])] = seconds[i];
    }
    if (!path.empty()) {
        try {
            std::filesystem::create_directories(std::filesystem::path(path).parent_path());
            cache["classes"][choice.shapeClass] = {{"threads", choice.threads},
                                                   {"seconds_per_step", measured},
                                                   {"measured_at", isoTimestampUtc()},
                                                   {"load_average", loadAverage()}};
            writeFileAtomically(path, cache.dump(2) + "\n");
        } catch (const std::exception &) {
            // A read-only or full cache folder: the choice stands, it is measured again next time.
        }
    }
    return choice;
}

} // namespace ranker
