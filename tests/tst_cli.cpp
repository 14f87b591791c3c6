// ranker-train and ranker-rank as a user runs them: the seed guide's commands, flags, errors.
#include "core/atomic_file.h"
#include "testsupport.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace ranker;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run run(const QString &program, const QStringList &arguments, const QString &workingDir = {})
{
    QProcess process;
    if (!workingDir.isEmpty())
        process.setWorkingDirectory(workingDir);
    process.start(program, arguments);
    Run r;
    if (!process.waitForFinished(300000))
        return r;
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    return r;
}

QString train()
{
    return test::binaryPath("app/ranker-train");
}
QString rank()
{
    return test::binaryPath("app/ranker-rank");
}

} // namespace

class CliTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_small; ///< 8-dimensional embeddings

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The guide's default embedding dimension is 1536: a small dataset of that shape.
        test::SyntheticOptions o;
        o.dim = 1536;
        o.items = 12;
        o.pairs = 40;
        test::writeSyntheticDataset(m_dir.filePath(QStringLiteral("dataset.jsonl")).toStdString(), o);
        m_small = m_dir.filePath(QStringLiteral("small.jsonl"));
        test::writeSyntheticDataset(m_small.toStdString());
    }

    void help_listsTheSeedFlagsWithTheirDefaults()
    {
        const Run r = run(train(), {QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        for (const char *flag : {"--input", "--output", "--name", "--embedding-dim", "--hidden-dim", "--learning-rate",
                                 "--batch-size", "--epochs", "--margin", "--val-split", "--seed", "--device", "--ties",
                                 "--embeddings", "--resume", "--keep", "--strict", "--threads", "--version"})
            QVERIFY2(r.out.contains(QString::fromUtf8(flag)), flag);
        for (const char *value : {"pairwise_ranker", "1536", "256", "0.001", "32", "50"})
            QVERIFY2(r.out.contains(QString::fromUtf8(value)), value);
    }

    void version_printsTheVersion()
    {
        const Run r = run(train(), {QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("ranker-train " RANKER_TEST_VERSION)), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("LibTorch " RANKER_TEST_TORCH_VERSION)));
        // Which LibTorch library it runs on: a file that exists (another build may be in use).
        const QString library =
            r.out.section(QStringLiteral("LibTorch "), 1).section(QLatin1Char('('), 1).section(QLatin1Char(')'), 0, 0);
        QVERIFY2(library.contains(QStringLiteral("libtorch")) && QFileInfo::exists(library), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("CUDA: ")));
        const Run rank = run(::rank(), {QStringLiteral("--version")});
        QCOMPARE(rank.exitCode, 0);
        QVERIFY2(rank.out.startsWith(QStringLiteral("ranker-rank " RANKER_TEST_VERSION)), qPrintable(rank.out));
    }

    void seedBasicTraining_worksAsWritten()
    {
        // python train_ranker.py --input dataset.jsonl --output models/pairwise_ranker
        const Run r = run(train(),
                          {QStringLiteral("--input"), QStringLiteral("dataset.jsonl"), QStringLiteral("--output"),
                           QStringLiteral("models/pairwise_ranker")},
                          m_dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const char *file : {"pairwise_ranker.pth", "pairwise_ranker.onnx", "pairwise_ranker_metadata.json"})
            QVERIFY2(QFile::exists(m_dir.filePath(QStringLiteral("models/pairwise_ranker/") + QString::fromUtf8(file))),
                     file);
        // Not a terminal: plain progress lines, no carriage returns.
        QVERIFY(r.err.contains(QStringLiteral("epoch 50/50")));
        QVERIFY(!r.err.contains(QLatin1Char('\r')));
        const nlohmann::json m = nlohmann::json::parse(readFile(
            m_dir.filePath(QStringLiteral("models/pairwise_ranker/pairwise_ranker_metadata.json")).toStdString()));
        QCOMPARE(m["epochs"].get<int>(), 50);
        QCOMPARE(m["hidden_dim"].get<int>(), 256);
        QCOMPARE(m["batch_size"].get<int>(), 32);
        QCOMPARE(m["learning_rate"].get<double>(), 0.001);
        QCOMPARE(m["margin"].get<double>(), 1.0);
        QCOMPARE(m["input_dim"].get<int>(), 1536 + 2);
        QCOMPARE(m["loss_history"].size(), size_t(50));
    }

    void seedAdvancedTraining_worksAsWritten()
    {
        const QStringList args =
            QStringLiteral("--input dataset.jsonl --output models/pairwise_ranker --name custom_ranker "
                           "--embedding-dim 1536 --hidden-dim 256 --learning-rate 0.001 --batch-size 32 "
                           "--epochs 50 --margin 1.0")
                .split(QLatin1Char(' '));
        const Run r = run(train(), args, m_dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("models/pairwise_ranker/custom_ranker.onnx"))));
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("models/pairwise_ranker/custom_ranker_metadata.json"))));
        QVERIFY(r.out.contains(QStringLiteral("custom_ranker.pth")));
    }

    void resume_continuesFromACheckpoint()
    {
        const QString out = m_dir.filePath(QStringLiteral("resume"));
        // --keep last: the checkpoint holds epoch 3 (under keep best it holds the best epoch's state).
        Run r = run(train(), {QStringLiteral("--input"), m_small, QStringLiteral("--output"), out,
                              QStringLiteral("--embedding-dim"), QStringLiteral("8"), QStringLiteral("--epochs"),
                              QStringLiteral("3"), QStringLiteral("--keep"), QStringLiteral("last")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString out2 = m_dir.filePath(QStringLiteral("resume2"));
        r = run(train(),
                {QStringLiteral("--input"), m_small, QStringLiteral("--output"), out2,
                 QStringLiteral("--embedding-dim"), QStringLiteral("8"), QStringLiteral("--epochs"),
                 QStringLiteral("2"), QStringLiteral("--resume"), out + QStringLiteral("/pairwise_ranker.pth")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("epoch 5/5")));
        const nlohmann::json m =
            nlohmann::json::parse(readFile((out2 + QStringLiteral("/pairwise_ranker_metadata.json")).toStdString()));
        QCOMPARE(m["epochs_completed"].get<int>(), 5);
        QCOMPARE(m["loss_history"].size(), size_t(5));
    }

    void errors_areOneLineAndNonZero_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString out = m_dir.filePath(QStringLiteral("errors"));
        const QString empty = m_dir.filePath(QStringLiteral("empty.jsonl"));
        QFile(empty).open(QIODevice::WriteOnly);
        const QString bad = m_dir.filePath(QStringLiteral("bad.jsonl"));
        {
            QFile f(bad);
            f.open(QIODevice::WriteOnly);
            f.write("{\"item_a\": {\"id\": 1}, \"item_b\": {\"id\": 2}, \"label\": 1}\n{\"label\": 7}\n");
        }
        const QString in = QStringLiteral("--input"), o = QStringLiteral("--output");
        QTest::newRow("no-input-flag") << QStringList{o, out} << QStringLiteral("--input is required");
        QTest::newRow("missing-file") << QStringList{in, QStringLiteral("/nonexistent.jsonl"), o, out}
                                      << QStringLiteral("/nonexistent.jsonl: cannot open");
        QTest::newRow("unwritable-output") << QStringList{in, m_small, o, QStringLiteral("/proc/ranker/out")}
                                           << QStringLiteral("/proc/ranker/out: cannot create");
        QTest::newRow("too-few-pairs") << QStringList{in, empty, o, out} << QStringLiteral("no valid pairs");
        QTest::newRow("strict") << QStringList{in,
                                               bad,
                                               o,
                                               out,
                                               QStringLiteral("--strict"),
                                               QStringLiteral("--embedding-dim"),
                                               QStringLiteral("0")}
                                << bad + QStringLiteral(":2: label must be 1, 0 or -1, got 7");
        QTest::newRow("cuda-unavailable") << QStringList{in,
                                                         m_small,
                                                         o,
                                                         out,
                                                         QStringLiteral("--device"),
                                                         QStringLiteral("cuda"),
                                                         QStringLiteral("--embedding-dim"),
                                                         QStringLiteral("8")}
                                          << QStringLiteral("CUDA is not available");
        QTest::newRow("bad-ties") << QStringList{in, m_small, o, out, QStringLiteral("--ties"), QStringLiteral("maybe")}
                                  << QStringLiteral("unknown tie policy");
        QTest::newRow("bad-epochs") << QStringList{in, m_small, o, out, QStringLiteral("--epochs"), QStringLiteral("0")}
                                    << QStringLiteral("--epochs must be");
        QTest::newRow("not-a-number")
            << QStringList{in, m_small, o, out, QStringLiteral("--learning-rate"), QStringLiteral("fast")}
            << QStringLiteral("--learning-rate");
        QTest::newRow("resume-missing")
            << QStringList{in, m_small, o, out, QStringLiteral("--resume"), QStringLiteral("/nope.pth")}
            << QStringLiteral("/nope.pth: cannot open");
        QTest::newRow("wrong-dim") << QStringList{in, m_small, o, out}
                                   << QStringLiteral("no valid pairs to train on (400 lines skipped; first, line 1: "
                                                     "item_a.embedding has 8 values, expected 1536");
    }

    void errors_areOneLineAndNonZero()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        if (message.contains(QStringLiteral("CUDA")) &&
            QProcessEnvironment::systemEnvironment().contains(QStringLiteral("CUDA_VISIBLE_DEVICES")))
            QSKIP("a CUDA machine");
        const Run r = run(train(), arguments);
        QVERIFY(r.exitCode != 0);
        const QString err = r.err.trimmed();
        QVERIFY2(err.contains(message), qPrintable(err));
        QVERIFY2(!err.split(QLatin1Char('\n')).last().isEmpty(), qPrintable(err));
        const QString last = err.split(QLatin1Char('\n')).last();
        QVERIFY2(last.startsWith(QStringLiteral("ranker-train: error: ")), qPrintable(last));
        QVERIFY2(last.contains(message), qPrintable(last));
    }

    void rank_listsItemsBestFirst()
    {
        const QString out = m_dir.filePath(QStringLiteral("rankrun"));
        Run r = run(train(), {QStringLiteral("--input"), m_small, QStringLiteral("--output"), out,
                              QStringLiteral("--embedding-dim"), QStringLiteral("8"), QStringLiteral("--epochs"),
                              QStringLiteral("20"), QStringLiteral("--hidden-dim"), QStringLiteral("32")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = run(rank(), {QStringLiteral("--model"), out, QStringLiteral("--input"), m_small, QStringLiteral("--format"),
                         QStringLiteral("csv")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QStringList lines = r.out.trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.takeFirst(), QStringLiteral("rank,score,id,item_type"));
        QVERIFY(lines.size() >= 50);
        double previous = 1e300;
        for (const QString &line : lines) {
            const double score = line.section(QLatin1Char(','), 1, 1).toDouble();
            QVERIFY(score <= previous);
            previous = score;
        }
        // --top and a .pth path work too.
        r = run(rank(), {QStringLiteral("--model"), out + QStringLiteral("/pairwise_ranker.pth"),
                         QStringLiteral("--input"), m_small, QStringLiteral("--top"), QStringLiteral("5")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed().split(QLatin1Char('\n')).size(), 6);
        r = run(rank(),
                {QStringLiteral("--model"), QStringLiteral("/nonexistent"), QStringLiteral("--input"), m_small});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.startsWith(QStringLiteral("ranker-rank: error: /nonexistent")));
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
