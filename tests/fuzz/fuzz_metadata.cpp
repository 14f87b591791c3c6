// Fuzzes what reads a run folder that anyone may have written: the metadata reader, the History
// panel's summary of a run (epoch series, comparison fields, the training settings to reuse) and
// the notes sidecar. A damaged or foreign file must give a broken run (or empty notes) with a
// reason, never a crash, a hang or an exception escaping.
#include "core/error.h"
#include "core/run_history.h"
#include "core/runs.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace {
void writeBytes(const std::string &path, const uint8_t *data, size_t size)
{
    if (std::FILE *f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std::string folder = [] {
        std::string dir = "/dev/shm/ranker-fuzz-metadata-" + std::to_string(getpid());
        std::filesystem::create_directories(dir);
        return dir;
    }();
    writeBytes(folder + "/run_metadata.json", data, size);
    const ranker::RunInfo run = ranker::readRun(folder);
    if (run.broken && run.problem.empty())
        __builtin_trap();
    // What the History panel shows of it: never throws, whatever the file holds.
    const ranker::RunSummary summary = ranker::summarizeRun(run);
    if (summary.broken && summary.problem.empty())
        __builtin_trap();
    if (summary.fieldText.size() != ranker::comparisonFields().size() ||
        summary.fieldNumber.size() != ranker::comparisonFields().size())
        __builtin_trap();
    if (!run.broken)
        (void)ranker::trainConfigJson(run.metadata);

    // The same bytes as a notes sidecar: read as notes, or refused with an Error naming the file.
    writeBytes(folder + "/" + ranker::kRunNotesFileName, data, size);
    try {
        (void)ranker::readRunNotes(folder);
    } catch (const ranker::Error &) {
    }
    std::remove((folder + "/" + ranker::kRunNotesFileName).c_str());
    return 0;
}
