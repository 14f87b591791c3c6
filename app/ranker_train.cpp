// ranker-train: the seed guide's train_ranker.py, in C++ — same flags, same outputs.
#include "app/cli_common.h"
#include "app/cli_conventions.h"
#include "app/console_progress.h"
#include "app/dataset_check.h"
#include "app/labelling_command.h"
#include "app/sweep_command.h"

#include "core/error.h"
#include "core/export/deploy_kit.h"
#include "core/metadata.h"
#include "core/model.h"
#include "core/pipeline.h"
#include "core/runs.h"
#include "core/training/quality.h"
#include "core/version.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

std::atomic_bool g_interrupted{false};

/// --max-line-mib's largest value: 1 TiB (a line is held in memory up to this size).
constexpr uint64_t kMaxLineMiB = 1u << 20;

void onInterrupt(int)
{
    if (g_interrupted.exchange(true))
        std::_Exit(130); // a second Ctrl-C: leave at once
}

// --- Command-line conventions: sub-commands, usage errors, stdin, checks before reading, --json ---

namespace cli = ranker::cli;

/// --json's stdout: one document at the end, every human line on stderr.
cli::JsonStdout g_json;

/// What the options beyond the seed guide's flags set.
struct Extras
{
    bool noOverwrite = false;
    bool json = false;
    CLI::App *check = nullptr;
    CLI::App *kit = nullptr;
    std::string kitRun;    ///< kit: the run folder or .pth
    std::string kitOutput; ///< kit: where to write (default: the run's folder)
};

constexpr const char *kUsage = "ranker-train --input F --output DIR [options]";

/// The usage line of the (sub-)command in effect.
std::string usageFor(const CLI::App &in)
{
    if (in.get_name() == "check")
        return "ranker-train check --input F [--embedding-dim D] [--embeddings F] [--strict] [--json]";
    if (in.get_name() == "kit")
        return "ranker-train kit RUN [--output DIR] [--json]";
    if (const std::string labelling = cli::labellingUsage(in.get_name()); !labelling.empty())
        return labelling;
    if (in.get_name() == "sweep")
        return "ranker-train sweep --input F --output DIR (--param KEY=V1,V2 … | --seed-grid) [--random N] "
               "[--parallel N] [--resume] [training flags]";
    return kUsage;
}

/// --no-overwrite, --json, the `check` and `kit` sub-commands, and the choices CLI11 checks itself.
Extras addConventions(CLI::App &app, ranker::PipelineRequest &request, uint64_t &maxLineMiB)
{
    Extras extras;
    ranker::TrainConfig &config = request.train;
    // Required to train, not to run a sub-command: checked in checkBeforeReading().
    app.get_option("--input")->required(false)->description("Path to JSONL dataset file (required; - reads stdin)");
    app.get_option("--output")
        ->required(false)
        ->description("Output directory for model artifacts (required; a folder)");
    app.get_option("--ties")->check(CLI::IsMember({"hinge", "skip"}));
    app.get_option("--keep")->check(CLI::IsMember({"auto", "best", "last"}));
    app.get_option("--device")
        ->check(CLI::Validator(
            [](std::string &device) {
                const bool cudaN = device.rfind("cuda:", 0) == 0 && device.size() > 5 &&
                                   device.find_first_not_of("0123456789", 5) == std::string::npos;
                return device == "auto" || device == "cpu" || device == "cuda" || cudaN
                           ? std::string()
                           : "unknown device " + device + " (use auto, cpu or cuda)";
            },
            "auto|cpu|cuda"));
    app.add_flag("--no-overwrite", extras.noOverwrite,
                 "Refuse to replace a run of the same --name already in --output (exit 1, before training)");
    app.add_flag("--json", extras.json,
                 "Print a JSON summary of the run (files, how it ended, figures) on stdout; other text goes to stderr");

    extras.check = app.add_subcommand(
        "check", "Report on a dataset without training (labels, item types, coverage, bad lines, the guide's advice); "
                 "exit 0 when it can be trained on, 1 when not");
    extras.check->add_option("--input", request.input, "Path to JSONL dataset file (- reads stdin)")->required();
    extras.check->add_option("--embedding-dim", config.embeddingDim, "Embedding dimension")->capture_default_str();
    extras.check->add_option("--embeddings", request.load.embeddingsPath,
                             "JSONL of {\"id\", \"embedding\"} for items that only carry an embedding_id");
    extras.check->add_flag("--strict", request.load.strict, "Fail on the first bad line");
    extras.check->add_option("--max-line-mib", maxLineMiB, "Lines longer than this are skipped unread")
        ->capture_default_str();
    extras.check->add_flag("--json", extras.json, "Print the report as JSON on stdout");

    extras.kit = app.add_subcommand("kit", "Write the deployment kit of an existing run (NAME.features.json, "
                                           "NAME.ranker.mjs, NAME.ranker.d.mts) for a JavaScript app");
    extras.kit->add_option("run", extras.kitRun, "The run's folder or its .pth")->required();
    extras.kit->add_option("--output", extras.kitOutput, "Folder to write the kit to (default: the run's folder)");
    extras.kit->add_flag("--json", extras.json, "Print the paths written as JSON on stdout");
    return extras;
}

/// A failure after parsing: one line on stderr (and the JSON document with --json). @return code.
int fail(int code, const std::string &message)
{
    cli::clearLine();
    if (code == cli::ExitUsage)
        cli::reportUsageError("ranker-train", kUsage, message);
    else
        std::fprintf(stderr, "ranker-train: error: %s\n", cli::firstLine(message).c_str());
    g_json.write({{"ok", false}, {"exit_code", code}, {"ended", "error"}, {"error", cli::firstLine(message)}});
    return code;
}

/// `ranker-train check`: the dataset report, nothing trained. @return 0 when usable, 1 when not.
int runCheck(ranker::PipelineRequest &request, uint64_t maxLineMiB)
{
    try {
        request.train.validate();
    } catch (const ranker::Error &e) {
        return fail(cli::ExitUsage, e.what());
    }
    try {
        ranker::LoadOptions load = request.load;
        load.embeddingDim = request.train.embeddingDim;
        load.maxLineBytes = maxLineMiB << 20;
        if (request.input != cli::kStdinArgument)
            cli::requireReadableFile(request.input, "--input");
        if (!load.embeddingsPath.empty())
            cli::requireReadableFile(load.embeddingsPath, "--embeddings");
        const ranker::Dataset ds = cli::loadDatasetFrom(request.input, load);
        const cli::DatasetVerdict verdict = cli::judgeDataset(ds);
        cli::printDatasetReport(stdout, ds, verdict);
        g_json.write(cli::datasetReportJson(ds, verdict));
        return verdict.usable ? cli::ExitOk : cli::ExitError;
    } catch (const std::exception &e) {
        return fail(cli::ExitError, e.what());
    }
}

/// `ranker-train kit RUN`: the deployment kit of a run, from its .pth (and its metadata's name and time).
int runKit(const Extras &extras)
{
    namespace fs = std::filesystem;
    try {
        const std::string pth = ranker::checkpointPathFor(extras.kitRun);
        const std::string folder = fs::path(pth).parent_path().string();
        std::string name = fs::path(pth).stem().string();
        std::string createdAt = ranker::isoTimestampUtc();
        const ranker::RunInfo run = ranker::readRun(folder.empty() ? "." : folder);
        if (!run.broken && fs::path(run.pthPath).filename() == fs::path(pth).filename()) {
            name = run.name;
            createdAt = run.metadata.value("created_at", createdAt);
        }
        const ranker::Checkpoint checkpoint = ranker::loadCheckpoint(pth);
        const std::string out = extras.kitOutput.empty() ? (folder.empty() ? "." : folder) : extras.kitOutput;
        ranker::ensureWritableFolder(out);
        const std::vector<std::string> paths = ranker::writeDeployKit(out, checkpoint.weights.layout, name, createdAt);
        for (size_t i = 0; i < paths.size(); ++i)
            std::printf("%s %s\n", i == 0 ? "wrote" : "     ", paths[i].c_str());
        g_json.write({{"ok", true},
                      {"exit_code", 0},
                      {"model", pth},
                      {"files", {{"features", paths[0]}, {"module", paths[1]}, {"types", paths[2]}}}});
        return cli::ExitOk;
    } catch (const std::exception &e) {
        return fail(cli::ExitError, e.what());
    }
}

/**
 * Settings that cannot work fail here, before a byte of the data is read: missing flags, values
 * out of range, CUDA asked for without it, an --input, --embeddings or --resume that cannot be
 * read, an --output that is not a writable folder, an existing run with --no-overwrite (without
 * it, replacing a run is said on stderr unless --quiet).
 * @return the exit code to leave with, or -1 to go on.
 */
int checkBeforeReading(ranker::PipelineRequest &request, const Extras &extras, bool quiet)
{
    namespace fs = std::filesystem;
    std::string missing;
    for (const auto &[flag, value] : {std::pair{"--input", &request.input}, std::pair{"--output", &request.outputDir}})
        if (value->empty())
            missing += (missing.empty() ? "" : ", ") + std::string(flag);
    if (!missing.empty())
        return fail(cli::ExitUsage, "the following arguments are required: " + missing);
    try {
        request.train.validate();
        if (!request.resumePath.empty() && (request.train.cvFolds > 0 || request.train.refit))
            throw ranker::Error("--resume continues one model: it cannot be combined with --cv or --refit, which "
                                "train new models from scratch");
    } catch (const ranker::Error &e) {
        return fail(cli::ExitUsage, e.what());
    }
    try {
        ranker::resolveDevice(request.train.device);
        if (!request.testPath.empty())
            cli::requireReadableFile(request.testPath, "--test");
        if (request.input != cli::kStdinArgument)
            cli::requireReadableFile(request.input, "--input");
        if (!request.load.embeddingsPath.empty())
            cli::requireReadableFile(request.load.embeddingsPath, "--embeddings");
        if (!request.resumePath.empty())
            ranker::loadCheckpoint(request.resumePath);
        std::error_code ec;
        if (fs::exists(request.outputDir, ec) && !fs::is_directory(request.outputDir, ec))
            throw ranker::Error(request.outputDir + ": not a folder (--output names the folder the run's files go to)");
        ranker::ensureWritableFolder(request.outputDir);
        const std::vector<std::string> existing = cli::existingRunFiles(request.outputDir, request.train.name);
        if (!existing.empty()) {
            const std::string held =
                request.outputDir + " already holds a run named " + request.train.name + " (" +
                (existing.size() == 1 ? existing.front() : std::to_string(existing.size()) + " files") + ")";
            if (extras.noOverwrite)
                throw ranker::Error(held + "; --no-overwrite refuses to replace it");
            if (!quiet)
                std::fprintf(stderr, "ranker-train: %s: this run replaces it\n", held.c_str());
        }
    } catch (const std::exception &e) {
        return fail(cli::ExitError, e.what());
    }
    return -1;
}

/// runPipeline(), reading `-` from stdin (the dataset's path is then "(stdin)").
using cli::ConsoleProgress;

ranker::PipelineResult trainFromInput(const ranker::PipelineRequest &request, ConsoleProgress &progress)
{
    if (request.input != cli::kStdinArgument)
        return ranker::runPipeline(request, progress);
    progress.onStage("loading");
    ranker::LoadOptions load = request.load;
    load.embeddingDim = request.train.embeddingDim;
    load.progress = [&progress](uint64_t done, uint64_t total) {
        progress.onLoadProgress(done, total);
        return !progress.stopRequested();
    };
    const ranker::Dataset ds = cli::loadDatasetFrom(request.input, load);
    progress.onDatasetLoaded(ds);
    return ranker::runPipeline(ds, request, progress);
}

int exitCodeFor(ranker::RunEnd end)
{
    return end == ranker::RunEnd::Diverged    ? cli::ExitDiverged
           : end == ranker::RunEnd::Cancelled ? cli::ExitInterrupted
                                              : cli::ExitOk;
}

/// --json's document for a finished run: where its files are, how it ended, its figures.
nlohmann::json runSummaryJson(const ranker::PipelineResult &result)
{
    const ranker::TrainResult &r = result.train;
    const nlohmann::json &m = result.metadata;
    nlohmann::json j;
    j["exit_code"] = exitCodeFor(r.end);
    j["ok"] = j["exit_code"] == 0;
    j["ended"] = ranker::toString(r.end);
    j["message"] = m.value("end_message", r.message);
    j["run_dir"] = result.runDir;
    j["metadata"] = result.metadataPath;
    j["files"] = {{"pth", result.pthPath}, {"onnx", result.onnxPath}, {"metadata", result.metadataPath}};
    const char *kitKeys[] = {"features", "module", "types"};
    for (size_t i = 0; i < result.kitPaths.size() && i < 3; ++i)
        j["files"][kitKeys[i]] = result.kitPaths[i];
    j["epochs_completed"] = r.epochsCompleted;
    j["kept_epoch"] = r.keptEpoch;
    j["device"] = r.device;
    j["training_time"] = m.value("training_time", r.seconds);
    // The metadata's final figures, whichever this version writes.
    for (const char *key : {"best_epoch", "final_train_loss", "kept_train_loss", "kept_val_loss", "kept_train_accuracy",
                            "kept_val_accuracy", "final_train_accuracy", "final_val_accuracy", "best_val_accuracy",
                            "exported_model", "validation", "test", "verdict"})
        if (m.contains(key))
            j[key] = m[key];
    if (m.contains("cv") && m["cv"].is_object())
        for (const char *key : {"folds", "finished", "val_accuracy", "val_loss", "best_epoch", "pooled"})
            if (m["cv"].contains(key))
                j["cv"][key] = m["cv"][key];
    const ranker::QualityFigure quality = ranker::headlineQuality(m);
    j["quality"] = {{"label", quality.label},
                    {"accuracy", quality.kind == ranker::QualityFigure::None ? nlohmann::json(nullptr)
                                                                             : nlohmann::json(quality.accuracy)}};
    if (m.contains("val_loss_history") && m["val_loss_history"].is_array() && !m["val_loss_history"].empty())
        j["final_val_loss"] = m["val_loss_history"].back();
    if (m.contains("dataset") && m["dataset"].is_object())
        for (const char *key : {"path", "valid_pairs", "skipped_lines"})
            if (m["dataset"].contains(key))
                j["dataset"][key] = m["dataset"][key];
    return j;
}

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
    app.get_formatter()->column_width(34);
    app.add_option("--input", request.input, "Path to JSONL dataset file")->required();
    app.add_option("--output", request.outputDir, "Output directory for model artifacts")->required();
    app.add_option("--name", config.name, "Model name prefix")->capture_default_str();
    app.add_option("--embedding-dim", config.embeddingDim, "Embedding dimension")->capture_default_str();
    app.add_option("--hidden-dim", config.hiddenDim, "Hidden layer dimension")->capture_default_str();
    app.add_option("--learning-rate", config.learningRate, "Learning rate")->capture_default_str();
    app.add_option("--batch-size", config.batchSize, "Batch size")->capture_default_str();
    app.add_option("--epochs", config.epochs, "Number of training epochs (with --resume: epochs to add)")
        ->capture_default_str();
    app.add_option("--margin", config.margin, "Margin for ranking loss")->capture_default_str();
    app.add_option("--val-split", config.valSplit,
                   "Share of the items held out for validation (of the pairs with --val-by pairs; 0 turns it off)")
        ->capture_default_str();
    app.add_option("--val-by", valBy,
                   "items: validate on pairs of held-out items, what an unseen item gets; pairs: hold out pairs, "
                   "whose items are also trained on (optimistic)")
        ->capture_default_str()
        ->check(CLI::IsMember({"items", "pairs"}));
    CLI::Option *refitFlag = app.add_flag("--refit,!--no-refit", config.refit,
                                          "After validation has chosen the epoch count, train on every pair for that "
                                          "many epochs and export that model (the default; not with --resume)");
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
    app.add_option("--seed", config.seed, "Random seed: same seed, data and settings give the same run")
        ->capture_default_str();
    app.add_option("--device", config.device, "auto (CUDA when available), cpu or cuda")->capture_default_str();
    app.add_option("--ties", ties, "Pairs labelled 0: hinge (pull scores together) or skip")->capture_default_str();
    app.add_option("--embeddings", request.load.embeddingsPath,
                   "JSONL of {\"id\", \"embedding\"} for items that only carry an embedding_id");
    app.add_option("--resume", request.resumePath, "Continue training from this .pth checkpoint");
    app.add_option(
           "--keep", keep,
           "Weights to export: best (lowest validation loss) or last epoch; auto = best with a validation split")
        ->capture_default_str();
    app.add_flag("--strict", request.load.strict, "Fail on the first bad line instead of skipping it");
    app.add_option("--threads", config.threads,
                   "CPU threads for training (0: the fastest, measured once per machine and data shape)")
        ->capture_default_str();
    app.add_option("--max-line-mib", maxLineMiB, "Lines longer than this many MiB (1 or more) are skipped unread")
        ->capture_default_str();
    app.add_flag("-q,--quiet", quiet, "Print only errors and the final summary");
    std::string progressStyle = "human";
    app.add_option("--progress", progressStyle,
                   "human: a bar on a terminal, lines otherwise; jsonl: one JSON object a line on stderr (what a "
                   "sweep reads from its trials)")
        ->check(CLI::IsMember({"human", "jsonl"}))
        ->capture_default_str();
    Extras extras = addConventions(app, request, maxLineMiB);
    cli::SweepOptions sweep;
    cli::addSweepCommand(app, sweep);
    cli::LabellingOptions labelling;
    cli::addLabellingCommands(app, labelling);

    if (const int code = cli::parseCommandLine(app, argc, argv, "ranker-train", usageFor); code >= 0)
        return code;
    if (extras.json || labelling.json)
        g_json.enable();
    if (maxLineMiB < 1 || maxLineMiB > kMaxLineMiB)
        return fail(cli::ExitUsage, "--max-line-mib must be between 1 and " + std::to_string(kMaxLineMiB) + ", got " +
                                        std::to_string(maxLineMiB));
    // A continued run keeps training its own model: the default refit does not apply to it (asked
    // for by name, it is refused below).
    if (!request.resumePath.empty() && refitFlag->count() == 0)
        config.refit = false;
    // The choices were checked while parsing: these cannot throw.
    config.ties = ranker::tiePolicyFromString(ties);
    config.keep = ranker::keepPolicyFromString(keep);
    config.valBy = ranker::validationByFromString(valBy);
    request.load.maxLineBytes = maxLineMiB << 20;
    if (extras.check->parsed())
        return runCheck(request, maxLineMiB);
    if (extras.kit->parsed())
        return runKit(extras);
    if (labelling.suggest->parsed())
        return cli::runSuggestCommand(labelling, g_json);
    if (labelling.bt->parsed())
        return cli::runBradleyTerryCommand(labelling, g_json);
    if (sweep.command->parsed()) {
        if (request.input.empty() || request.outputDir.empty())
            return fail(cli::ExitUsage, "the following arguments are required: --input, --output");
        try {
            request.train.validate();
        } catch (const ranker::Error &e) {
            return fail(cli::ExitUsage, e.what());
        }
        try {
            // Before any trial starts: otherwise every trial fails with the same message.
            if (request.input == cli::kStdinArgument)
                return fail(cli::ExitUsage, "--input -: a sweep reads its dataset once per trial; give a file");
            cli::requireReadableFile(request.input, "--input");
            if (!request.testPath.empty())
                cli::requireReadableFile(request.testPath, "--test");
            if (!request.load.embeddingsPath.empty())
                cli::requireReadableFile(request.load.embeddingsPath, "--embeddings");
        } catch (const ranker::Error &e) {
            return fail(cli::ExitError, e.what());
        }
        std::signal(SIGINT, onInterrupt);
        std::signal(SIGTERM, onInterrupt);
        return cli::runSweepCommand(request, sweep, g_interrupted, g_json);
    }
    if (const int code = checkBeforeReading(request, extras, quiet); code >= 0)
        return code;

    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    ConsoleProgress progress(quiet, g_interrupted,
                             progressStyle == "jsonl" ? ConsoleProgress::Style::JsonLines
                                                      : ConsoleProgress::Style::Human);
    try {
        progress.setEpochRange(1, config.epochs); // each training run sets its own range (onPhase)
        ranker::PipelineResult result = trainFromInput(request, progress);
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
        for (const std::string &path : result.kitPaths)
            std::printf("      %s\n", path.c_str());
        g_json.write(runSummaryJson(result));
        if (r.end == ranker::RunEnd::Diverged)
            return 3;
        if (r.end == ranker::RunEnd::Cancelled)
            return 130;
        return 0;
    } catch (const ranker::Cancelled &) {
        ranker::cli::clearLine();
        std::fprintf(stderr, "ranker-train: cancelled while loading; nothing was written\n");
        g_json.write({{"ok", false}, {"exit_code", 130}, {"ended", "cancelled"}, {"error", "cancelled while loading"}});
        return 130;
    } catch (const std::exception &e) {
        return fail(cli::ExitError, e.what());
    }
}
