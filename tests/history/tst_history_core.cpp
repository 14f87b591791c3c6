// Run history's Qt-free parts: notes sidecar, summaries, smoothing, CSV.

#include "core/atomic_file.h"
#include "core/run_history.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <filesystem>
#include <set>

using namespace ranker;

namespace {

std::string exampleMetadata()
{
    return R"({"model_name": "m1", "created_at": "2026-11-25T10:14:58Z", "epochs": 4, "epochs_completed": 3,
      "learning_rate": 0.01, "hidden_dim": 32, "batch_size": 16, "margin": 1.0, "dropout": 0.2,
      "embedding_dim": 4, "val_split": 0.2, "seed": 7, "tie_policy": "skip", "keep": "best", "device": "cpu",
      "threads": 1, "ended": "cancelled", "end_message": "stopped", "training_time": 1.5, "dataset_size": 90,
      "dataset": {"path": "/data/x.jsonl", "file_name": "x.jsonl", "sha256": "0123456789abcdef", "valid_pairs": 100},
      "loss_history": [0.5, 0.4, 0.3], "val_loss_history": [0.6, null, 0.4],
      "per_epoch": {"epoch": [1, 2, 3], "train_loss": [0.5, 0.4, 0.3], "val_loss": [0.6, null, 0.4],
                    "train_accuracy": [0.7, 0.8, 0.9], "val_accuracy": [0.65, 0.85, 0.8]},
      "best_val_accuracy": 0.85, "final_train_loss": 0.3})";
}

} // namespace

class HistoryCoreTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void summary_flattensMetadata()
    {
        const std::string folder = m_dir.filePath(QStringLiteral("run1")).toStdString();
        std::filesystem::create_directories(folder);
        writeFileAtomically(folder + "/m1_metadata.json", exampleMetadata());
        const RunSummary s = readRunSummary(folder);
        QVERIFY(!s.broken);
        QCOMPARE(s.modelName, std::string("m1"));
        QCOMPARE(s.datasetFile, std::string("x.jsonl"));
        QCOMPARE(s.shortHash(), std::string("01234567"));
        QCOMPARE(s.pairs, int64_t(100));
        QCOMPARE(s.epochsDone, 3);
        QCOMPARE(s.epochsAsked, 4);
        QCOMPARE(s.learningRate, 0.01);
        QCOMPARE(s.bestValAccuracy, 0.85);
        QCOMPARE(s.ended, std::string("cancelled"));
        QCOMPARE(s.series.size(), size_t(3));
        QVERIFY(std::isnan(s.series.valLoss[1]));
        QCOMPARE(comparisonValue(s, "learning_rate"), std::string("0.01"));
        QCOMPARE(comparisonValue(s, "tie_policy"), std::string("skip"));
        QCOMPARE(comparisonNumber(s, "hidden_dim"), 32.0);
        // "Train again" gets the configuration's names (ties, not tie_policy).
        const nlohmann::json config = trainConfigJson(nlohmann::json::parse(exampleMetadata()));
        QCOMPARE(config["ties"].get<std::string>(), std::string("skip"));
        QCOMPARE(config["learning_rate"].get<double>(), 0.01);
        QCOMPARE(config["hidden_dim"].get<int>(), 32);
        QCOMPARE(config["model_name"].get<std::string>(), std::string("m1"));
    }

    void summary_brokenMetadata_givesReason_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("reason");
        QTest::newRow("invalid-json") << QStringLiteral("{\"model_name\": ") << QStringLiteral("parse");
        QTest::newRow("not-an-object") << QStringLiteral("[1, 2]") << QStringLiteral("not a JSON object");
        QTest::newRow("foreign-json") << QStringLiteral("{\"a\": 1}") << QStringLiteral("no loss_history");
    }
    void summary_brokenMetadata_givesReason()
    {
        QFETCH(QString, content);
        QFETCH(QString, reason);
        const std::string folder = m_dir.filePath(QStringLiteral("broken-") + QTest::currentDataTag()).toStdString();
        std::filesystem::create_directories(folder);
        writeFileAtomically(folder + "/x_metadata.json", content.toStdString());
        const RunSummary s = readRunSummary(folder);
        QVERIFY(s.broken);
        QVERIFY2(QString::fromStdString(s.problem).contains(reason), s.problem.c_str());
    }

    void notes_roundTripThroughSidecar()
    {
        const std::string folder = m_dir.filePath(QStringLiteral("notes")).toStdString();
        std::filesystem::create_directories(folder);
        QCOMPARE(readRunNotes(folder), RunNotes());
        RunNotes notes{"Best so far", "line 1\nline \"2\", ünïcode", parseTags(" a, b ,, a,c ")};
        QCOMPARE(notes.tags, (std::vector<std::string>{"a", "b", "c"}));
        writeRunNotes(folder, notes);
        QCOMPARE(readRunNotes(folder), notes);
        // Only the sidecar is in the folder: no temporary file left behind.
        int files = 0;
        for (const auto &entry : std::filesystem::directory_iterator(folder)) {
            QCOMPARE(entry.path().filename().string(), std::string(kRunNotesFileName));
            ++files;
        }
        QCOMPARE(files, 1);
    }

    void smoothing_movingAverageAndExponential()
    {
        const std::vector<double> v = {1, 2, 3, 4, NAN, 6};
        const std::vector<double> ma = movingAverage(v, 2);
        QCOMPARE(ma[0], 1.0);
        QCOMPARE(ma[1], 1.5);
        QCOMPARE(ma[3], 3.5);
        QVERIFY(std::isnan(ma[4]));
        QCOMPARE(ma[5], 6.0); // its window holds the NaN and 6
        QCOMPARE(movingAverage(v, 1)[2], 3.0);
        const std::vector<double> ex = exponentialSmoothing(v, 0.5);
        QCOMPARE(ex[0], 1.0); // debiased: the first point is the value itself
        QCOMPARE(ex[1], (0.25 * 1 + 0.5 * 2) / 0.75);
        QVERIFY(std::isnan(ex[4]));
        QCOMPARE(exponentialSmoothing(v, 0)[3], 4.0);
    }

    void csv_roundTrips()
    {
        const CsvTable table = {{"field", "a,b", "with \"quotes\""}, {"multi\nline", "", "x"}, {"1e-05", "0.1", ""}};
        QCOMPARE(parseCsv(toCsv(table)), table);
        QCOMPARE(csvNumber(0.1), std::string("0.1"));
        const double third = 1.0 / 3;
        QCOMPARE(std::strtod(csvNumber(third).c_str(), nullptr), third);
        QCOMPARE(csvNumber(NAN), std::string());
        QVERIFY_THROWS_EXCEPTION(std::exception, parseCsv("\"open"));
    }

    void fuzzCorpus_summariesNeverThrow_andAgreeWithReadRun()
    {
        // The metadata corpus of tests/fuzz: the summary reader (simdjson) must say "broken"
        // exactly when readRun() (nlohmann) does, and never throw.
        const QDir corpus(QStringLiteral(RANKER_SOURCE_DIR "/tests/fuzz/corpus/metadata"));
        const QStringList files = corpus.entryList(QDir::Files);
        QVERIFY(!files.isEmpty());
        for (const QString &name : files) {
            QTemporaryDir dir;
            QVERIFY(QFile::copy(corpus.filePath(name), dir.filePath(QStringLiteral("run_metadata.json"))));
            const RunInfo run = readRun(dir.path().toStdString());
            RunSummary summary;
            try {
                summary = readRunSummary(dir.path().toStdString());
            } catch (const std::exception &e) {
                QFAIL(qPrintable(name + QStringLiteral(": ") + QString::fromStdString(e.what())));
            }
            if (run.broken)
                QVERIFY2(summary.broken && !summary.problem.empty(), qPrintable(name));
            else
                QCOMPARE(summary.modelName, run.name);
        }
    }

    void summaryCache_readsAFolderAgainOnlyWhenItChanged()
    {
        const QString root = m_dir.filePath(QStringLiteral("cached"));
        for (const char *name : {"a", "b", "c"}) {
            const std::string folder = (root + QLatin1Char('/') + QLatin1String(name)).toStdString();
            std::filesystem::create_directories(folder);
            writeFileAtomically(folder + "/m1_metadata.json", exampleMetadata());
        }
        RunSummaryCache cache;
        QCOMPARE(cache.list(root.toStdString()).size(), size_t(3));
        QCOMPARE(cache.lastRead(), size_t(3));
        QCOMPARE(cache.list(root.toStdString()).size(), size_t(3));
        QCOMPARE(cache.lastRead(), size_t(0)); // nothing changed: nothing read
        cache.dropUnlisted();                  // as the History panel does after each refresh
        // Notes added, metadata replaced, a run removed, a run added: each one is seen.
        RunNotes notes;
        notes.notes = "seen";
        writeRunNotes((root + QStringLiteral("/a")).toStdString(), notes);
        std::string other = exampleMetadata();
        other.replace(other.find("\"m1\""), 4, "\"m2\"");
        writeFileAtomically((root + QStringLiteral("/b/m1_metadata.json")).toStdString(), other);
        QVERIFY(QDir(root + QStringLiteral("/c")).removeRecursively());
        std::filesystem::create_directories((root + QStringLiteral("/d")).toStdString());
        writeFileAtomically((root + QStringLiteral("/d/m1_metadata.json")).toStdString(), exampleMetadata());
        const std::vector<RunSummary> runs = cache.list(root.toStdString());
        QCOMPARE(runs.size(), size_t(3));
        QCOMPARE(cache.lastRead(), size_t(3)); // a, b and d
        std::set<std::string> names, notesSeen;
        for (const RunSummary &run : runs) {
            names.insert(run.modelName);
            notesSeen.insert(run.notes.notes);
        }
        QCOMPARE(names, (std::set<std::string>{"m1", "m2"}));
        QVERIFY(notesSeen.count("seen"));
        cache.dropUnlisted();
        QCOMPARE(cache.size(), size_t(3));
    }

    void depthLimit_summaryAndReadRunAgreeAtTheBoundary()
    {
        // The summary reader (simdjson, its own depth limit) and readRun() (the grammar check's
        // limit) must call the same files broken, right at the limit too.
        for (size_t depth : {kMaxRunJsonDepth - 1, kMaxRunJsonDepth, kMaxRunJsonDepth + 1}) {
            QTemporaryDir dir;
            std::string text = "{\"loss_history\": [0.5], \"x\": ";
            // The root object is one level: `depth` levels in all.
            text += std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
            writeFileAtomically(dir.filePath(QStringLiteral("r_metadata.json")).toStdString(), text);
            const RunInfo run = readRun(dir.path().toStdString());
            const RunSummary summary = readRunSummary(dir.path().toStdString());
            QCOMPARE(run.broken, depth > kMaxRunJsonDepth);
            QCOMPARE(summary.broken, run.broken);
        }
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(HistoryCoreTest)
#include "tst_history_core.moc"
