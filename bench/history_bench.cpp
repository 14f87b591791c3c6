// history-bench: how long the History panel takes to open a workspace of 5,000 runs, and how
// much memory it takes. Generates run folders whose metadata is shaped like ranker-train's (50
// epochs each) in a temporary folder, then times the listing alone, the panel's construction
// (listing, table model, watcher) offscreen, and the Review place's list of models (listRuns()),
// printing the peak resident memory after each. Target: under a second per 1,000 runs, a few
// hundred MB. `history-bench [RUNS]` (default 5000).

#include "core/atomic_file.h"
#include "core/run_history.h"
#include "ui/history/runhistorypanel.h"
#ifdef RANKER_BENCH_STUDIO
#include "ui/mainwindow.h"
#include "ui/settings.h"
#endif

#include <QApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sys/resource.h>
#include <unistd.h>

namespace {

nlohmann::json fakeMetadata(int index, std::mt19937 &rng)
{
    std::uniform_real_distribution<double> u(0, 1);
    const int epochs = 50;
    const double lr = std::pow(10.0, -4 + 3 * u(rng));
    const int hidden = 16 << (index % 5);
    nlohmann::json m;
    m["model_name"] = "run_" + std::to_string(index);
    m["input_dim"] = 1542;
    m["hidden_dim"] = hidden;
    m["learning_rate"] = lr;
    m["batch_size"] = 32;
    m["epochs"] = epochs;
    m["margin"] = 1.0;
    m["dataset_size"] = 4000;
    char created[32];
    std::snprintf(created, sizeof created, "2026-%02d-%02dT%02d:%02d:00Z", 1 + index % 12, 1 + index % 28, index % 24,
                  index % 60);
    m["format_version"] = 1;
    m["created_at"] = created;
    m["app"] = {{"name", "ranker-studio"}, {"version", "0.1.0"}};
    m["libtorch_version"] = "1.13.0";
    m["cuda_available"] = false;
    m["device"] = "cpu";
    m["threads"] = 2;
    m["seed"] = index;
    m["val_split"] = 0.2;
    m["tie_policy"] = "hinge";
    m["keep"] = "best";
    m["dropout"] = 0.2;
    m["embedding_dim"] = 1536;
    m["first_epoch"] = 1;
    m["epochs_completed"] = epochs;
    m["ended"] = "completed";
    m["end_message"] = "completed 50 epochs";
    nlohmann::json per;
    std::vector<double> loss, valLoss, acc, valAcc, tie, secs, pps;
    double l = 0.5 + u(rng);
    for (int e = 1; e <= epochs; ++e) {
        l *= 0.9 + 0.05 * u(rng);
        loss.push_back(l);
        valLoss.push_back(l * (1.1 + 0.1 * u(rng)));
        acc.push_back(1 - l / 3);
        valAcc.push_back(1 - l / 2.5);
        tie.push_back(0.7 + 0.2 * u(rng));
        secs.push_back(0.1 + 0.01 * u(rng));
        pps.push_back(40000 + 5000 * u(rng));
        per["epoch"].push_back(e);
    }
    per["train_loss"] = loss;
    per["val_loss"] = valLoss;
    per["train_accuracy"] = acc;
    per["val_accuracy"] = valAcc;
    per["val_tie_agreement"] = tie;
    per["seconds"] = secs;
    per["pairs_per_second"] = pps;
    m["per_epoch"] = per;
    m["loss_history"] = loss;
    m["val_loss_history"] = valLoss;
    m["kept_epoch"] = epochs;
    m["best_epoch"] = epochs;
    m["best_val_accuracy"] = valAcc.back();
    m["final_val_accuracy"] = valAcc.back();
    m["final_train_accuracy"] = acc.back();
    m["final_train_loss"] = loss.back();
    m["kept_val_loss"] = valLoss.back();
    m["training_time"] = 5.0 + u(rng);
    m["dataset"] = {{"path", "/data/pairs.jsonl"},
                    {"file_name", "pairs.jsonl"},
                    {"sha256", "cfb30e2e0262fa7b966eaaa4dabc09e45030443c963afa4398eaf3901b03cd74"},
                    {"bytes", 3496290},
                    {"rows", 4000},
                    {"valid_pairs", 4000},
                    {"skipped_lines", 0},
                    {"skipped_by_reason", nlohmann::json::object()},
                    {"warnings", 0},
                    {"label_counts", {{"1", 1819}, {"0", 400}, {"-1", 1781}}},
                    {"item_types", {{"project", 153}, {"skill", 81}, {"profile_section", 66}}},
                    {"unique_items", 300},
                    {"items_without_embedding", 0},
                    {"embeddings_file", ""},
                    {"train_pairs", 3200},
                    {"val_pairs", 800}};
    nlohmann::json breakdown = {{"pairs", 200},     {"decisive", 180}, {"correct", 170},
                                {"accuracy", 0.94}, {"ties", 20},      {"tie_agreement", 0.8}};
    nlohmann::json evaluation;
    for (const char *t : {"profile_section", "profile_section vs project", "profile_section vs skill", "project",
                          "project vs skill", "skill"})
        evaluation["by_item_type"][t] = breakdown;
    for (const char *t : {"clarity", "metrics", "recency", "relevance"})
        evaluation["by_reason_tag"][t] = breakdown;
    evaluation["confusion"] = {{"counts", {{320, 33, 0}, {5, 60, 8}, {0, 39, 335}}},
                               {"labels", {"-1", "0", "1"}},
                               {"predicted", {"B preferred", "equal", "A preferred"}}};
    evaluation["margin"] = 1.0;
    for (int i = 0; i < 20; ++i)
        evaluation["most_wrong"].push_back({{"item_a", "proj-" + std::to_string(i)},
                                            {"item_b", "skill-" + std::to_string(i)},
                                            {"label", -1},
                                            {"line", 100 + i},
                                            {"score_diff", 0.9 - 0.01 * i}});
    m["evaluation"] = evaluation;
    std::vector<double> mean(6, 0.5), sd(6, 0.2);
    m["feature_layout"] = {{"embedding_dim", 1536},
                           {"metric_names", {"clarity", "impact", "recency_days", "stars", "views", "word_count"}},
                           {"metric_mean", mean},
                           {"metric_std", sd},
                           {"input_dim", 1542},
                           {"order", "embedding values, then metrics sorted by name"}};
    m["files"] = {{"pth", "run.pth"}, {"onnx", "run.onnx"}, {"metadata", "run_metadata.json"}};
    return m;
}

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

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // no added folders from the user's settings
    const int runs = argc > 1 ? std::atoi(argv[1]) : 5000;
    // `history-bench RUNS WORKSPACE` keeps the generated runs in WORKSPACE/runs for the next
    // call (profiling the listing alone); by default they go to a temporary folder.
    QTemporaryDir temporary;
    const QString workspace = argc > 2 ? QString::fromLocal8Bit(argv[2]) : temporary.path();
    const std::string root = workspace.toStdString() + "/runs";
    const bool reuse = argc > 2 && std::filesystem::exists(root);
    std::mt19937 rng(1);
    size_t bytes = 0;
    for (int i = 0; i < runs && !reuse; ++i) {
        char name[64];
        std::snprintf(name, sizeof name, "/20260101-%06d-run_%d", i, i);
        const std::string folder = root + name;
        std::filesystem::create_directories(folder);
        const std::string text = fakeMetadata(i, rng).dump(2);
        bytes += text.size();
        ranker::writeFileAtomically(folder + "/run_metadata.json", text);
    }
    std::printf("generated %d runs, %.1f MB of metadata (50 epochs each) in %s; RSS %.0f MiB (peak %.0f MiB)\n", runs,
                double(bytes) / 1e6, root.c_str(), currentRssMiB(), peakRssMiB());

    for (int pass = 1; pass <= 3; ++pass) {
        QElapsedTimer timer;
        timer.start();
        const auto summaries = ranker::listRunSummaries(root);
        const double listMs = double(timer.nsecsElapsed()) / 1e6;
        timer.restart();
        auto *panel = new ranker::ui::RunHistoryPanel(QString::fromStdString(root));
        const double panelMs = double(timer.nsecsElapsed()) / 1e6;
        timer.restart();
        panel->resize(1400, 900);
        panel->show();
        QApplication::processEvents();
        const double showMs = double(timer.nsecsElapsed()) / 1e6;
        std::printf("pass %d: listing %zu runs %.0f ms; panel constructed with %d runs %.0f ms; first show %.0f ms; "
                    "open total %.0f ms (target < %d ms); RSS %.0f MiB, peak %.0f MiB\n",
                    pass, summaries.size(), listMs, panel->runCount(), panelMs, showMs, panelMs + showMs, runs,
                    currentRssMiB(), peakRssMiB());
        delete panel;
    }
#ifdef RANKER_BENCH_STUDIO
    // The whole studio on this workspace: its History place and the Review place's list of models.
    {
        QSettings().clear();
        ranker::ui::Settings settings;
        settings.load();
        settings.workspace = workspace;
        settings.save();
        QElapsedTimer timer;
        timer.start();
        auto *window = new ranker::ui::MainWindow;
        const double constructedMs = double(timer.nsecsElapsed()) / 1e6;
        window->show();
        const bool exposed = QTest::qWaitForWindowExposed(window, 600000);
        std::printf("studio: main window constructed %.0f ms, shown %s after %.0f ms; RSS %.0f MiB, peak %.0f MiB\n",
                    constructedMs, exposed ? "and exposed" : "but not exposed", double(timer.nsecsElapsed()) / 1e6,
                    currentRssMiB(), peakRssMiB());
        delete window;
    }
#endif
    // The Review place lists the runs with a model too (listRuns(): names, folders, how each ended).
    for (int pass = 1; pass <= 2; ++pass) {
        QElapsedTimer timer;
        timer.start();
        const auto listed = ranker::listRuns(root);
        std::printf("listRuns pass %d: %zu runs %.0f ms; RSS %.0f MiB, peak %.0f MiB\n", pass, listed.size(),
                    double(timer.nsecsElapsed()) / 1e6, currentRssMiB(), peakRssMiB());
    }
    return 0;
}
