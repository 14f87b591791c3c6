// Fuzzes the parser of one dataset line: any bytes must give a valid pair or a reason, never a
// crash, a hang or undefined behaviour.
#include "core/dataset.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string line(reinterpret_cast<const char *>(data), size);
    // Small dimensions so that valid embeddings are reachable for the fuzzer.
    for (int dim : {0, 3})
        (void)ranker::validateLine(line, dim);
    return 0;
}
