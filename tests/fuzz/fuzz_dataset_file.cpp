// Fuzzes the whole-file loader: line splitting, CR/LF, BOMs, blank and over-long lines, dedup by
// id, metric layout. The input becomes an in-memory file (memfd) read through its /proc path.
#include "core/dataset.h"
#include "core/error.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int fd = memfd_create("ranker-fuzz", 0);
    if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != ssize_t(size))
        return 0;
    ranker::LoadOptions options;
    options.embeddingDim = 3;
    options.maxLineBytes = 4096; // exercise the over-long-line path with small inputs
    try {
        const ranker::Dataset ds = ranker::loadDataset("/proc/self/fd/" + std::to_string(fd), options);
        // Invariants a user relies on: every pair points at real items, every bad line has a reason.
        for (const ranker::Pair &p : ds.pairs)
            if (p.a < 0 || size_t(p.a) >= ds.items.size() || p.b < 0 || size_t(p.b) >= ds.items.size() || p.a == p.b ||
                p.line < 1 || p.line > ds.lines)
                __builtin_trap();
        for (const ranker::Diagnostic &d : ds.skipped)
            if (d.reason.empty() || d.line < 1 || d.line > ds.lines)
                __builtin_trap();
        if (ds.embeddings.size() != ds.items.size() * 3)
            __builtin_trap();
        (void)ds.skippedByKind();
        (void)ds.metricCoverage();
    } catch (const ranker::Error &) {
        // A file-level refusal (e.g. UTF-16) is a fine answer.
    }
    return 0;
}
