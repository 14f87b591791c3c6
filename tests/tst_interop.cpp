// Interop: the exported files opened by real PyTorch, the ONNX checker and ONNX Runtime.
#include "core/atomic_file.h"
#include "core/dataset.h"
#include "core/error.h"
#include "core/model.h"
#include "core/pipeline.h"
#include "testsupport.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>
#include <set>
#include <sstream>

using namespace ranker;

class InteropTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    PipelineResult m_run;
    QString m_probe;
    QString m_kitItems;    ///< items.jsonl: the dataset's items as the app has them, and edge cases
    QString m_kitExpected; ///< expected.json: LibTorch's raw feature rows and scores for them
    std::string m_input;
    int m_dim = 0;

    /// Runs a program; fails the test with its output unless it exits 0.
    static void runChecked(const QString &program, const QStringList &arguments)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, arguments);
        QVERIFY2(process.waitForStarted(), qPrintable(program + QStringLiteral(" did not start")));
        QVERIFY2(process.waitForFinished(180000), qPrintable(program + QStringLiteral(" timed out")));
        const QString output = QString::fromUtf8(process.readAll());
        qInfo().noquote() << output.trimmed();
        QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
                 qPrintable(QStringLiteral("%1 exited %2: %3").arg(program).arg(process.exitCode()).arg(output)));
    }

    /**
     * The deployment kit's test data: the dataset's items as JSON objects (what an app holds),
     * plus items that take each rule of the recipe (no embedding, no metrics, a missing and an
     * unknown metric, an integer id, values that round in float32), read back by the same
     * loader ranker-rank uses; their raw feature rows and LibTorch's scores.
     */
    void writeKitData(const std::string &datasetPath, int dim)
    {
        std::vector<nlohmann::json> items;
        std::set<std::string> ids;
        std::istringstream lines(readFile(datasetPath));
        for (std::string line; std::getline(lines, line) && items.size() < 40;)
            for (const char *side : {"item_a", "item_b"}) {
                const nlohmann::json item = nlohmann::json::parse(line)[side];
                if (ids.insert(item["id"].get<std::string>()).second)
                    items.push_back(item);
            }
        const nlohmann::json &model = items.front();
        // Values that float32 rounds (scores stay of ordinary size: the tolerance is absolute).
        std::vector<double> rounding(size_t(dim), 0.1);
        rounding[0] = 0.12345678901234567;
        rounding[1] = 1e-40;              // a float32 subnormal
        rounding[2] = 1.0000000596046448; // half-way between 1 and the next float32: to even, 1
        rounding[3] = -0.30000000000000004;
        items.push_back({{"id", "no-embedding"}, {"item_type", "project"}, {"metrics", model["metrics"]}});
        items.push_back({{"id", "null-embedding-and-metrics"}, {"embedding", nullptr}, {"metrics", nullptr}});
        items.push_back({{"id", "no-metrics"}, {"embedding", model["embedding"]}});
        items.push_back({{"id", "one-metric"}, {"embedding", model["embedding"]}, {"metrics", {{"stars", 12}}}});
        items.push_back({{"id", "unknown-metric"},
                         {"embedding", model["embedding"]},
                         {"metrics", {{"stars", 1}, {"clarity", 0.9}, {"mystery", 1e6}}},
                         {"reason", "fields the model does not read"}});
        items.push_back({{"id", 42}, {"embedding", rounding}, {"metrics", {{"stars", 0.30000000000000004}}}});
        std::string text;
        for (const nlohmann::json &item : items)
            text += item.dump() + "\n";
        m_kitItems = m_dir.filePath(QStringLiteral("items.jsonl"));
        writeFileAtomically(m_kitItems.toStdString(), text);

        LoadOptions options;
        options.embeddingDim = dim;
        options.strict = true;
        const Dataset ds = loadItems(m_kitItems.toStdString(), options);
        QCOMPARE(ds.items.size(), items.size());
        const ModelWeights &w = m_run.train.checkpoint.weights;
        const std::vector<float> rows = rawFeatureMatrix(ds, w.layout);
        const std::vector<float> scores = RankerModel(w).score(rows.data(), int64_t(ds.items.size()));
        const size_t f = size_t(w.layout.featureDim());
        nlohmann::json expected;
        for (size_t i = 0; i < ds.items.size(); ++i) {
            expected["ids"].push_back(ds.items[i].id);
            expected["features"].push_back(
                std::vector<float>(rows.begin() + std::ptrdiff_t(i * f), rows.begin() + std::ptrdiff_t((i + 1) * f)));
            expected["scores"].push_back(scores[i]);
        }
        m_kitExpected = m_dir.filePath(QStringLiteral("expected.json"));
        writeFileAtomically(m_kitExpected.toStdString(), expected.dump());
    }

    QStringList kitArguments() const
    {
        return {QString::fromStdString(m_run.runDir), QStringLiteral("pairwise_ranker"), m_kitItems, m_kitExpected};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const std::string input = m_dir.filePath(QStringLiteral("data.jsonl")).toStdString();
        test::SyntheticOptions o;
        o.dim = 24;
        test::writeSyntheticDataset(input, o);
        m_input = input;
        m_dim = o.dim;
        PipelineRequest request;
        request.input = input;
        request.outputDir = m_dir.filePath(QStringLiteral("run")).toStdString();
        request.train.embeddingDim = o.dim;
        request.train.hiddenDim = 32;
        request.train.epochs = 5;
        PipelineObserver observer;
        m_run = runPipeline(request, observer);

        // LibTorch's scores on raw feature rows: dataset items, plus random rows with a spread of
        // magnitudes, so the comparison covers more than the training data.
        LoadOptions options;
        options.embeddingDim = o.dim;
        const Dataset ds = loadDataset(input, options);
        const ModelWeights &w = m_run.train.checkpoint.weights;
        std::vector<float> rows = rawFeatureMatrix(ds, w.layout);
        const int64_t f = w.layout.featureDim();
        std::mt19937 rng(3);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        for (int i = 0; i < 16; ++i)
            for (int64_t c = 0; c < f; ++c)
                rows.push_back(c < o.dim ? normal(rng)
                                         : w.layout.mean[size_t(c)] + w.layout.std[size_t(c)] * normal(rng));
        const int64_t n = int64_t(rows.size()) / f;
        const std::vector<float> scores = RankerModel(w).score(rows.data(), n);
        nlohmann::json probe;
        probe["input_a"] = nlohmann::json::array();
        probe["input_b"] = nlohmann::json::array();
        for (int64_t i = 0; i + 1 < n; i += 2) {
            probe["input_a"].push_back(std::vector<float>(rows.begin() + i * f, rows.begin() + (i + 1) * f));
            probe["input_b"].push_back(std::vector<float>(rows.begin() + (i + 1) * f, rows.begin() + (i + 2) * f));
            probe["score_a"].push_back(scores[size_t(i)]);
            probe["score_b"].push_back(scores[size_t(i + 1)]);
            probe["score_diff"].push_back(scores[size_t(i)] - scores[size_t(i + 1)]);
        }
        m_probe = m_dir.filePath(QStringLiteral("probe.json"));
        QFile file(m_probe);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::fromStdString(probe.dump()));
        writeKitData(input, o.dim);
    }

    void pytorch_loadsThePthAndReproducesScores()
    {
        runChecked(QStringLiteral(RANKER_PYTHON),
                   {test::sourcePath("tests/interop/check_pth.py"), QString::fromStdString(m_run.pthPath), m_probe});
    }

    // A Python user's files come back: our dict re-saved unchanged, a dict of the same keys after
    // Adam steps in Python, and the bare state_dict, all written by Python's own torch.save.
    void pythonSavedCheckpoints_readAsPythonSavedThem()
    {
        const QString out = m_dir.filePath(QStringLiteral("python"));
        runChecked(QStringLiteral(RANKER_PYTHON),
                   {test::sourcePath("tests/interop/make_python_checkpoints.py"), QString::fromStdString(m_run.pthPath),
                    out, QStringLiteral("--probe"), m_probe});
        // Re-saved unchanged: the very checkpoint we wrote.
        const Checkpoint ours = loadCheckpoint(m_run.pthPath);
        const Checkpoint resaved = loadCheckpoint((out + QStringLiteral("/resaved.pth")).toStdString());
        QVERIFY(resaved.weights.w1 == ours.weights.w1 && resaved.weights.w2 == ours.weights.w2 &&
                resaved.weights.b3 == ours.weights.b3);
        QVERIFY(resaved.weights.layout == ours.weights.layout);
        QCOMPARE(resaved.epoch, ours.epoch);
        QVERIFY(resaved.lossHistory == ours.lossHistory);
        QCOMPARE(resaved.optimizer.step, ours.optimizer.step);
        QVERIFY(resaved.optimizer.expAvgSq == ours.optimizer.expAvgSq);
        QVERIFY(nlohmann::json::parse(resaved.configJson) == nlohmann::json::parse(ours.configJson));

        // Fine-tuned in Python: the same scores as Python computes, the epoch and history it saved.
        const nlohmann::json expected =
            nlohmann::json::parse(readFile((out + QStringLiteral("/python_scores.json")).toStdString()));
        std::vector<float> rows;
        for (const auto &row : expected["rows"])
            for (const auto &v : row)
                rows.push_back(v.get<float>());
        const int64_t n = int64_t(expected["scores"].size());
        const Checkpoint tuned = loadCheckpoint((out + QStringLiteral("/python_dict.pth")).toStdString());
        QCOMPARE(tuned.epoch, expected["epoch"].get<int>());
        QCOMPARE(tuned.lossHistory.size(), expected["loss_history"].size());
        QVERIFY(tuned.weights.w1 != ours.weights.w1); // Python's steps changed it
        QCOMPARE(tuned.optimizer.step, ours.optimizer.step + 3);
        auto maxDiff = [&](const Checkpoint &cp) {
            const std::vector<float> scores = RankerModel(cp.weights).score(rows.data(), n);
            double worst = 0;
            for (int64_t i = 0; i < n; ++i)
                worst =
                    std::max(worst, std::fabs(double(scores[size_t(i)]) - expected["scores"][size_t(i)].get<double>()));
            return worst;
        };
        qInfo("Python's fine-tuned dict: max abs score diff %.3g over %lld rows", maxDiff(tuned), (long long)n);
        QVERIFY2(maxDiff(tuned) <= 1e-5, qPrintable(QString::number(maxDiff(tuned))));

        // The bare state_dict: a clear error until the run's metadata is beside it, then the same model.
        const std::string bare = (out + QStringLiteral("/state_dict.pth")).toStdString();
        try {
            (void)loadCheckpoint(bare);
            QFAIL("a bare state_dict without metadata was read");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).startsWith(QString::fromStdString(bare + ": a bare state_dict")),
                     e.what());
        }
        QVERIFY(
            QFile::copy(QString::fromStdString(m_run.metadataPath), out + QStringLiteral("/state_dict_metadata.json")));
        const Checkpoint fromBare = loadCheckpoint(bare);
        QVERIFY(fromBare.weights.layout == tuned.weights.layout);
        QVERIFY(fromBare.weights.w2 == tuned.weights.w2);
        QCOMPARE(fromBare.epoch, 0);
        QVERIFY(fromBare.optimizer.empty());
        qInfo("Python's bare state_dict: max abs score diff %.3g", maxDiff(fromBare));
        QVERIFY2(maxDiff(fromBare) <= 1e-5, qPrintable(QString::number(maxDiff(fromBare))));

        // And training resumes from Python's dict where Python left it (the pipeline behind --resume).
        PipelineRequest request;
        request.input = m_input;
        request.outputDir = (out + QStringLiteral("/resumed")).toStdString();
        request.train.embeddingDim = m_dim;
        request.train.hiddenDim = 32;
        request.train.epochs = 2;
        request.resumePath = (out + QStringLiteral("/python_dict.pth")).toStdString();
        PipelineObserver observer;
        const PipelineResult resumed = runPipeline(request, observer);
        QCOMPARE(resumed.train.firstEpoch, tuned.epoch + 1);
        QCOMPARE(resumed.train.epochsCompleted, tuned.epoch + 2);
        QCOMPARE(resumed.train.lossHistory.size(), tuned.lossHistory.size() + 2);
    }

    void onnxChecker_acceptsTheGraph()
    {
        runChecked(QStringLiteral(RANKER_PYTHON),
                   {test::sourcePath("tests/interop/check_onnx.py"), QString::fromStdString(m_run.onnxPath)});
    }

    void onnxRuntime_matchesLibTorch()
    {
        QVERIFY2(QFile::exists(test::sourcePath("tests/interop/node/node_modules/onnxruntime-node/package.json")),
                 "onnxruntime-node is not installed: run installer/install-ort.sh (the setup script does)");
        runChecked(QStringLiteral(RANKER_NODE),
                   {test::sourcePath("tests/interop/run_ort.js"), QString::fromStdString(m_run.onnxPath), m_probe});
    }

    void openCvDnn_importsTheGraphAndMatchesLibTorch()
    {
        // Debian's python3-opencv (4.6): it refused opset 13's Squeeze and element-wise ops on 1-D
        // outputs, and multiplies where a Div by a constant is asked.
        runChecked(QStringLiteral(RANKER_PYTHON), {test::sourcePath("tests/interop/check_opencv.py"),
                                                   QString::fromStdString(m_run.onnxPath), m_probe});
    }

    void deployKit_isListedWithTheRunsFiles()
    {
        QCOMPARE(m_run.kitPaths.size(), size_t(3));
        const nlohmann::json &files = m_run.metadata["files"];
        const char *keys[] = {"features", "module", "types"};
        for (size_t i = 0; i < 3; ++i) {
            QVERIFY2(QFile::exists(QString::fromStdString(m_run.kitPaths[i])), m_run.kitPaths[i].c_str());
            QCOMPARE(m_run.runDir + "/" + files[keys[i]].get<std::string>(), m_run.kitPaths[i]);
        }
        const nlohmann::json recipe = nlohmann::json::parse(readFile(m_run.kitPaths[0]));
        const FeatureLayout &layout = m_run.train.checkpoint.weights.layout;
        QCOMPARE(recipe["input_dim"].get<int>(), layout.featureDim());
        QCOMPARE(recipe["metric_names"].get<std::vector<std::string>>(), layout.metricNames);
        QCOMPARE(recipe["metric_means"].get<std::vector<float>>(),
                 std::vector<float>(layout.mean.begin() + layout.embeddingDim, layout.mean.end()));
        QCOMPARE(recipe["missing_embedding"].get<std::string>(), std::string("zeros"));
        QCOMPARE(recipe["model_file"].get<std::string>(), std::string("pairwise_ranker.onnx"));
    }

    void deployKit_inNodeWithOnnxRuntimeNode_matchesLibTorch()
    {
        runChecked(QStringLiteral(RANKER_NODE),
                   QStringList{test::sourcePath("tests/interop/kit_node.mjs")} + kitArguments());
    }

    void deployKit_inChromiumWithOnnxRuntimeWeb_matchesLibTorch()
    {
        QVERIFY2(QFile::exists(QStringLiteral("/usr/bin/chromium")),
                 "no /usr/bin/chromium: installer/setup.sh installs it");
        runChecked(QStringLiteral(RANKER_NODE),
                   QStringList{test::sourcePath("tests/interop/kit_web.mjs")} + kitArguments());
    }

    void deployKit_readmeTypeScript_typeChecksAndRuns()
    {
        runChecked(QStringLiteral(RANKER_NODE),
                   QStringList{test::sourcePath("tests/interop/kit_types.mjs")} + kitArguments());
    }

    void seedGuideMetadataSnippet_runs()
    {
        runChecked(QStringLiteral(RANKER_PYTHON), {test::sourcePath("tests/interop/seed_metadata_snippet.py"),
                                                   QString::fromStdString(m_run.metadataPath)});
    }
};

QTEST_GUILESS_MAIN(InteropTest)
#include "tst_interop.moc"
