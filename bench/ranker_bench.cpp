// Engine benchmarks that print numbers (never timed tests):
//   ranker-bench load FILE --dim D           load throughput and peak memory of the loader, and the
//                                            share of it that the JSON grammar check takes
//   ranker-bench train FILE --dim D ...      seconds per epoch, pairs/s and GFLOP/s of the trainer
// Each prints one line of JSON, like the Python references in this folder, so run_bench.sh can
// put them side by side.
#include "core/dataset.h"
#include "core/json_syntax.h"
#include "core/trainer.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <string_view>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // Linux reports KiB
}

double currentRssMiB()
{
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

class EpochTimes final : public ranker::TrainingObserver
{
public:
    std::vector<ranker::EpochReport> epochs;
    void onEpoch(const ranker::EpochReport &e) override { epochs.push_back(e); }
};

} // namespace

/// Seconds that jsonSyntaxError takes over every line of `file` (mapped, so reading is not timed).
double syntaxCheckSeconds(const std::string &file)
{
    const int fd = ::open(file.c_str(), O_RDONLY);
    struct stat st
    {
    };
    if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_size == 0)
        return 0;
    const size_t size = size_t(st.st_size);
    void *map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED)
        return 0;
    const char *p = static_cast<const char *>(map), *end = p + size;
    size_t errors = 0;
    const auto start = std::chrono::steady_clock::now();
    while (p < end) {
        const char *nl = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
        const char *lineEnd = nl ? nl : end;
        errors += ranker::jsonSyntaxError(std::string_view(p, size_t(lineEnd - p))) != 0;
        p = lineEnd + 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ::munmap(map, size);
    return errors == size_t(-1) ? 0 : seconds; // keeps the loop from being optimised away
}

int main(int argc, char **argv)
{
    CLI::App app{"Ranker Studio engine benchmarks", "ranker-bench"};
    app.require_subcommand(1);
    std::string file;
    int dim = 1536, epochs = 3, threads = 1, hidden = 256, batch = 32;
    std::string path = "auto", valBy = "pairs", ties = "skip";
    auto *load = app.add_subcommand("load", "Load a dataset: MB/s and peak RSS");
    load->add_option("file", file)->required();
    load->add_option("--dim", dim);
    auto *trainCmd = app.add_subcommand("train", "Train at the seed's defaults: seconds per epoch");
    trainCmd->add_option("file", file)->required();
    trainCmd->add_option("--dim", dim);
    trainCmd->add_option("--epochs", epochs);
    trainCmd->add_option("--threads", threads);
    trainCmd->add_option("--hidden", hidden);
    trainCmd->add_option("--batch", batch);
    trainCmd->add_option("--path", path, "auto, fast or libtorch")->check(CLI::IsMember({"auto", "fast", "libtorch"}));
    // Pairs by default: the Python reference holds out 20 % of the pairs, so both train on as many.
    trainCmd->add_option("--val-by", valBy, "items or pairs")->check(CLI::IsMember({"items", "pairs"}));
    // Skip by default: the Python reference trains on decisive pairs only.
    trainCmd->add_option("--ties", ties, "hinge or skip")->check(CLI::IsMember({"hinge", "skip"}));
    CLI11_PARSE(app, argc, argv);

    ranker::LoadOptions options;
    options.embeddingDim = dim;
    const double rssBefore = currentRssMiB();
    const auto start = std::chrono::steady_clock::now();
    const ranker::Dataset ds = ranker::loadDataset(file, options);
    const double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nlohmann::json out;
    out["file_mb"] = double(ds.fileBytes) / 1e6;
    out["rows"] = ds.rows();
    out["valid_pairs"] = ds.pairs.size();
    out["unique_items"] = ds.items.size();
    out["skipped"] = ds.skipped.size();
    out["load_seconds"] = loadSeconds;
    out["mb_per_s"] = double(ds.fileBytes) / 1e6 / loadSeconds;
    out["peak_rss_mb"] = peakRssMiB();
    out["rss_before_mb"] = rssBefore;
    if (*load) {
        // What the full JSON grammar check (the loader runs it on every line it accepts) costs on
        // its own, over the same lines: its share of the load time.
        const double check = syntaxCheckSeconds(file);
        out["syntax_check_seconds"] = check;
        out["syntax_check_mb_per_s"] = double(ds.fileBytes) / 1e6 / check;
        out["syntax_check_share_of_load"] = check / loadSeconds;
    }
    if (*trainCmd) {
        ranker::TrainConfig config;
        config.embeddingDim = dim;
        config.epochs = epochs;
        config.threads = threads;
        config.hiddenDim = hidden;
        config.batchSize = batch;
        config.device = "cpu";
        // The Python loop's split (a fifth) and every epoch timed: not the product's defaults.
        config.valSplit = 0.2;
        config.patience = 0;
        config.ties = ranker::tiePolicyFromString(ties);
        config.valBy = ranker::validationByFromString(valBy);
        config.path = path == "fast"       ? ranker::TrainingPath::Fast
                      : path == "libtorch" ? ranker::TrainingPath::LibTorch
                                           : ranker::TrainingPath::Auto;
        EpochTimes observer;
        const ranker::TrainResult r = ranker::train(ds, config, observer);
        std::vector<double> seconds;
        // The training passes alone, as the Python loop times them (the engine also validates each
        // epoch; that is in epoch_seconds). The first epoch warms up allocators and BLAS.
        for (size_t i = 1; i < observer.epochs.size(); ++i)
            seconds.push_back(observer.epochs[i].trainSeconds);
        if (seconds.empty())
            seconds.push_back(observer.epochs.front().trainSeconds);
        std::sort(seconds.begin(), seconds.end());
        const double median = seconds[seconds.size() / 2];
        const double f = dim + double(ds.metricNames.size()), h = hidden;
        const double batches = std::ceil(double(r.trainPairs) / batch);
        const double rows = 2.0 * batch;
        const double forward = 2 * rows * f * h + 2 * rows * h * h + 2 * rows * h;
        out["train_pairs"] = r.trainPairs;
        out["threads"] = r.threads;
        out["threads_source"] = r.threadsSource;
        out["training_path"] = r.trainingPath;
        out["seconds_per_step"] = median / batches;
        out["loss_history"] = r.lossHistory;
        out["seconds_per_epoch"] = median;
        out["pairs_per_s"] = double(r.trainPairs) / median;
        out["gflops"] = (3.0 * forward * batches) / median / 1e9;
        out["val_accuracy"] = r.history.back().valAccuracy;
        out["epoch_seconds"] = nlohmann::json::array();
        for (const auto &e : observer.epochs)
            out["epoch_seconds"].push_back(e.seconds);
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
}
