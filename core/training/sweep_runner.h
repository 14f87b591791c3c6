#pragma once
// Runs a sweep's trials, side by side, each as a `ranker-train` process of its own. A process per
// trial: LibTorch's random generator and thread settings are process-wide, so trials in one
// process would share them (no determinism); a process also keeps one trial's failure from the
// others, and a stopped sweep leaves each trial a complete run folder or none. The cost, LibTorch's
// start (~0.5 s a trial), is measured in bench/sweep_bench.py. No LibTorch, no Qt.

#include "core/dataset.h"
#include "core/training/sweep.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ranker {

struct SweepRequest
{
    std::string input;    ///< the dataset every trial trains on
    LoadOptions load;     ///< its embedding dimension, embeddings file, strictness, line limit
    std::string testPath; ///< a test file each trial is evaluated on (never used to rank them)
    std::string folder;   ///< the sweep's folder: sweep.json and one run folder per trial
    std::string trainer;  ///< the ranker-train executable
    SweepSpec spec;
    /// Continue the sweep in `folder` (its sweep.json decides the trials; finished ones are kept).
    bool resume = false;
};

/// Progress of a sweep, on the thread that called runSweep().
class SweepObserver
{
public:
    virtual ~SweepObserver() = default;
    /// The trials and how many run side by side, before the first starts.
    virtual void onSweepStarted(const std::vector<SweepTrial> &, int /*parallel*/) {}
    virtual void onTrialStarted(const SweepTrial &) {}
    /// One line of a trial's progress, as `ranker-train --progress jsonl` writes it ("event":
    /// "phase", "epoch", "batch" or "log").
    virtual void onTrialProgress(const SweepTrial &, const nlohmann::json & /*event*/) {}
    /// A trial ended (its status says how); `ranking` ranks every trial finished so far.
    virtual void onTrialFinished(const SweepTrial &, const std::vector<TrialResult> & /*ranking*/) {}
    virtual void onLog(const std::string &) {}
    /// Polled while trials run; true stops them (each finishes its batch and writes a cancelled run).
    virtual bool stopRequested() { return false; }
};

struct SweepResult
{
    std::vector<SweepTrial> trials;
    std::vector<TrialResult> ranking; ///< best first
    int parallel = 1;
    bool stopped = false;
    double seconds = 0;
};

/// The command-line flags that give `config` to ranker-train (every setting, so a trial does not
/// depend on ranker-train's defaults).
std::vector<std::string> trainArguments(const TrainConfig &config);

/**
 * Runs the trials of `request` that are not done yet, `parallel` at a time (spec.parallel, or
 * sideBySide()), writing sweep.json after each trial; a stop leaves the unfinished trials pending
 * or cancelled, to run on resume.
 * @throw Error for a bad spec, a folder that cannot be written, a sweep.json that does not match
 *        on resume, or a trainer that cannot be started.
 */
SweepResult runSweep(const SweepRequest &request, SweepObserver &observer);

} // namespace ranker
