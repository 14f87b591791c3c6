// Fuzzes the parser of one dataset line: any bytes must give a valid pair or a reason, never a
// crash, a hang or undefined behaviour. On a valid line it also checks that the line is JSON with
// each key once per object and bounded nesting (so no reader can take another "label" than the
// one the Review place patches), and the Review place's byte-preserving relabelling
// (relabel_check.h).
#include "core/dataset.h"
#include "core/json_syntax.h"
#include "relabel_check.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string line(reinterpret_cast<const char *>(data), size);
    ranker::JsonSyntaxOptions strict;
    strict.rejectDuplicateKeys = true;
    strict.maxDepth = 256;
    // Small dimensions so that valid embeddings are reachable for the fuzzer.
    for (int dim : {0, 3}) {
        if (!ranker::validateLine(line, dim).empty())
            continue;
        if (ranker::checkJsonSyntax(line, strict))
            __builtin_trap(); // accepted a line with a repeated key, too deep, or not JSON
        if (!ranker::fuzz::relabelProblem(line, dim).empty())
            __builtin_trap();
    }
    return 0;
}
