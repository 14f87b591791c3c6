#pragma once
// ranker-train's progress: a bar redrawn in place on a terminal, plain lines otherwise (logs,
// pipes, CI), or one JSON object a line (--progress jsonl: what a sweep reads from its trials).

#include "core/pipeline.h"

#include <atomic>
#include <chrono>
#include <string>

namespace ranker::cli {

class ConsoleProgress final : public ranker::PipelineObserver
{
public:
    enum class Style { Human, JsonLines };

    /// @param interrupted set by the signal handler: polled before every batch.
    ConsoleProgress(bool quiet, const std::atomic_bool &interrupted, Style style = Style::Human);

    void onStage(const std::string &stage) override;
    void onLoadProgress(uint64_t done, uint64_t total) override;
    void onDatasetLoaded(const ranker::Dataset &ds) override;
    void onLog(const std::string &text) override;
    void onBatch(const ranker::BatchReport &b) override;
    void onPhase(const ranker::PhaseReport &p) override;
    void onEpoch(const ranker::EpochReport &e) override;
    bool stopRequested() override { return m_interrupted.load(); }

    void setEpochRange(int first, int last);

private:
    bool throttle(int milliseconds = 100);
    std::string eta(double fraction) const;
    void drawBar(const char *label, double fraction, const std::string &text);
    void clearBar();
    void event(const nlohmann::json &object);

    bool m_quiet = false;
    bool m_tty = false;
    bool m_barShown = false;
    const std::atomic_bool &m_interrupted;
    Style m_style = Style::Human;
    std::string m_stage;
    std::string m_prefix; ///< "fold 2/5  ", "refit  " or nothing
    int m_firstEpoch = 1;
    int m_lastEpoch = 1;
    std::chrono::steady_clock::time_point m_lastDraw{};
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

} // namespace ranker::cli
