// ranker-train and ranker-rank as a user runs them: the seed guide's commands, flags, errors.
#include "core/atomic_file.h"
#include "testsupport.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
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

/// Runs a program to its end; `input`, when given, is its whole stdin.
Run run(const QString &program, const QStringList &arguments, const QString &workingDir = {},
        const QByteArray *input = nullptr,
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    if (!workingDir.isEmpty())
        process.setWorkingDirectory(workingDir);
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    if (input) {
        process.write(*input);
        process.closeWriteChannel();
    }
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
QString studio()
{
    return test::binaryPath("app/ranker-studio");
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

nlohmann::json jsonFile(const QString &path)
{
    return nlohmann::json::parse(readFile(path.toStdString()));
}

const QStringList kRunFileSuffixes = {QStringLiteral(".pth"),           QStringLiteral(".onnx"),
                                      QStringLiteral("_metadata.json"), QStringLiteral(".features.json"),
                                      QStringLiteral(".ranker.mjs"),    QStringLiteral(".ranker.d.mts")};

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

    void refit_isTheDefault_noRefitTurnsItOff_resumeNeverRefits()
    {
        auto exported = [](const QString &folder) {
            const nlohmann::json m = nlohmann::json::parse(
                readFile((folder + QStringLiteral("/pairwise_ranker_metadata.json")).toStdString()));
            return QString::fromStdString(m.value("exported_model", std::string("run")));
        };
        const QStringList base = {QStringLiteral("--input"),         m_small,
                                  QStringLiteral("--embedding-dim"), QStringLiteral("8"),
                                  QStringLiteral("--epochs"),        QStringLiteral("4"),
                                  QStringLiteral("--output")};
        const QString byDefault = m_dir.filePath(QStringLiteral("refit-default"));
        Run r = run(train(), base + QStringList{byDefault});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(exported(byDefault), QStringLiteral("refit"));
        const QString off = m_dir.filePath(QStringLiteral("refit-off"));
        r = run(train(), base + QStringList{off, QStringLiteral("--no-refit")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(exported(off), QStringLiteral("run"));
        // A continued run trains its own model on: no refit unless asked, and asked, it is refused.
        const QString resumed = m_dir.filePath(QStringLiteral("refit-resumed"));
        const QString pth = off + QStringLiteral("/pairwise_ranker.pth");
        r = run(train(), base + QStringList{resumed, QStringLiteral("--resume"), pth});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(exported(resumed), QStringLiteral("run"));
        r = run(train(), base + QStringList{resumed, QStringLiteral("--resume"), pth, QStringLiteral("--refit")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("cannot be combined with --cv or --refit")), qPrintable(r.err));
    }

    void sweep_refusesAnInputItCannotReadBeforeAnyTrial()
    {
        const QString out = m_dir.filePath(QStringLiteral("sweep-missing"));
        Run r = run(train(), {QStringLiteral("sweep"), QStringLiteral("--seed-grid"), QStringLiteral("--input"),
                              QStringLiteral("/nonexistent.jsonl"), QStringLiteral("--output"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("/nonexistent.jsonl: cannot open")), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QStringLiteral("trial")), qPrintable(r.err)); // no trial was started
        QVERIFY(!QFileInfo::exists(out));
        r = run(train(), {QStringLiteral("sweep"), QStringLiteral("--seed-grid"), QStringLiteral("--input"),
                          QStringLiteral("-"), QStringLiteral("--output"), out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("once per trial")), qPrintable(r.err));
    }

    void errors_exitWithTheirCodeAndOneLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("exitCode"); // 2: a usage error, as argparse's; 1: any other failure
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
        QTest::newRow("no-input-flag") << QStringList{o, out}
                                       << QStringLiteral("the following arguments are required: --input") << 2;
        QTest::newRow("missing-file") << QStringList{in, QStringLiteral("/nonexistent.jsonl"), o, out}
                                      << QStringLiteral("/nonexistent.jsonl: cannot open") << 1;
        QTest::newRow("unwritable-output") << QStringList{in, m_small, o, QStringLiteral("/proc/ranker/out")}
                                           << QStringLiteral("/proc/ranker/out: cannot create") << 1;
        QTest::newRow("too-few-pairs") << QStringList{in, empty, o, out} << QStringLiteral("no valid pairs") << 1;
        QTest::newRow("strict") << QStringList{in,
                                               bad,
                                               o,
                                               out,
                                               QStringLiteral("--strict"),
                                               QStringLiteral("--embedding-dim"),
                                               QStringLiteral("0")}
                                << bad + QStringLiteral(":2: label must be 1, 0 or -1, got 7") << 1;
        QTest::newRow("cuda-unavailable") << QStringList{in,
                                                         m_small,
                                                         o,
                                                         out,
                                                         QStringLiteral("--device"),
                                                         QStringLiteral("cuda"),
                                                         QStringLiteral("--embedding-dim"),
                                                         QStringLiteral("8")}
                                          << QStringLiteral("CUDA is not available") << 1;
        QTest::newRow("bad-ties") << QStringList{in, m_small, o, out, QStringLiteral("--ties"), QStringLiteral("maybe")}
                                  << QStringLiteral("--ties: maybe not in {hinge,skip}") << 2;
        QTest::newRow("bad-epochs") << QStringList{in, m_small, o, out, QStringLiteral("--epochs"), QStringLiteral("0")}
                                    << QStringLiteral("--epochs must be") << 2;
        QTest::newRow("not-a-number")
            << QStringList{in, m_small, o, out, QStringLiteral("--learning-rate"), QStringLiteral("fast")}
            << QStringLiteral("--learning-rate") << 2;
        QTest::newRow("resume-missing")
            << QStringList{in, m_small, o, out, QStringLiteral("--resume"), QStringLiteral("/nope.pth")}
            << QStringLiteral("/nope.pth: cannot open") << 1;
        QTest::newRow("wrong-dim") << QStringList{in, m_small, o, out}
                                   << QStringLiteral("no valid pairs to train on (400 lines skipped; first, line 1: "
                                                     "item_a.embedding has 8 values, expected 1536")
                                   << 1;
        QTest::newRow("unknown-flag")
            << QStringList{in, m_small, o, out, QStringLiteral("--epoch"), QStringLiteral("3")}
            << QStringLiteral("The following arguments were not expected") << 2;
        QTest::newRow("bad-name") << QStringList{in, m_small, o, out, QStringLiteral("--name"), QStringLiteral("a/b")}
                                  << QStringLiteral("--name must be a plain file name") << 2;
        QTest::newRow("bad-device")
            << QStringList{in, m_small, o, out, QStringLiteral("--device"), QStringLiteral("gpu")}
            << QStringLiteral("unknown device gpu") << 2;
        QTest::newRow("output-is-a-file")
            << QStringList{in, m_small, o, m_small} << m_small + QStringLiteral(": not a folder") << 1;
        QTest::newRow("check-without-input")
            << QStringList{QStringLiteral("check")} << QStringLiteral("--input is required") << 2;
        QTest::newRow("kit-without-run") << QStringList{QStringLiteral("kit")} << QStringLiteral("run is required")
                                         << 2;
        QTest::newRow("kit-of-nothing") << QStringList{QStringLiteral("kit"), QStringLiteral("/nonexistent")}
                                        << QStringLiteral("/nonexistent: no such file or folder") << 1;
    }

    void errors_exitWithTheirCodeAndOneLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        QFETCH(int, exitCode);
        if (message.contains(QStringLiteral("CUDA")) &&
            QProcessEnvironment::systemEnvironment().contains(QStringLiteral("CUDA_VISIBLE_DEVICES")))
            QSKIP("a CUDA machine");
        const Run r = run(train(), arguments);
        QCOMPARE(r.exitCode, exitCode);
        QCOMPARE(r.out, QString());
        const QStringList lines = r.err.trimmed().split(QLatin1Char('\n'));
        const QString last = lines.last();
        QVERIFY2(last.startsWith(QStringLiteral("ranker-train: error: ")), qPrintable(r.err));
        QVERIFY2(last.contains(message), qPrintable(last));
        // A usage error is argparse's two lines: the usage of the command that failed, then the error.
        if (exitCode == 2) {
            QCOMPARE(lines.size(), 2);
            const QString usage = arguments.value(0) == QStringLiteral("check")
                                      ? QStringLiteral("usage: ranker-train check --input F")
                                  : arguments.value(0) == QStringLiteral("kit")
                                      ? QStringLiteral("usage: ranker-train kit RUN")
                                      : QStringLiteral("usage: ranker-train --input F --output DIR [options]");
            QVERIFY2(lines.first().startsWith(usage), qPrintable(lines.first()));
        }
    }

    void rankAndStudio_usageErrorsExit2()
    {
        Run r = run(rank(), {QStringLiteral("--input"), m_small});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(QStringLiteral("usage: ranker-rank --model RUN --input F")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("ranker-rank: error: --model is required")), qPrintable(r.err));
        r = run(rank(), {QStringLiteral("--model"), m_small, QStringLiteral("--input"), m_small,
                         QStringLiteral("--format"), QStringLiteral("xml")});
        QCOMPARE(r.exitCode, 2);
        if (!QFile::exists(studio()))
            QSKIP("ranker-studio is not built (RANKER_BUILD_GUI=OFF)");
        QProcessEnvironment offscreen = QProcessEnvironment::systemEnvironment();
        offscreen.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        r = run(studio(), {QStringLiteral("--no-such-option")}, {}, nullptr, offscreen);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(
                     QStringLiteral("usage: ranker-studio [options] [dataset]\nranker-studio: error: Unknown option")),
                 qPrintable(r.err));
    }

    // --- Conventions: stdin, checks before reading, replacing a run, check, --json, kit --------

    void stdin_readsTheDatasetFromAPipe()
    {
        // Spooled to a regular file in $TMPDIR, which is removed afterwards.
        QTemporaryDir tmp;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("TMPDIR"), tmp.path());
        const QByteArray data = fileBytes(m_small);
        const QString out = m_dir.filePath(QStringLiteral("from-stdin"));
        Run r = run(train(),
                    {QStringLiteral("--input"), QStringLiteral("-"), QStringLiteral("--output"), out,
                     QStringLiteral("--embedding-dim"), QStringLiteral("8"), QStringLiteral("--epochs"),
                     QStringLiteral("2")},
                    {}, &data, environment);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.startsWith(QStringLiteral("read (stdin): 400 rows, 400 valid pairs")), qPrintable(r.err));
        const nlohmann::json m = jsonFile(out + QStringLiteral("/pairwise_ranker_metadata.json"));
        QCOMPARE(m["dataset"]["path"].get<std::string>(), std::string("(stdin)"));
        QCOMPARE(QString::fromStdString(m["dataset"]["sha256"].get<std::string>()),
                 QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex()));
        QCOMPARE(m["dataset"]["valid_pairs"].get<int>(), 400);
        QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList());

        // Bad lines are named by their line in stdin; the temporary file never shows.
        const QByteArray bad = data.left(data.indexOf('\n') + 1) + "{\"label\": 7}\n";
        r = run(train(),
                {QStringLiteral("--input"), QStringLiteral("-"), QStringLiteral("--output"), out,
                 QStringLiteral("--strict"), QStringLiteral("--embedding-dim"), QStringLiteral("8")},
                {}, &bad, environment);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("ranker-train: error: (stdin):2: ")), qPrintable(r.err));
        QVERIFY2(!r.err.contains(tmp.path()), qPrintable(r.err));
        QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList());

        // ranker-rank too.
        r = run(rank(),
                {QStringLiteral("--model"), out, QStringLiteral("--input"), QStringLiteral("-"),
                 QStringLiteral("--top"), QStringLiteral("3")},
                {}, &data, environment);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed().split(QLatin1Char('\n')).size(), 4);
    }

    void settingsThatCannotWork_failBeforeReadingTheData_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("exitCode");
        const QString o = QStringLiteral("--output"), out = m_dir.filePath(QStringLiteral("early"));
        const QString held = m_dir.filePath(QStringLiteral("held"));
        QVERIFY(QDir().mkpath(held));
        QFile(held + QStringLiteral("/pairwise_ranker_metadata.json")).open(QIODevice::WriteOnly);
        QTest::newRow("cuda-unavailable") << QStringList{o, out, QStringLiteral("--device"), QStringLiteral("cuda")}
                                          << QStringLiteral("CUDA is not available") << 1;
        QTest::newRow("output-is-a-file") << QStringList{o, m_small} << QStringLiteral("not a folder") << 1;
        QTest::newRow("output-unwritable") << QStringList{o, QStringLiteral("/proc/ranker/out")}
                                           << QStringLiteral("cannot create the output folder") << 1;
        QTest::newRow("bad-name") << QStringList{o, out, QStringLiteral("--name"), QStringLiteral("..")}
                                  << QStringLiteral("--name must be a plain file name") << 2;
        QTest::newRow("no-overwrite") << QStringList{o, held, QStringLiteral("--no-overwrite")}
                                      << QStringLiteral("--no-overwrite refuses to replace it") << 1;
        QTest::newRow("resume-missing") << QStringList{o, out, QStringLiteral("--resume"), QStringLiteral("/nope.pth")}
                                        << QStringLiteral("/nope.pth: cannot open") << 1;
        QTest::newRow("embeddings-missing")
            << QStringList{o, out, QStringLiteral("--embeddings"), QStringLiteral("/nope.jsonl")}
            << QStringLiteral("/nope.jsonl: cannot open (--embeddings)") << 1;
    }

    void settingsThatCannotWork_failBeforeReadingTheData()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        QFETCH(int, exitCode);
        if (message.contains(QStringLiteral("CUDA")) &&
            QProcessEnvironment::systemEnvironment().contains(QStringLiteral("CUDA_VISIBLE_DEVICES")))
            QSKIP("a CUDA machine");
        // The data comes from stdin, which stays open and empty: a program that read it first would
        // wait here forever. It must fail at once, without having read a byte.
        QProcess process;
        process.start(train(), QStringList{QStringLiteral("--input"), QStringLiteral("-"),
                                           QStringLiteral("--embedding-dim"), QStringLiteral("8")} +
                                   arguments);
        const bool finished = process.waitForFinished(30000);
        if (!finished) {
            process.kill();
            process.waitForFinished();
        }
        QVERIFY2(finished, "ranker-train waited for its data: the setting was not checked before reading");
        QCOMPARE(process.exitCode(), exitCode);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.trimmed().split(QLatin1Char('\n')).last().contains(message), qPrintable(err));
        QVERIFY2(!err.contains(QStringLiteral("read ")), qPrintable(err));
    }

    void existingRun_isReplacedWithANote_noOverwriteRefuses()
    {
        const QString out = m_dir.filePath(QStringLiteral("replace"));
        const QStringList args = {QStringLiteral("--input"),         m_small,
                                  QStringLiteral("--output"),        out,
                                  QStringLiteral("--embedding-dim"), QStringLiteral("8"),
                                  QStringLiteral("--epochs"),        QStringLiteral("2")};
        Run r = run(train(), args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(!r.err.contains(QStringLiteral("already holds")), qPrintable(r.err));
        const QByteArray before = fileBytes(out + QStringLiteral("/pairwise_ranker_metadata.json"));

        r = run(train(), args + QStringList{QStringLiteral("--no-overwrite")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("ranker-train: error: ") + out +
                                QStringLiteral(" already holds a run named pairwise_ranker (6 files); --no-overwrite "
                                               "refuses to replace it")),
                 qPrintable(r.err));
        QVERIFY2(!r.err.contains(QStringLiteral("epoch 1/2")), qPrintable(r.err)); // refused before training
        QCOMPARE(fileBytes(out + QStringLiteral("/pairwise_ranker_metadata.json")), before);

        // Another name in the same folder replaces nothing, and says nothing.
        r = run(train(), args + QStringList{QStringLiteral("--name"), QStringLiteral("other"),
                                            QStringLiteral("--no-overwrite")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        r = run(train(), args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.startsWith(
                     QStringLiteral("ranker-train: ") + out +
                     QStringLiteral(" already holds a run named pairwise_ranker (6 files): this run replaces it")),
                 qPrintable(r.err));
        QVERIFY(fileBytes(out + QStringLiteral("/pairwise_ranker_metadata.json")) != before);
    }

    void check_reportsTheDatasetWithoutTraining()
    {
        const QString bad = m_dir.filePath(QStringLiteral("check.jsonl"));
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            const QByteArray good = fileBytes(m_small);
            const QList<QByteArray> lines = good.split('\n');
            for (int i = 0; i < 60; ++i)
                f.write(lines[i] + '\n');
            f.write("{\"item_a\": {\"id\": 1}, \"item_b\": {\"id\": 2}, \"label\": \"1\"}\n"); // line 61
            f.write("\n");
            f.write("not json\n"); // line 63
        }
        const QString before = QDir(m_dir.path()).entryList().join(QLatin1Char(','));
        Run r = run(train(), {QStringLiteral("check"), QStringLiteral("--input"), bad,
                              QStringLiteral("--embedding-dim"), QStringLiteral("8")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const QString &expected :
             {QStringLiteral("lines: 63 (1 blank); 60 valid pairs, 2 bad lines"), QStringLiteral("labels:  1: "),
              QStringLiteral("items: "), QStringLiteral("; project "), QStringLiteral("embeddings (D=8): "),
              QStringLiteral("metrics (2, in feature order"), QStringLiteral("clarity 100.0%, stars 100.0%"),
              bad + QStringLiteral(":61: label must be 1, 0 or -1, got string \"1\""), bad + QStringLiteral(":63: "),
              QStringLiteral("advice: size: 60 valid pairs; the guide advises at least 100-200"),
              QStringLiteral("usable: 60 valid pairs")})
            QVERIFY2(r.out.contains(expected), qPrintable(expected + QStringLiteral("\n---\n") + r.out));
        QVERIFY2(!r.out.contains(QStringLiteral("epoch")) && !r.err.contains(QStringLiteral("epoch")),
                 qPrintable(r.err));
        QCOMPARE(QDir(m_dir.path()).entryList().join(QLatin1Char(',')), before); // nothing written

        r = run(train(), {QStringLiteral("check"), QStringLiteral("--input"), bad, QStringLiteral("--embedding-dim"),
                          QStringLiteral("8"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const nlohmann::json report = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(report["usable"].get<bool>(), true);
        QCOMPARE(report["valid_pairs"].get<int>(), 60);
        QCOMPARE(report["bad_lines"].size(), size_t(2));
        QCOMPARE(report["bad_lines"][0]["line"].get<int>(), 61);
        QCOMPARE(report["metric_coverage"]["stars"].get<double>(), 1.0);

        // Not usable: exit 1. The wrong --embedding-dim makes every line bad.
        r = run(train(), {QStringLiteral("check"), QStringLiteral("--input"), bad});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QStringLiteral("not usable: no valid pairs to train on (62 bad lines)")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral(":1: item_a.embedding has 8 values, expected 1536")), qPrintable(r.out));
    }

    void json_printsAMachineReadableSummary()
    {
        const QString out = m_dir.filePath(QStringLiteral("json"));
        Run r = run(train(), {QStringLiteral("--input"), m_small, QStringLiteral("--output"), out,
                              QStringLiteral("--embedding-dim"), QStringLiteral("8"), QStringLiteral("--epochs"),
                              QStringLiteral("3"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        nlohmann::json summary;
        try {
            summary = nlohmann::json::parse(r.out.toStdString()); // all of stdout is the one document
        } catch (const std::exception &e) {
            QFAIL(qPrintable(QStringLiteral("stdout is not JSON: %1\n%2").arg(QString::fromUtf8(e.what()), r.out)));
        }
        QCOMPARE(summary["ok"].get<bool>(), true);
        QCOMPARE(summary["exit_code"].get<int>(), 0);
        QCOMPARE(summary["ended"].get<std::string>(), std::string("completed"));
        QCOMPARE(summary["epochs_completed"].get<int>(), 3);
        QVERIFY(summary["kept_epoch"].get<int>() >= 1);
        QVERIFY(summary["final_train_loss"].is_number());
        QVERIFY(summary["best_val_accuracy"].is_number());
        QCOMPARE(summary["dataset"]["valid_pairs"].get<int>(), 400);
        QVERIFY(summary["metadata"] == summary["files"]["metadata"]);
        QCOMPARE(summary["files"].size(), size_t(6));
        for (const auto &file : summary["files"].items())
            QVERIFY2(QFile::exists(QString::fromStdString(file.value().get<std::string>())), file.key().c_str());
        const nlohmann::json m = jsonFile(QString::fromStdString(summary["metadata"].get<std::string>()));
        QCOMPARE(m["loss_history"].size(), size_t(3));
        // The human text went to stderr.
        QVERIFY(r.err.contains(QStringLiteral("epoch 3/3")));
        QVERIFY(r.err.contains(QStringLiteral("wrote ")));

        r = run(train(), {QStringLiteral("--input"), QStringLiteral("/nonexistent.jsonl"), QStringLiteral("--output"),
                          out, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        const nlohmann::json failure = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(failure["ok"].get<bool>(), false);
        QCOMPARE(failure["exit_code"].get<int>(), 1);
        QVERIFY(QString::fromStdString(failure["error"].get<std::string>())
                    .startsWith(QStringLiteral("/nonexistent.jsonl")));
    }

    void kit_rewritesTheDeploymentKitOfARun()
    {
        const QString out = m_dir.filePath(QStringLiteral("kit"));
        Run r = run(train(), {QStringLiteral("--input"), m_small, QStringLiteral("--output"), out,
                              QStringLiteral("--embedding-dim"), QStringLiteral("8"), QStringLiteral("--epochs"),
                              QStringLiteral("2"), QStringLiteral("--name"), QStringLiteral("kitted")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList kit = {QStringLiteral("kitted.features.json"), QStringLiteral("kitted.ranker.mjs"),
                                 QStringLiteral("kitted.ranker.d.mts")};
        QList<QByteArray> written;
        for (const QString &file : kit) {
            QVERIFY2(r.out.contains(out + QLatin1Char('/') + file), qPrintable(r.out)); // listed at the end
            written.append(fileBytes(out + QLatin1Char('/') + file));
            QVERIFY(written.last().size() > 100);
            QVERIFY(QFile::remove(out + QLatin1Char('/') + file));
        }
        // From the run folder: the same bytes again (the recipe's time is the run's).
        r = run(train(), {QStringLiteral("kit"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (int i = 0; i < kit.size(); ++i)
            QCOMPARE(fileBytes(out + QLatin1Char('/') + kit[i]), written[i]);
        // From the .pth, into another folder.
        const QString elsewhere = m_dir.filePath(QStringLiteral("kit-elsewhere"));
        r = run(train(),
                {QStringLiteral("kit"), out + QStringLiteral("/kitted.pth"), QStringLiteral("--output"), elsewhere});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (int i = 0; i < kit.size(); ++i)
            QCOMPARE(fileBytes(elsewhere + QLatin1Char('/') + kit[i]), written[i]);
        const nlohmann::json recipe = jsonFile(elsewhere + QStringLiteral("/kitted.features.json"));
        QCOMPARE(recipe["input_dim"].get<int>(), 10);
        QVERIFY(recipe["metric_names"] == nlohmann::json({"clarity", "stars"}));
    }

    void studio_helpAndVersion_workWithoutADisplay()
    {
        if (!QFile::exists(studio()))
            QSKIP("ranker-studio is not built (RANKER_BUILD_GUI=OFF)");
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            environment.remove(QString::fromLatin1(name));
        Run r = run(studio(), {QStringLiteral("--help")}, {}, nullptr, environment);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // The screenshot mode is a developer's tool (ranker-screenshots), not an option of the product.
        QVERIFY2(r.out.contains(QStringLiteral("dataset")) && !r.out.contains(QStringLiteral("screenshot")),
                 qPrintable(r.out));
        r = run(studio(), {QStringLiteral("--version")}, {}, nullptr, environment);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith(QStringLiteral("ranker-studio " RANKER_TEST_VERSION "\nLibTorch ")),
                 qPrintable(r.out));
        r = run(studio(), {QStringLiteral("--bogus"), QStringLiteral("--help")}, {}, nullptr, environment);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(QStringLiteral("usage: ranker-studio [options] [dataset]\n")), qPrintable(r.err));
    }

    void seedGuideExampleWorkflow_stepByStep()
    {
        // The guide's Example Workflow, steps 3-5. Its paths are relative to tools/ml, where it runs
        // the trainer: ../data, ../models and ../public/models are folders of tools/.
        QTemporaryDir scratch;
        const QString root = scratch.filePath(QStringLiteral("tools"));
        for (const char *folder : {"ml", "data", "public/models"})
            QVERIFY(QDir(root).mkpath(QString::fromUtf8(folder)));
        QVERIFY(
            QFile::copy(m_dir.filePath(QStringLiteral("dataset.jsonl")), root + QStringLiteral("/data/dataset.jsonl")));
        const QString ml = root + QStringLiteral("/ml");
        // Step 4 as written, run where the guide runs it.
        const QString step4 = QStringLiteral("import json\n"
                                             "with open('../models/ranker_v1_metadata.json') as f:\n"
                                             "    metadata = json.load(f)\n"
                                             "    print(f'Final loss: {metadata[\"loss_history\"][-1]:.4f}')\n"
                                             "    print(f'Training time: {metadata[\"training_time\"]:.2f}s')\n");

        // 3, as written: --output is a folder, so the files are ../models/ranker_v1/pairwise_ranker*,
        // and the tool prints their paths.
        Run r = run(
            train(),
            QStringLiteral("--input ../data/dataset.jsonl --output ../models/ranker_v1").split(QLatin1Char(' ')), ml);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("wrote ../models/ranker_v1/pairwise_ranker.pth\n")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("      ../models/ranker_v1/pairwise_ranker_metadata.json\n")),
                 qPrintable(r.out));
        QVERIFY(!QFile::exists(root + QStringLiteral("/models/ranker_v1_metadata.json")));
        // Step 4 then reads the path printed (README's note).
        QString printed = step4;
        printed.replace(QStringLiteral("../models/ranker_v1_metadata.json"),
                        QStringLiteral("../models/ranker_v1/pairwise_ranker_metadata.json"));
        r = run(QStringLiteral(RANKER_PYTHON), {QStringLiteral("-c"), printed}, ml);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith(QStringLiteral("Final loss: ")), qPrintable(r.out));

        // 3, adapted as README says (--output ../models --name ranker_v1): steps 4 and 5 as written.
        r = run(
            train(),
            QStringLiteral("--input ../data/dataset.jsonl --output ../models --name ranker_v1").split(QLatin1Char(' ')),
            ml);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("      ../models/ranker_v1_metadata.json\n")), qPrintable(r.out));
        r = run(QStringLiteral(RANKER_PYTHON), {QStringLiteral("-c"), step4}, ml);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.out.trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        const nlohmann::json m = jsonFile(root + QStringLiteral("/models/ranker_v1_metadata.json"));
        QCOMPARE(lines[0], QStringLiteral("Final loss: %1").arg(m["loss_history"].back().get<double>(), 0, 'f', 4));
        QVERIFY(lines[1].startsWith(QStringLiteral("Training time: ")) && lines[1].endsWith(QLatin1Char('s')));
        // 5. Deploy model: cp ../models/ranker_v1.onnx ../public/models/
        r = run(QStringLiteral("cp"), {QStringLiteral("../models/ranker_v1.onnx"), QStringLiteral("../public/models/")},
                ml);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QFileInfo(root + QStringLiteral("/public/models/ranker_v1.onnx")).size() > 1000);
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

    // Checkpoints written by Python's torch.save (and by LibTorch's pickler of earlier versions),
    // from the fuzz seed corpus: a tiny ranker with 2 embedding values and the metrics clarity and
    // stars, which the synthetic dataset of dimension 2 also has.
    void foreignCheckpoints_rankAndResume_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("needsMetadata");
        QTest::addColumn<int>("epoch");
        QTest::addColumn<int>("history");
        QTest::newRow("python-dict") << QStringLiteral("python_dict.pth") << false << 3 << 3;
        QTest::newRow("python-resaved-dict") << QStringLiteral("python_resaved.pth") << false << 2 << 2;
        QTest::newRow("python-bare-state-dict") << QStringLiteral("python_state_dict.pth") << true << 0 << 0;
        QTest::newRow("libtorch-pickle-legacy") << QStringLiteral("legacy_libtorch.pth") << false << 2 << 2;
    }

    void foreignCheckpoints_rankAndResume()
    {
        QFETCH(QString, file);
        QFETCH(bool, needsMetadata);
        QFETCH(int, epoch);
        QFETCH(int, history);
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data.jsonl"));
        test::SyntheticOptions o;
        o.dim = 2;
        test::writeSyntheticDataset(data.toStdString(), o);
        const QString model = dir.filePath(QStringLiteral("model.pth"));
        QVERIFY(QFile::copy(test::sourcePath("tests/fuzz/corpus/checkpoint/") + file, model));
        const QStringList rankArgs{QStringLiteral("--model"),  model,
                                   QStringLiteral("--input"),  data,
                                   QStringLiteral("--format"), QStringLiteral("json")};
        if (needsMetadata) {
            // A bare state_dict has no feature layout: a clear error until the metadata is beside it.
            Run r = run(rank(), rankArgs);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.startsWith(QStringLiteral("ranker-rank: error: ") + model +
                                      QStringLiteral(": a bare state_dict")),
                     qPrintable(r.err));
            QVERIFY2(r.err.contains(QStringLiteral("_metadata.json")), qPrintable(r.err));
            QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
            QFile metadata(dir.filePath(QStringLiteral("model_metadata.json")));
            QVERIFY(metadata.open(QIODevice::WriteOnly));
            metadata.write(R"({"feature_layout": {"embedding_dim": 2, "metric_names": ["clarity", "stars"]}})");
        }
        Run r = run(rank(), rankArgs);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const nlohmann::json ranked = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(ranked.size(), size_t(60));
        for (size_t i = 1; i < ranked.size(); ++i)
            QVERIFY(ranked[i]["score"].get<double>() <= ranked[i - 1]["score"].get<double>());

        const QString out = dir.filePath(QStringLiteral("resumed"));
        r = run(train(), {QStringLiteral("--input"), data, QStringLiteral("--output"), out,
                          QStringLiteral("--embedding-dim"), QStringLiteral("2"), QStringLiteral("--epochs"),
                          QStringLiteral("2"), QStringLiteral("--resume"), model});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const nlohmann::json m =
            nlohmann::json::parse(readFile((out + QStringLiteral("/pairwise_ranker_metadata.json")).toStdString()));
        QCOMPARE(m["epochs_completed"].get<int>(), epoch + 2);
        QCOMPARE(m["loss_history"].size(), size_t(history + 2));
        QCOMPARE(m["hidden_dim"].get<int>(), 3);
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
