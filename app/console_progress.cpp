#include "app/console_progress.h"

#include "app/cli_common.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace ranker::cli {

namespace {

nlohmann::json numberOrNull(double value)
{
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

} // namespace

ConsoleProgress::ConsoleProgress(bool quiet, const std::atomic_bool &interrupted, Style style)
    : m_quiet(quiet), m_tty(::isatty(STDERR_FILENO) && style == Style::Human), m_interrupted(interrupted),
      m_style(style)
{
}

void ConsoleProgress::event(const nlohmann::json &object)
{
    // One write a line: a sweep reading several trials' stderr never sees half an object.
    const std::string line = object.dump() + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

void ConsoleProgress::onStage(const std::string &stage)
{
    m_stage = stage;
    if (m_style == Style::JsonLines) {
        event({{"event", "stage"}, {"stage", stage}});
        return;
    }
    if (stage == "exporting")
        clearBar();
}

void ConsoleProgress::onLoadProgress(uint64_t done, uint64_t total)
{
    if (m_quiet || !m_tty || total == 0)
        return;
    if (!throttle())
        return;
    drawBar("loading", double(done) / double(total), formatBytes(done) + " / " + formatBytes(total));
}

void ConsoleProgress::onDatasetLoaded(const ranker::Dataset &ds)
{
    if (m_style == Style::JsonLines) {
        event({{"event", "dataset"},
               {"pairs", int64_t(ds.pairs.size())},
               {"items", int64_t(ds.items.size())},
               {"skipped_lines", int64_t(ds.skipped.size())}});
        return;
    }
    clearBar();
    if (!m_quiet)
        printDatasetSummary(stderr, ds);
}

void ConsoleProgress::onLog(const std::string &text)
{
    if (m_style == Style::JsonLines) {
        event({{"event", "log"}, {"text", text}});
        return;
    }
    if (m_quiet)
        return;
    clearBar();
    std::fprintf(stderr, "%s\n", text.c_str());
}

void ConsoleProgress::onBatch(const ranker::BatchReport &b)
{
    if (m_style == Style::JsonLines) {
        if (throttle(250) || b.batch == b.batches)
            event({{"event", "batch"},
                   {"fold", b.fold},
                   {"refit", b.refit},
                   {"epoch", b.epoch},
                   {"batch", b.batch},
                   {"batches", b.batches},
                   {"running_loss", numberOrNull(b.runningLoss)}});
        return;
    }
    if (m_quiet || !m_tty || !throttle())
        return;
    const int done = b.epoch - m_firstEpoch;
    const int total = m_lastEpoch - m_firstEpoch + 1;
    const double fraction = (double(done) + double(b.batch) / double(b.batches)) / double(std::max(1, total));
    char text[160];
    std::snprintf(text, sizeof text, "%sepoch %d/%d  batch %d/%d  loss %.4f%s", m_prefix.c_str(), b.epoch, m_lastEpoch,
                  b.batch, b.batches, b.runningLoss, eta(fraction).c_str());
    drawBar("train", fraction, text);
}

void ConsoleProgress::onPhase(const ranker::PhaseReport &p)
{
    setEpochRange(p.firstEpoch, p.lastEpoch);
    m_prefix = p.kind == ranker::PhaseReport::Fold
                   ? "fold " + std::to_string(p.fold) + "/" + std::to_string(p.folds) + "  "
               : p.kind == ranker::PhaseReport::Refit ? std::string("refit  ")
                                                      : std::string();
    if (m_style == Style::JsonLines)
        event({{"event", "phase"},
               {"kind", p.kind == ranker::PhaseReport::Fold    ? "fold"
                        : p.kind == ranker::PhaseReport::Refit ? "refit"
                                                               : "train"},
               {"fold", p.fold},
               {"folds", p.folds},
               {"first_epoch", p.firstEpoch},
               {"last_epoch", p.lastEpoch}});
}

void ConsoleProgress::onEpoch(const ranker::EpochReport &e)
{
    if (m_style == Style::JsonLines) {
        event({{"event", "epoch"},
               {"fold", e.fold},
               {"refit", e.refit},
               {"epoch", e.epoch},
               {"epochs", e.epochs},
               {"train_loss", numberOrNull(e.trainLoss)},
               {"val_loss", numberOrNull(e.valLoss)},
               {"train_accuracy", numberOrNull(e.trainAccuracy)},
               {"val_accuracy", numberOrNull(e.valAccuracy)},
               {"cross_accuracy", numberOrNull(e.crossAccuracy)},
               {"seconds", e.seconds}});
        return;
    }
    if (m_quiet)
        return;
    clearBar();
    std::string cross;
    if (std::isfinite(e.crossAccuracy))
        cross = "  one_new_acc " + formatPercent(e.crossAccuracy);
    std::fprintf(stderr,
                 "%sepoch %d/%d  train_loss %.5f  val_loss %s  train_acc %s  val_acc %s%s  %.2fs  %.0f pairs/s\n",
                 m_prefix.c_str(), e.epoch, e.epochs, e.trainLoss, formatNumber(e.valLoss, "%.5f").c_str(),
                 formatPercent(e.trainAccuracy).c_str(), formatPercent(e.valAccuracy).c_str(), cross.c_str(), e.seconds,
                 e.pairsPerSecond);
}

void ConsoleProgress::setEpochRange(int first, int last)
{
    m_firstEpoch = first;
    m_lastEpoch = last;
    m_start = std::chrono::steady_clock::now();
}

bool ConsoleProgress::throttle(int milliseconds)
{
    auto now = std::chrono::steady_clock::now();
    if (now - m_lastDraw < std::chrono::milliseconds(milliseconds))
        return false;
    m_lastDraw = now;
    return true;
}

std::string ConsoleProgress::eta(double fraction) const
{
    if (fraction <= 0.0)
        return {};
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    const double left = elapsed * (1.0 - fraction) / fraction;
    return "  ETA " + formatDuration(left);
}

void ConsoleProgress::drawBar(const char *label, double fraction, const std::string &text)
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

void ConsoleProgress::clearBar()
{
    if (m_barShown) {
        std::fprintf(stderr, "\r\033[K");
        m_barShown = false;
    }
}

} // namespace ranker::cli
