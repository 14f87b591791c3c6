#pragma once
// What the .pth reader must hold on any bytes: a checkpoint that is whole and survives our writer
// unchanged, or one Error, one line naming the file. Checked by fuzz_checkpoint and, on every input
// of its corpus, by tst_fuzz_regressions.

#include "core/error.h"
#include "core/export/checkpoint_io.h"
#include "core/export/zip_archive.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace ranker::fuzz {

inline const char *kFuzzCheckpointPath = "fuzz.pth";

/// The layout a bare state_dict of the seed corpus gets (its models have F = 2 + 2 metrics).
inline const char *kFuzzMetadata =
    R"({"feature_layout": {"embedding_dim": 2, "metric_names": ["clarity", "stars"], "input_dim": 4}})";

/// `pickle` in a torch.save archive with 64 storages of 64 float32 ones (a valid weight, std, step).
inline std::string archiveAroundPickle(std::string_view pickle)
{
    zip::ZipWriter zip;
    zip.add("archive/data.pkl", pickle);
    zip.add("archive/byteorder", "little");
    const float one = 1.0f;
    std::string storage;
    for (int i = 0; i < 64; ++i)
        storage.append(reinterpret_cast<const char *>(&one), sizeof one);
    for (int key = 0; key < 64; ++key)
        zip.add("archive/data/" + std::to_string(key), storage);
    zip.add("archive/version", "3\n");
    return zip.finish();
}

inline bool sameNumbers(const std::vector<double> &a, const std::vector<double> &b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::memcmp(&a[i], &b[i], sizeof(double)) != 0 && !(std::isnan(a[i]) && std::isnan(b[i])))
            return false;
    return true;
}

/// What is wrong with a checkpoint the reader accepted; empty when it is whole.
inline std::string wholenessProblem(const Checkpoint &cp)
{
    const ModelWeights &w = cp.weights;
    const size_t h = size_t(w.hiddenDim), f = size_t(w.layout.featureDim());
    if (h < 1 || f < 1 || w.layout.embeddingDim < 0)
        return "empty model accepted";
    if (w.w1.size() != h * f || w.b1.size() != h || w.w2.size() != h * h || w.b2.size() != h || w.w3.size() != h ||
        w.b3.size() != 1 || w.layout.mean.size() != f || w.layout.std.size() != f)
        return "tensor sizes that do not fit the model";
    for (const std::vector<float> *v : {&w.w1, &w.b1, &w.w2, &w.b2, &w.w3, &w.b3, &w.layout.mean, &w.layout.std})
        for (float x : *v)
            if (!std::isfinite(x))
                return "a non-finite weight accepted";
    for (float s : w.layout.std)
        if (!(s > 0))
            return "a feature_std that is not positive accepted";
    if (cp.epoch < 0 || cp.epoch > pth::kMaxEpoch)
        return "an epoch out of bounds accepted";
    if (!cp.optimizer.empty()) {
        const size_t sizes[6] = {h * f, h, h * h, h, h, 1};
        if (cp.optimizer.expAvg.size() != 6 || cp.optimizer.expAvgSq.size() != 6 || cp.optimizer.step < 0)
            return "an optimizer state without six moments accepted";
        for (size_t i = 0; i < 6; ++i)
            if (cp.optimizer.expAvg[i].size() != sizes[i] || cp.optimizer.expAvgSq[i].size() != sizes[i])
                return "optimizer moments that do not fit the weights accepted";
    }
    return {};
}

/// Reads `input` (a file, or a pickle to wrap) and checks the result; empty when all holds.
inline std::string checkpointProblem(std::string_view input)
{
    std::string wrapped;
    if (input.substr(0, 4) != std::string_view("PK\x03\x04", 4)) {
        wrapped = archiveAroundPickle(input);
        input = wrapped;
    }
    pth::ReadOptions options;
    options.verifyCrc = false;
    options.rethrowInternalErrors = true;
    options.metadata = [] { return pth::MetadataFile{"fuzz_metadata.json", kFuzzMetadata}; };
    Checkpoint cp;
    try {
        cp = pth::parseCheckpoint(input, kFuzzCheckpointPath, options);
    } catch (const Error &e) {
        const std::string what = e.what();
        if (what.rfind(std::string(kFuzzCheckpointPath) + ": ", 0) != 0 || what.size() <= 10)
            return "an error that does not name the file: " + what;
        if (what.find('\n') != std::string::npos || what.find('\r') != std::string::npos)
            return "an error of more than one line: " + what;
        return {};
    } catch (const std::exception &e) {
        return std::string("an exception other than Error (a bug in the reader): ") + e.what();
    }
    if (std::string problem = wholenessProblem(cp); !problem.empty())
        return problem;
    // What was accepted is written back as the same checkpoint.
    Checkpoint again;
    try {
        again = pth::parseCheckpoint(checkpointBytes(cp), "rewritten.pth", options);
    } catch (const Error &e) {
        return std::string("our own rewrite of an accepted checkpoint is refused: ") + e.what();
    }
    const ModelWeights &a = cp.weights, &b = again.weights;
    if (a.w1 != b.w1 || a.b1 != b.b1 || a.w2 != b.w2 || a.b2 != b.b2 || a.w3 != b.w3 || a.b3 != b.b3 ||
        a.layout.embeddingDim != b.layout.embeddingDim || a.layout.metricNames != b.layout.metricNames ||
        a.layout.mean != b.layout.mean || a.layout.std != b.layout.std || a.hiddenDim != b.hiddenDim)
        return "the rewritten checkpoint has other weights or layout";
    if (cp.epoch != again.epoch || !sameNumbers(cp.lossHistory, again.lossHistory) ||
        !sameNumbers(cp.valLossHistory, again.valLossHistory) || cp.configJson != again.configJson)
        return "the rewritten checkpoint has another epoch, history or config";
    if (cp.optimizer.step != again.optimizer.step || cp.optimizer.expAvg != again.optimizer.expAvg ||
        cp.optimizer.expAvgSq != again.optimizer.expAvgSq)
        return "the rewritten checkpoint has another optimizer state";
    return {};
}

} // namespace ranker::fuzz
