// Sweeps (issue 14): grids and seeded random searches expand as asked, each trial is an ordinary
// run folder, trials run side by side, the ranking is by validation on unseen items (never the test
// file), and a stopped sweep resumes without redoing finished trials.
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/runs.h"
#include "core/training/quality.h"
#include "core/training/sweep.h"
#include "core/training/sweep_runner.h"
#include "testsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <csignal>
#include <set>

using namespace ranker;

namespace {

/// Counts what a sweep reports, and can stop it after some trials.
class Recorder final : public SweepObserver
{
public:
    int started = 0, finished = 0, epochs = 0, parallel = 0;
    int stopAfterStarted = -1;
    std::vector<std::vector<TrialResult>> rankings;
    void onSweepStarted(const std::vector<SweepTrial> &, int side) override { parallel = side; }
    void onTrialStarted(const SweepTrial &) override { ++started; }
    void onTrialProgress(const SweepTrial &, const nlohmann::json &event) override
    {
        epochs += event.value("event", std::string()) == "epoch";
    }
    void onTrialFinished(const SweepTrial &, const std::vector<TrialResult> &ranking) override
    {
        ++finished;
        rankings.push_back(ranking);
    }
    bool stopRequested() override { return stopAfterStarted >= 0 && started >= stopAfterStarted && epochs >= 1; }
};

} // namespace

class SweepTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_data, m_test;

    SweepRequest request(const char *folder) const
    {
        SweepRequest r;
        r.input = m_data;
        r.load.embeddingDim = 8;
        r.testPath = m_test;
        r.folder = m_dir.filePath(QString::fromLatin1(folder)).toStdString();
        r.trainer = test::binaryPath("app/ranker-train").toStdString();
        r.spec.base.embeddingDim = 8;
        r.spec.base.hiddenDim = 16;
        r.spec.base.epochs = 4;
        r.spec.base.threads = 1;
        r.spec.base.device = "cpu";
        r.spec.base.patience = 0; // every trial runs its epochs, and exports the validated model
        r.spec.base.refit = false;
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::WorldOptions world;
        world.items = 200;
        world.pairs = 2000;
        m_data = m_dir.filePath(QStringLiteral("train.jsonl")).toStdString();
        test::writeWorldDataset(m_data, world);
        world.items = 200;
        world.draw = 2;
        world.idPrefix = "new";
        m_test = m_dir.filePath(QStringLiteral("test.jsonl")).toStdString();
        test::writeWorldDataset(m_test, world);
    }

    void seedGuideGrid_is27TrialsInOdometerOrder()
    {
        SweepSpec spec;
        spec.parameters = seedGuideGrid();
        const std::vector<SweepTrial> trials = expandTrials(spec);
        QCOMPARE(trials.size(), size_t(27));
        QCOMPARE(trials.front().settings["learning_rate"].get<double>(), 0.01);
        QCOMPARE(trials.front().settings["batch_size"].get<int>(), 16);
        QCOMPARE(trials.front().settings["margin"].get<double>(), 0.5);
        QCOMPARE(trials[1].settings["margin"].get<double>(), 1.0); // the last parameter changes fastest
        QCOMPARE(trials.back().settings["learning_rate"].get<double>(), 0.0001);
        std::set<std::string> folders;
        for (const SweepTrial &t : trials)
            folders.insert(t.folder);
        QCOMPARE(folders.size(), size_t(27));
        QCOMPARE(QString::fromStdString(trials.front().folder), QStringLiteral("trial-001-bs16-lr0.01-m0.5"));
        const TrainConfig c = trialConfig(spec, trials[4]);
        QCOMPARE(c.learningRate, 0.01);
        QCOMPARE(c.batchSize, 32);
        QCOMPARE(c.margin, 1.0);
    }

    void randomSearch_isSeededAndStaysInItsRanges()
    {
        SweepSpec spec;
        spec.random = true;
        spec.trials = 50;
        spec.seed = 9;
        spec.parameters = {parseSweepParameter("learning_rate=0.0001:0.1:log"),
                           parseSweepParameter("hidden_dim=16:128"), parseSweepParameter("ties=hinge,skip")};
        const std::vector<SweepTrial> a = expandTrials(spec), b = expandTrials(spec);
        QCOMPARE(a.size(), size_t(50));
        std::set<std::string> ties;
        int small = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            QVERIFY(a[i].settings == b[i].settings);
            const double lr = a[i].settings["learning_rate"].get<double>();
            QVERIFY(lr >= 0.0001 && lr <= 0.1);
            small += lr < 0.00316; // log scale: about half below the geometric middle
            const nlohmann::json &h = a[i].settings["hidden_dim"];
            QVERIFY(h.is_number_integer() && h.get<int>() >= 16 && h.get<int>() <= 128);
            ties.insert(a[i].settings["ties"].get<std::string>());
        }
        QVERIFY2(small > 10 && small < 40, qPrintable(QString::number(small)));
        QCOMPARE(ties.size(), size_t(2));
        spec.seed = 10;
        QVERIFY(expandTrials(spec).front().settings != a.front().settings);
    }

    void badParameters_areClearErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown-key") << "colour=1,2"
                                     << "not a setting a sweep can vary";
        QTest::newRow("no-equals") << "learning_rate"
                                   << "expected KEY=";
        QTest::newRow("not-a-number") << "margin=1,big"
                                      << "not a number";
        QTest::newRow("fraction-for-integer") << "batch_size=16,32.5"
                                              << "whole numbers";
        QTest::newRow("empty-range") << "learning_rate=0.1:0.01"
                                     << "LOW must be below HIGH";
        QTest::newRow("log-of-zero") << "weight_decay=0:0.1:log"
                                     << "LOW > 0";
        QTest::newRow("text-range") << "ties=a:b"
                                    << "takes values, not a range";
    }

    void badParameters_areClearErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            parseSweepParameter(text.toStdString());
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
        }
        SweepSpec spec;
        spec.parameters = {parseSweepParameter("learning_rate=0.0001:0.1:log")};
        QVERIFY_THROWS_EXCEPTION(Error, expandTrials(spec)); // a grid needs values
    }

    void sweep_trialsAreRunFoldersRankedByValidation()
    {
        SweepRequest r = request("grid");
        r.spec.parameters = {parseSweepParameter("learning_rate=0.01,0.001"), parseSweepParameter("margin=0.5,1")};
        Recorder recorder;
        const SweepResult result = runSweep(r, recorder);
        QCOMPARE(recorder.parallel, 2); // two cores here: one trial each
        QCOMPARE(recorder.started, 4);
        QCOMPARE(recorder.finished, 4);
        QCOMPARE(recorder.epochs, 16); // every trial's epochs came through as progress events
        QVERIFY(!result.stopped);
        for (const SweepTrial &t : result.trials) {
            QCOMPARE(QString::fromStdString(t.status), QStringLiteral("done"));
            const RunInfo run = readRun(r.folder + "/" + t.folder);
            QVERIFY2(!run.broken, run.problem.c_str());
            QVERIFY(!run.pthPath.empty());
            QCOMPARE(run.metadata["learning_rate"].get<double>(), t.settings["learning_rate"].get<double>());
            QCOMPARE(run.metadata["epochs"].get<int>(), 4);
            QVERIFY(run.metadata["test"].is_object()); // evaluated on the test file...
        }
        // ...but ranked by validation on unseen items, best first.
        QCOMPARE(result.ranking.size(), size_t(4));
        for (size_t i = 0; i + 1 < result.ranking.size(); ++i)
            QVERIFY(result.ranking[i].score >= result.ranking[i + 1].score);
        const RunInfo best = readRun(result.ranking.front().runFolder);
        QCOMPARE(result.ranking.front().score, selectionQuality(best.metadata).accuracy);
        QVERIFY(selectionQuality(best.metadata).accuracy != headlineQuality(best.metadata).accuracy ||
                headlineQuality(best.metadata).kind == QualityFigure::Test);
        // The sweep's folder lists the trials as runs, and sweep.json says what was asked.
        QCOMPARE(listRunFolders(r.folder).size(), size_t(4));
        SweepSpec saved;
        std::vector<SweepTrial> trials;
        readSweep(r.folder, saved, trials);
        QCOMPARE(trials.size(), size_t(4));
        QCOMPARE(saved.parameters.size(), size_t(2));
    }

    void stoppedSweep_resumesWithoutRedoingFinishedTrials()
    {
        SweepRequest r = request("stopped");
        r.spec.base.epochs = 30;
        r.spec.parallel = 1;
        r.spec.parameters = {parseSweepParameter("learning_rate=0.01,0.003,0.001")};
        Recorder first;
        first.stopAfterStarted = 2; // stop while the second trial runs
        const SweepResult stopped = runSweep(r, first);
        QVERIFY(stopped.stopped);
        QCOMPARE(QString::fromStdString(stopped.trials[0].status), QStringLiteral("done"));
        QCOMPARE(QString::fromStdString(stopped.trials[1].status), QStringLiteral("cancelled"));
        QCOMPARE(QString::fromStdString(stopped.trials[2].status), QStringLiteral("pending"));
        const QString firstPth = QString::fromStdString(readRun(r.folder + "/" + stopped.trials[0].folder).pthPath);
        const QDateTime firstWritten = QFileInfo(firstPth).lastModified();

        r.resume = true;
        Recorder second;
        const SweepResult resumed = runSweep(r, second);
        QVERIFY(!resumed.stopped);
        QCOMPARE(second.started, 2); // the stopped one and the one never started, not the finished one
        for (const SweepTrial &t : resumed.trials)
            QCOMPARE(QString::fromStdString(t.status), QStringLiteral("done"));
        QCOMPARE(QFileInfo(firstPth).lastModified(), firstWritten);
    }

    void sweepCommand_seedGridFlagAndJson()
    {
        // The CLI: the seed guide's grid is one flag; --json gives the ranking.
        const QString out = m_dir.filePath(QStringLiteral("cli-grid"));
        QProcess p;
        p.start(test::binaryPath("app/ranker-train"),
                {QStringLiteral("sweep"), QStringLiteral("--input"), QString::fromStdString(m_data),
                 QStringLiteral("--output"), out, QStringLiteral("--embedding-dim"), QStringLiteral("8"),
                 QStringLiteral("--epochs"), QStringLiteral("2"), QStringLiteral("--hidden-dim"), QStringLiteral("8"),
                 QStringLiteral("--seed-grid"), QStringLiteral("--json")});
        QVERIFY(p.waitForFinished(300000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitCode() == 0, qPrintable(err));
        const nlohmann::json j = nlohmann::json::parse(p.readAllStandardOutput().toStdString());
        QCOMPARE(j["trials"].get<int>(), 27);
        QCOMPARE(j["finished"].get<int>(), 27);
        QCOMPARE(j["ranking"].size(), size_t(27));
        QCOMPARE(j["ranking"][0]["rank"].get<int>(), 1);
        QVERIFY(err.contains(QLatin1String("27 of 27 trials to run, 2 side by side")));
        QCOMPARE(QDir(out).entryList({QStringLiteral("trial-*")}, QDir::Dirs).size(), 27);

        // A bad --param is a usage error (exit 2) before anything starts.
        QProcess bad;
        bad.start(test::binaryPath("app/ranker-train"),
                  {QStringLiteral("sweep"), QStringLiteral("--input"), QString::fromStdString(m_data),
                   QStringLiteral("--output"), m_dir.filePath(QStringLiteral("bad")), QStringLiteral("--param"),
                   QStringLiteral("colour=red")});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("bad/sweep.json"))));
    }

    void sideBySide_isOnePerCoreWithinMemory()
    {
        QCOMPARE(sideBySide(2, 27, 4 << 20, 24ull << 30), 2);
        QCOMPARE(sideBySide(8, 3, 4 << 20, 24ull << 30), 3);
        QCOMPARE(sideBySide(8, 27, 4ull << 30, 16ull << 30), 1); // a 4 GB dataset: memory decides
        QCOMPARE(sideBySide(1, 27, 0, 0), 1);
    }
};

QTEST_GUILESS_MAIN(SweepTest)
#include "tst_sweep.moc"
