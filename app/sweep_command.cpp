#include "app/sweep_command.h"

#include "app/cli_common.h"
#include "app/cli_conventions.h"
#include "core/error.h"
#include "core/training/quality.h"
#include "core/training/sweep_runner.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ranker::cli {

namespace {

std::string settingsText(const nlohmann::json &settings)
{
    std::string out;
    for (auto it = settings.begin(); it != settings.end(); ++it)
        out += (out.empty() ? "" : "  ") + it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
    return out;
}

/// The running executable: trials are this same ranker-train.
std::string selfExecutable()
{
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("ranker-train") : self.string();
}

class ConsoleSweep final : public SweepObserver
{
public:
    ConsoleSweep(const std::atomic_bool &interrupted, bool quiet) : m_interrupted(interrupted), m_quiet(quiet) {}

    void onSweepStarted(const std::vector<SweepTrial> &trials, int parallel) override
    {
        m_total = trials.size();
        m_parallel = parallel;
    }
    void onTrialStarted(const SweepTrial &t) override
    {
        if (!m_quiet)
            std::fprintf(stderr, "trial %d/%zu started: %s\n", t.index, m_total, settingsText(t.settings).c_str());
    }
    void onTrialFinished(const SweepTrial &t, const std::vector<TrialResult> &ranking) override
    {
        if (m_quiet)
            return;
        std::string figure;
        for (const TrialResult &r : ranking)
            if (r.index == t.index)
                figure = r.finished ? r.label : "";
        const bool best = !ranking.empty() && ranking.front().finished && ranking.front().index == t.index;
        std::fprintf(stderr, "trial %d/%zu %s: %s%s%s\n", t.index, m_total, t.status.c_str(),
                     figure.empty() ? t.message.c_str() : figure.c_str(), best ? "  ← best so far" : "",
                     t.status == "failed" && !figure.empty() ? ("; " + t.message).c_str() : "");
    }
    void onLog(const std::string &text) override
    {
        if (!m_quiet)
            std::fprintf(stderr, "%s\n", text.c_str());
    }
    bool stopRequested() override { return m_interrupted.load(); }

private:
    const std::atomic_bool &m_interrupted;
    bool m_quiet = false;
    size_t m_total = 0;
    int m_parallel = 1;
};

} // namespace

SweepOptions &addSweepCommand(CLI::App &app, SweepOptions &options)
{
    CLI::App *sweep = app.add_subcommand(
        "sweep", "Train a grid (or a seeded random search) of settings, each trial an ordinary run folder in "
                 "--output, ranked by its validation on unseen items; the training flags set what is not varied");
    sweep->fallthrough(); // --input, --output, --epochs, … are the main command's
    sweep
        ->add_option("--param", options.params,
                     "A setting to vary: KEY=V1,V2,… (grid or choices) or KEY=LOW:HIGH[:log] (range, --random "
                     "only); KEY is learning_rate, batch_size, margin, hidden_dim, dropout, weight_decay, epochs, "
                     "patience, val_split, seed, ties or cv_folds")
        ->take_all();
    sweep->add_flag("--seed-grid", options.seedGrid,
                    "The seed guide's grid: learning_rate 0.01,0.001,0.0001 × batch_size 16,32,64 × margin 0.5,1,2");
    sweep->add_option("--random", options.random, "Seeded random search of N trials instead of the full grid")
        ->check(CLI::Range(1, 10000));
    sweep->add_option("--random-seed", options.randomSeed, "The random search's draws")->capture_default_str();
    sweep->add_option("--parallel", options.parallel, "Trials side by side (0: one per core)")
        ->check(CLI::Range(0, 256))
        ->capture_default_str();
    sweep->add_flag("--resume", options.resume, "Continue the sweep in --output where it stopped");
    sweep->add_flag("--refit-best", options.refitBest,
                    "Then train the best trial's settings on every pair (--refit) into OUTPUT/best");
    options.command = sweep;
    return options;
}

int runSweepCommand(const PipelineRequest &base, const SweepOptions &options, const std::atomic_bool &interrupted,
                    JsonStdout &json)
{
    SweepRequest request;
    request.input = base.input;
    request.load = base.load;
    request.load.embeddingDim = base.train.embeddingDim;
    request.testPath = base.testPath;
    request.folder = base.outputDir;
    request.trainer = selfExecutable();
    request.resume = options.resume;
    SweepSpec &spec = request.spec;
    spec.name = base.train.name;
    spec.base = base.train;
    spec.base.threads = base.train.threads > 0 ? base.train.threads : 1; // one thread a trial, side by side
    spec.random = options.random > 0;
    spec.trials = options.random;
    spec.seed = options.randomSeed;
    spec.parallel = options.parallel;
    try {
        if (options.seedGrid)
            spec.parameters = seedGuideGrid();
        for (const std::string &text : options.params)
            spec.parameters.push_back(parseSweepParameter(text));
        if (!options.resume) {
            const std::vector<SweepTrial> trials = expandTrials(spec); // bad specs fail before anything starts
            std::fprintf(stderr, "sweep: %zu trials into %s\n", trials.size(), request.folder.c_str());
        }
    } catch (const Error &e) {
        reportUsageError("ranker-train",
                         "ranker-train sweep --input F --output DIR (--param KEY=V1,V2 … | --seed-grid) "
                         "[--random N] [training flags]",
                         e.what());
        return ExitUsage;
    }
    ConsoleSweep console(interrupted, false);
    SweepResult result;
    try {
        result = runSweep(request, console);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "ranker-train: error: %s\n", firstLine(e.what()).c_str());
        return ExitError;
    }

    // The ranking: finished trials by validation on unseen items, best first.
    std::printf("rank  trial  %-40s  figure\n", "settings");
    int rank = 0;
    nlohmann::json ranked = nlohmann::json::array();
    for (const TrialResult &r : result.ranking) {
        const SweepTrial &t = result.trials[size_t(r.index - 1)];
        if (!r.finished)
            continue;
        ++rank;
        std::printf("%4d  %5d  %-40s  %s%s%s\n", rank, r.index, settingsText(t.settings).c_str(), r.label.c_str(),
                    r.verdict == "good" ? "" : ("  [" + r.verdict + "]").c_str(), rank == 1 ? "  ← best" : "");
        ranked.push_back({{"rank", rank},
                          {"trial", r.index},
                          {"settings", t.settings},
                          {"accuracy", r.score},
                          {"label", r.label},
                          {"verdict", r.verdict},
                          {"run_dir", r.runFolder}});
    }
    int unfinished = 0, failed = 0;
    for (const SweepTrial &t : result.trials) {
        unfinished += t.status != "done" && t.status != "diverged";
        failed += t.status == "failed";
    }
    std::printf("%d of %zu trials finished in %.1f s, %d side by side%s\n", int(result.trials.size()) - unfinished,
                result.trials.size(), result.seconds, result.parallel,
                result.stopped ? "; stopped: run the same command (or --resume) to continue" : "");

    std::string bestDir;
    if (options.refitBest && !result.stopped && !result.ranking.empty() && result.ranking.front().finished) {
        const SweepTrial &best = result.trials[size_t(result.ranking.front().index - 1)];
        PipelineRequest refit = base;
        refit.train = trialConfig(request.spec, best);
        refit.train.refit = true;
        refit.train.threads = base.train.threads;
        refit.outputDir = (fs::path(request.folder) / "best").string();
        std::fprintf(stderr, "refitting the best trial (%s) on every pair into %s\n",
                     settingsText(best.settings).c_str(), refit.outputDir.c_str());
        try {
            PipelineObserver quiet;
            const PipelineResult r = runPipeline(refit, quiet);
            bestDir = r.runDir;
            std::printf("best, refit on every pair: %s\n", r.pthPath.c_str());
        } catch (const std::exception &e) {
            std::fprintf(stderr, "ranker-train: error: the refit of the best trial failed: %s\n",
                         firstLine(e.what()).c_str());
            return ExitError;
        }
    }
    if (json.enabled()) {
        nlohmann::json document = {{"ok", !result.stopped && failed == 0},
                                   {"exit_code", result.stopped ? 130
                                                 : failed > 0   ? 1
                                                                : 0},
                                   {"sweep_dir", request.folder},
                                   {"trials", result.trials.size()},
                                   {"finished", int(result.trials.size()) - unfinished},
                                   {"parallel", result.parallel},
                                   {"seconds", result.seconds},
                                   {"ranking", ranked}};
        if (!bestDir.empty())
            document["best_refit_dir"] = bestDir;
        json.write(document);
    }
    return result.stopped ? ExitInterrupted : failed > 0 ? ExitError : ExitOk;
}

} // namespace ranker::cli
