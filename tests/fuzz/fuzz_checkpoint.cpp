// Fuzzes the .pth reader: any bytes as a checkpoint file must give a checkpoint that is whole
// (shapes that fit the model, finite weights, bounded epoch, moments that fit the weights) and that
// our writer writes back to the same checkpoint — or one Error, one line naming the file. Never a
// crash, a hang or another exception.
//
// An input that starts like a zip archive is the whole file. Anything else is taken as data.pkl
// and put into an archive with storages data/0 … data/63 of 64 floats each, so that mutations of
// the pickle reach the unpickler and the checks behind it without having to forge a zip each time.
#include "checkpoint_check.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view input(reinterpret_cast<const char *>(data), size);
    const std::string problem = ranker::fuzz::checkpointProblem(input);
    if (!problem.empty()) {
        std::fprintf(stderr, "checkpoint check failed: %s\n", problem.c_str());
        __builtin_trap();
    }
    return 0;
}
