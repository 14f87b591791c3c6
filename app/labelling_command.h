#pragma once
// `ranker-train suggest` (the pairs worth labelling next, as dataset lines to fill in) and
// `ranker-train bt` (the Bradley–Terry ranking fitted from the labels alone), issue 15.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace ranker::cli {

class JsonStdout;

struct LabellingOptions
{
    CLI::App *suggest = nullptr;
    CLI::App *bt = nullptr;
    std::string input;
    std::string model;  ///< suggest: a run folder or .pth (optional)
    std::string output; ///< suggest: JSONL file; bt: CSV file (atomically; default stdout)
    std::string strategy = "uncertain";
    std::string embeddings;
    std::string items; ///< suggest: more items to pair (JSONL of items or pairs)
    size_t count = 20;
    uint64_t seed = 1;
    int embeddingDim = 1536; ///< without --model (a model brings its own)
    double coverageWeight = 0.35;
    size_t top = 0;
    bool acrossTypes = false;
    bool strict = false;
    bool json = false;
};

/// Adds the `suggest` and `bt` sub-commands to `app`.
void addLabellingCommands(CLI::App &app, LabellingOptions &options);

/// The usage line of `suggest` or `bt`, or empty for another command.
std::string labellingUsage(const std::string &command);

/// @return the exit code (0: pairs written; 1: an error, --output untouched; 2: a usage error).
int runSuggestCommand(const LabellingOptions &options, JsonStdout &json);
/// @return the exit code (0: ranking printed or written; 1: an error, --output untouched).
int runBradleyTerryCommand(const LabellingOptions &options, JsonStdout &json);

} // namespace ranker::cli
