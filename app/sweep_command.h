#pragma once
// `ranker-train sweep`: a grid or a seeded random search over the training settings, each trial an
// ordinary run folder inside the sweep's folder, ranked by its validation on unseen items.

#include "core/pipeline.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <string>
#include <vector>

namespace ranker::cli {

struct SweepOptions
{
    CLI::App *command = nullptr;
    std::vector<std::string> params; ///< --param KEY=V1,V2 | KEY=LOW:HIGH[:log]
    bool seedGrid = false;           ///< the seed guide's 27-trial grid
    int random = 0;                  ///< --random N: seeded random search of N trials
    uint64_t randomSeed = 1;
    int parallel = 0; ///< trials side by side (0: one per core)
    bool resume = false;
    bool refitBest = false; ///< then train the best trial's settings on every pair into SWEEP/best
};

/// Adds the `sweep` sub-command to `app`. Training flags given after it (--epochs, --input, …) set
/// the base configuration in `request`, as for a single run.
SweepOptions &addSweepCommand(CLI::App &app, SweepOptions &options);

/// Runs the sweep; @return the exit code (0: every trial finished; 1: some failed; 130: stopped).
int runSweepCommand(const PipelineRequest &request, const SweepOptions &options, const std::atomic_bool &interrupted,
                    class JsonStdout &json);

} // namespace ranker::cli
