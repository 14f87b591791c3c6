// Fuzzes the run-metadata reader: a damaged or foreign *_metadata.json must give a broken run
// with a reason, never a crash or an exception escaping readRun().
#include "core/runs.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std::string folder = [] {
        std::string dir = "/dev/shm/ranker-fuzz-metadata-" + std::to_string(getpid());
        std::filesystem::create_directories(dir);
        return dir;
    }();
    const std::string path = folder + "/run_metadata.json";
    if (std::FILE *f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    const ranker::RunInfo run = ranker::readRun(folder);
    if (run.broken && run.problem.empty())
        __builtin_trap();
    return 0;
}
