// Interop: the exported files opened by real PyTorch, the ONNX checker and ONNX Runtime.
#include "core/dataset.h"
#include "core/model.h"
#include "core/pipeline.h"
#include "testsupport.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace ranker;

class InteropTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    PipelineResult m_run;
    QString m_probe;

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

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const std::string input = m_dir.filePath(QStringLiteral("data.jsonl")).toStdString();
        test::SyntheticOptions o;
        o.dim = 24;
        test::writeSyntheticDataset(input, o);
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
                rows.push_back(c < o.dim ? normal(rng) : w.layout.mean[size_t(c)] + w.layout.std[size_t(c)] * normal(rng));
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
    }

    void pytorch_loadsThePthAndReproducesScores()
    {
        runChecked(QStringLiteral(RANKER_PYTHON),
                   {test::sourcePath("tests/interop/check_pth.py"), QString::fromStdString(m_run.pthPath), m_probe});
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

    void seedGuideMetadataSnippet_runs()
    {
        runChecked(QStringLiteral(RANKER_PYTHON), {test::sourcePath("tests/interop/seed_metadata_snippet.py"),
                                                   QString::fromStdString(m_run.metadataPath)});
    }
};

QTEST_GUILESS_MAIN(InteropTest)
#include "tst_interop.moc"
