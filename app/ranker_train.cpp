// ranker-train: the seed guide's train_ranker.py, in C++ — same flags, same outputs.
#include "app/cli_common.h"

#include "core/error.h"
#include "core/metadata.h"
#include "core/model.h"
#include "core/pipeline.h"
#include "core/training/quality.h"
#include "core/version.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace {

std::atomic_bool g_interrupted{false};

void onInterrupt(int)
{
    if (g_interrupted.exchange(true))
        std::_Exit(130); // a second Ctrl-C: leave at once
}

/// Progress: a bar redrawn in place on a terminal, plain lines otherwise (logs, pipes, CI).
class ConsoleProgress final : public ranker::PipelineObserver
{
public:
    explicit ConsoleProgress(bool quiet) : m_quiet(quiet), m_tty(::isatty(STDERR_FILENO)) {}

    void onStage(const std::string &stage) override
    {
        m_stage = stage;
        if (stage == "exporting")
            clearBar();
    }

    void onLoadProgress(uint64_t done, uint64_t total) override
    {
        if (m_quiet || !m_tty || total == 0)
            return;
        if (!throttle())
            return;
        drawBar("loading", double(done) / double(total), ranker::cli::formatBytes(done) + " / " + ranker::cli::formatBytes(total));
    }

    void onDatasetLoaded(const ranker::Dataset &ds) override
    {
        clearBar();
        if (!m_quiet)
            ranker::cli::printDatasetSummary(stderr, ds);
    }

    void onLog(const std::string &text) override
    {
        if (m_quiet)
            return;
        clearBar();
        std::fprintf(stderr, "%s\n", text.c_str());
    }

    void onBatch(const ranker::BatchReport &b) override
    {
        if (m_quiet || !m_tty || !throttle())
            return;
        const int done = b.epoch - m_firstEpoch;
        const int total = m_lastEpoch - m_firstEpoch + 1;
        const double fraction = (double(done) + double(b.batch) / double(b.batches)) / double(std::max(1, total));
        char text[160];
        std::snprintf(text, sizeof text, "%sepoch %d/%d  batch %d/%d  loss %.4f%s", m_prefix.c_str(), b.epoch,
                      m_lastEpoch, b.batch, b.batches, b.runningLoss, eta(fraction).c_str());
        drawBar("train", fraction, text);
    }

    void onPhase(const ranker::PhaseReport &p) override
    {
        setEpochRange(p.firstEpoch, p.lastEpoch);
        m_prefix = p.kind == ranker::PhaseReport::Fold    ? "fold " + std::to_string(p.fold) + "/" + std::to_string(p.folds) + "  "
                   : p.kind == ranker::PhaseReport::Refit ? std::string("refit  ")
                                                          : std::string();
    }

    void onEpoch(const ranker::EpochReport &e) override
    {
        if (m_quiet)
            return;
        clearBar();
        std::string cross;
        if (std::isfinite(e.crossAccuracy))
            cross = "  one_new_acc " + ranker::cli::formatPercent(e.crossAccuracy);
        std::fprintf(stderr, "%sepoch %d/%d  train_loss %.5f  val_loss %s  train_acc %s  val_acc %s%s  %.2fs  %.0f pairs/s\n",
                     m_prefix.c_str(), e.epoch, e.epochs, e.trainLoss, ranker::cli::formatNumber(e.valLoss, "%.5f").c_str(),
                     ranker::cli::formatPercent(e.trainAccuracy).c_str(), ranker::cli::formatPercent(e.valAccuracy).c_str(),
                     cross.c_str(), e.seconds, e.pairsPerSecond);
    }

    bool stopRequested() override { return g_interrupted.load(); }

    void setEpochRange(int first, int last)
    {
        m_firstEpoch = first;
        m_lastEpoch = last;
        m_start = std::chrono::steady_clock::now();
    }

private:
    bool throttle()
    {
        auto now = std::chrono::steady_clock::now();
        if (now - m_lastDraw < std::chrono::milliseconds(100))
            return false;
        m_lastDraw = now;
        return true;
    }

    std::string eta(double fraction) const
    {
        if (fraction <= 0.0)
            return {};
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        const double left = elapsed * (1.0 - fraction) / fraction;
        return "  ETA " + ranker::cli::formatDuration(left);
    }

    void drawBar(const char *label, double fraction, const std::string &text)
    {
        constexpr int width = 28;
        fraction = std::min(1.0, std::max(0.0, fraction));
        const int filled = int(fraction * width + 0.5);
        std::string bar(size_t(filled), '#');
        bar.append(size_t(width - filled), '.');
        std::fprintf(stderr, "\r\033[K%-7s [%s] %3d%%  %s", label, bar.c_str(), int(fraction * 100 + 0.5), text.c_str());
        std::fflush(stderr);
        m_barShown = true;
    }

    void clearBar()
    {
        if (m_barShown) {
            std::fprintf(stderr, "\r\033[K");
            m_barShown = false;
        }
    }

    bool m_quiet = false;
    bool m_tty = false;
    bool m_barShown = false;
    std::string m_stage;
    std::string m_prefix; ///< "fold 2/5  ", "refit  " or nothing
    int m_firstEpoch = 1;
    int m_lastEpoch = 1;
    std::chrono::steady_clock::time_point m_lastDraw{};
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

} // namespace

int main(int argc, char **argv)
{
    ranker::PipelineRequest request;
    ranker::TrainConfig &config = request.train;
    std::string ties = "hinge", keep = "auto", valBy = "items";
    bool quiet = false;
    uint64_t maxLineMiB = 64;

    CLI::App app{"Train the pairwise ranker on a JSONL file of preferences and export .pth, .onnx and metadata.",
                 "ranker-train"};
    app.set_version_flag("--version", [] { return ranker::cli::versionText("ranker-train"); });
    app.failure_message([](const CLI::App *, const CLI::Error &e) {
        return std::string("ranker-train: error: ") + e.what() + " (see --help)\n";
    });
    app.get_formatter()->column_width(34);
    app.add_option("--input", request.input, "Path to JSONL dataset file")->required();
    app.add_option("--output", request.outputDir, "Output directory for model artifacts")->required();
    app.add_option("--name", config.name, "Model name prefix")->capture_default_str();
    app.add_option("--embedding-dim", config.embeddingDim, "Embedding dimension")->capture_default_str();
    app.add_option("--hidden-dim", config.hiddenDim, "Hidden layer dimension")->capture_default_str();
    app.add_option("--learning-rate", config.learningRate, "Learning rate")->capture_default_str();
    app.add_option("--batch-size", config.batchSize, "Batch size")->capture_default_str();
    app.add_option("--epochs", config.epochs, "Number of training epochs (with --resume: epochs to add)")->capture_default_str();
    app.add_option("--margin", config.margin, "Margin for ranking loss")->capture_default_str();
    app.add_option("--val-split", config.valSplit,
                   "Share of the items held out for validation (of the pairs with --val-by pairs; 0 turns it off)")
        ->capture_default_str();
    app.add_option("--val-by", valBy,
                   "items: validate on pairs of held-out items, what an unseen item gets; pairs: hold out pairs, "
                   "whose items are also trained on (optimistic)")
        ->capture_default_str();
    app.add_flag("--refit", config.refit,
                 "After validation has chosen the epoch count, train on every pair for that many epochs and export that model");
    app.add_option("--cv", config.cvFolds,
                   "Cross-validate over K item-grouped folds (each a full run), then refit on every pair for the "
                   "folds' mean best epoch and export that model (0: off)")
        ->capture_default_str();
    app.add_option("--test", request.testPath,
                   "JSONL of pairs of items never in --input: the exported model is evaluated on it");
    app.add_option("--weight-decay", config.weightDecay, "Adam's L2 weight decay (torch.optim.Adam's weight_decay)")
        ->capture_default_str();
    app.add_option("--dropout", config.dropout, "Dropout after the first hidden layer (the seed's 0.2)")
        ->capture_default_str();
    app.add_option("--patience", config.patience,
                   "Stop after N epochs without a lower validation loss (0: train every epoch)")
        ->capture_default_str();
    app.add_option("--seed", config.seed, "Random seed: same seed, data and settings give the same run")->capture_default_str();
    app.add_option("--device", config.device, "auto (CUDA when available), cpu or cuda")->capture_default_str();
    app.add_option("--ties", ties, "Pairs labelled 0: hinge (pull scores together) or skip")->capture_default_str();
    app.add_option("--embeddings", request.load.embeddingsPath, "JSONL of {\"id\", \"embedding\"} for items that only carry an embedding_id");
    app.add_option("--resume", request.resumePath, "Continue training from this .pth checkpoint");
    app.add_option("--keep", keep, "Weights to export: best (lowest validation loss) or last epoch; auto = best with a validation split")->capture_default_str();
    app.add_flag("--strict", request.load.strict, "Fail on the first bad line instead of skipping it");
    app.add_option("--threads", config.threads, "CPU threads for LibTorch (0: its default)")->capture_default_str();
    app.add_option("--max-line-mib", maxLineMiB, "Lines longer than this are skipped unread")->capture_default_str();
    app.add_flag("-q,--quiet", quiet, "Print only errors and the final summary");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return app.exit(e);
    }

    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    ConsoleProgress progress(quiet);
    try {
        config.ties = ranker::tiePolicyFromString(ties);
        config.keep = ranker::keepPolicyFromString(keep);
        config.valBy = ranker::validationByFromString(valBy);
        request.load.maxLineBytes = maxLineMiB << 20;
        progress.setEpochRange(1, config.epochs); // each training run sets its own range (onPhase)
        ranker::PipelineResult result = ranker::runPipeline(request, progress);
        const ranker::TrainResult &r = result.train;
        const nlohmann::json &m = result.metadata;
        std::printf("%s\n", m.value("end_message", r.message).c_str());
        std::printf("exported: %s, weights of epoch %d; train loss there %s; %.2fs on %s\n",
                    m.value("exported_model", std::string("run")) == "refit" ? "the refit on every pair" : "the run",
                    r.keptEpoch, ranker::cli::formatNumber(m["kept_train_loss"], "%.5f").c_str(),
                    m.value("training_time", r.seconds), r.device.c_str());
        const ranker::QualityFigure quality = ranker::headlineQuality(m);
        std::printf("quality: %s\n", quality.label.c_str());
        const ranker::Verdict verdict = ranker::judgeRun(m);
        std::printf("verdict: %s — %s\n", ranker::toString(verdict.level), verdict.summary.c_str());
        for (size_t i = 1; i < verdict.reasons.size(); ++i)
            std::printf("         also: %s\n", verdict.reasons[i].c_str());
        std::printf("wrote %s\n      %s\n      %s\n", result.pthPath.c_str(), result.onnxPath.c_str(),
                    result.metadataPath.c_str());
        if (r.end == ranker::RunEnd::Diverged)
            return 3;
        if (r.end == ranker::RunEnd::Cancelled)
            return 130;
        return 0;
    } catch (const ranker::Cancelled &) {
        ranker::cli::clearLine();
        std::fprintf(stderr, "ranker-train: cancelled while loading; nothing was written\n");
        return 130;
    } catch (const std::exception &e) {
        ranker::cli::clearLine();
        std::fprintf(stderr, "ranker-train: error: %s\n", ranker::cli::firstLine(e.what()).c_str());
        return 1;
    }
}
