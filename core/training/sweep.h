#pragma once
// Hyperparameter sweeps: a grid or a seeded random search over any training setting. Each trial is
// an ordinary run folder inside the sweep's folder, so History, ranker-rank and the studio read it
// like any run; sweep.json in the folder says what the sweep asked for and which trials are done,
// so that a stopped sweep resumes where it stopped. No LibTorch, no Qt.

#include "core/trainer.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ranker {

/// One setting the sweep varies, by its TrainConfig JSON key (toJson(TrainConfig)'s names:
/// learning_rate, batch_size, margin, hidden_dim, dropout, weight_decay, epochs, patience, …).
struct SweepParameter
{
    std::string key;
    /// The values to try (a grid's axis, or the choices a random search draws from).
    std::vector<nlohmann::json> values;
    /// A random search may draw from a range instead: [low, high], on a log scale when `logScale`,
    /// rounded to integers when `integer`.
    bool range = false;
    double low = 0, high = 0;
    bool logScale = false;
    bool integer = false;
};

/// The seed guide's tuning advice as a grid: learning rate 0.01, 0.001, 0.0001 × batch size 16,
/// 32, 64 × margin 0.5, 1.0, 2.0 (27 trials).
std::vector<SweepParameter> seedGuideGrid();

/**
 * Parses "key=v1,v2,v3" (a grid axis or choices) or "key=low:high[:log]" (a range for random
 * search). Keys are checked against the settings a sweep may vary; values against their type.
 * @throw Error naming the parameter and what is wrong.
 */
SweepParameter parseSweepParameter(const std::string &text);

/// The settings a sweep may vary (the Train form's), with their types.
bool isSweepableKey(const std::string &key);
const std::vector<std::string> &sweepableKeys();

struct SweepSpec
{
    std::string name = "sweep";
    TrainConfig base; ///< every setting a trial does not vary
    std::vector<SweepParameter> parameters;
    bool random = false; ///< seeded random search (`trials` draws) instead of the full grid
    int trials = 0;      ///< random search: how many
    uint64_t seed = 1;   ///< random search: the draws
    int parallel = 0;    ///< trials side by side (0: decided by sideBySide())
};

/// One trial: its settings (the varied keys only) and where it stands.
struct SweepTrial
{
    int index = 0;                  ///< 1-based
    nlohmann::json settings;        ///< {key: value} for the varied keys
    std::string folder;             ///< the run folder's name inside the sweep folder
    std::string status = "pending"; ///< pending, done, failed, cancelled
    std::string message;            ///< why it failed, when it did
};

/**
 * The trials `spec` asks for: the grid's every combination in order, or `trials` seeded draws.
 * @throw Error for an empty grid, a random search without a count, or more than 10,000 trials.
 */
std::vector<SweepTrial> expandTrials(const SweepSpec &spec);

/// The full configuration of a trial: the base with the trial's settings applied.
TrainConfig trialConfig(const SweepSpec &spec, const SweepTrial &trial);

/// "trial-07 learning_rate=0.001 batch_size=16" as a folder-safe name: trial-07-lr0.001-bs16.
std::string trialFolderName(const SweepTrial &trial);

/// The sweep's own file in its folder.
constexpr const char *kSweepFileName = "sweep.json";

nlohmann::json toJson(const SweepSpec &spec, const std::vector<SweepTrial> &trials);

/**
 * Reads a sweep folder's sweep.json back (a stopped sweep, to resume it).
 * @throw Error naming the file when it is missing, malformed, or not a sweep's.
 */
void readSweep(const std::string &folder, SweepSpec &spec, std::vector<SweepTrial> &trials);

/// Writes sweep.json atomically.
void writeSweep(const std::string &folder, const SweepSpec &spec, const std::vector<SweepTrial> &trials);

/// A trial's place in the ranking: read from its run folder's metadata.
struct TrialResult
{
    int index = 0;
    bool finished = false; ///< its run folder holds a completed run
    double score = 0;      ///< selectionQuality(): validation on unseen items, or CV (never the test file)
    double tieBreak = 0;   ///< the one-new-item accuracy, for equal scores (losses of other margins differ in scale)
    std::string label;     ///< the figure, for people
    std::string verdict;   ///< good, warning, bad
    std::string runFolder; ///< full path
};

/// The trials' results from their run folders, best first (finished ones with a figure first).
std::vector<TrialResult> rankTrials(const std::string &sweepFolder, const std::vector<SweepTrial> &trials);

/**
 * How many trials to run side by side on `cores` cores: each trial runs on one thread (measured:
 * at these sizes one trial gains little from a second thread, two trials run almost twice as fast
 * as one after the other), so as many as there are cores, no more than the trials, and no more
 * than the memory allows for a dataset of `datasetBytes` per trial process.
 */
int sideBySide(int cores, int trials, uint64_t datasetBytes, uint64_t memoryBytes);

} // namespace ranker
