// Hostile checkpoints through both tools that read them, as processes: `ranker-rank --model` and
// `ranker-train --resume`. Each crafted file (tests/hostile/make_hostile_checkpoints.py, written
// with Debian's python3-torch) must end within seconds with exit code 1 and one line on stderr that
// names the file and says what is wrong — never a signal, a hang, or a run on made-up weights.
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>

#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <vector>

#include <sys/stat.h>

namespace {

constexpr int kTimeoutMs = 20000;

struct Outcome
{
    bool finished = false;
    bool crashed = false;
    int exitCode = -1;
    QString err;
    qint64 ms = 0;
};

/// Runs the commands side by side (each starts LibTorch, about a second: two at once halve the
/// suite on two cores) and returns how each ended.
std::vector<Outcome> runTools(const std::vector<std::pair<QString, QStringList>> &commands)
{
    std::vector<std::unique_ptr<QProcess>> processes;
    QElapsedTimer timer;
    timer.start();
    for (const auto &command : commands) {
        processes.push_back(std::make_unique<QProcess>());
        processes.back()->start(command.first, command.second);
    }
    std::vector<Outcome> out(commands.size());
    for (size_t i = 0; i < processes.size(); ++i) {
        QProcess &process = *processes[i];
        Outcome &o = out[i];
        const qint64 left = std::max<qint64>(1, kTimeoutMs - timer.elapsed());
        o.finished = process.waitForStarted() && process.waitForFinished(int(left));
        o.ms = timer.elapsed();
        if (!o.finished) {
            process.kill();
            process.waitForFinished();
        }
        o.crashed = process.exitStatus() != QProcess::NormalExit;
        o.exitCode = process.exitCode();
        o.err = QString::fromUtf8(process.readAllStandardError());
    }
    return out;
}

Outcome runTool(const QString &program, const QStringList &arguments)
{
    return runTools({{program, arguments}}).front();
}

} // namespace

using namespace ranker;

class HostileCheckpointsTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_files;
    QString m_data;
    qint64 m_slowestMs = 0;
    int m_processes = 0;

    /// Fails the test unless `o` is exit 1 with one line naming `file` and containing `fragment`.
    void expectRefusal(const Outcome &o, const QString &tool, const QString &file, const QString &fragment)
    {
        m_slowestMs = std::max(m_slowestMs, o.ms);
        ++m_processes;
        QVERIFY2(o.finished, qPrintable(tool + QStringLiteral(" did not finish within 20 s")));
        QVERIFY2(!o.crashed, qPrintable(tool + QStringLiteral(" died of a signal: ") + o.err));
        QVERIFY2(o.exitCode == 1, qPrintable(tool + QStringLiteral(" exited %1: ").arg(o.exitCode) + o.err));
        const QString line = o.err.trimmed();
        QVERIFY2(!line.isEmpty() && !line.contains(QLatin1Char('\n')),
                 qPrintable(tool + QStringLiteral(" did not print exactly one line: ") + o.err));
        QVERIFY2(line.startsWith(tool + QStringLiteral(": error: ") + file),
                 qPrintable(QStringLiteral("does not name the file: ") + line));
        QVERIFY2(line.contains(fragment),
                 qPrintable(QStringLiteral("expected \"") + fragment + QStringLiteral("\" in: ") + line));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_files = m_dir.filePath(QStringLiteral("hostile"));
        QProcess make;
        make.setProcessChannelMode(QProcess::MergedChannels);
        make.start(QStringLiteral(RANKER_PYTHON),
                   {test::sourcePath("tests/hostile/make_hostile_checkpoints.py"), m_files});
        QVERIFY(make.waitForFinished(120000));
        QVERIFY2(make.exitStatus() == QProcess::NormalExit && make.exitCode() == 0, make.readAll().constData());
        // The controls: files of both writers, and their tiny model's layout in the dataset.
        for (const char *name : {"legacy_libtorch.pth", "python_dict.pth"})
            QVERIFY(QFile::copy(test::sourcePath("tests/fuzz/corpus/checkpoint/") + QString::fromUtf8(name),
                                m_files + QLatin1Char('/') + QString::fromUtf8(name)));
        QVERIFY(QDir().mkpath(m_files + QStringLiteral("/directory.pth")));
        QCOMPARE(::mkfifo(qPrintable(m_files + QStringLiteral("/fifo.pth")), 0600), 0);
        m_data = m_dir.filePath(QStringLiteral("data.jsonl"));
        test::SyntheticOptions o;
        o.dim = 2;
        test::writeSyntheticDataset(m_data.toStdString(), o);
    }

    void controls_rankAndResume_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("valid-crafted") << QStringLiteral("valid.pth");
        QTest::newRow("libtorch-pickle-legacy") << QStringLiteral("legacy_libtorch.pth");
        QTest::newRow("python-torch-save-dict") << QStringLiteral("python_dict.pth");
    }

    // Without these the refusals below would prove nothing: the same harness runs files that work.
    void controls_rankAndResume()
    {
        QFETCH(QString, file);
        const QString path = m_files + QLatin1Char('/') + file;
        Outcome o = runTool(test::binaryPath("app/ranker-rank"),
                            {QStringLiteral("--model"), path, QStringLiteral("--input"), m_data});
        QVERIFY2(o.finished && !o.crashed && o.exitCode == 0, qPrintable(o.err));
        const QString out = m_dir.filePath(QStringLiteral("control-") + file);
        o = runTool(test::binaryPath("app/ranker-train"),
                    {QStringLiteral("--input"), m_data, QStringLiteral("--output"), out,
                     QStringLiteral("--embedding-dim"), QStringLiteral("2"), QStringLiteral("--epochs"),
                     QStringLiteral("1"), QStringLiteral("--resume"), path});
        QVERIFY2(o.finished && !o.crashed && o.exitCode == 0, qPrintable(o.err));
        QVERIFY(QFile::exists(out + QStringLiteral("/pairwise_ranker.pth")));
    }

    void hostile_refusedByBothTools_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("fragment");     ///< what the message must say
        QTest::addColumn<QString>("rankFragment"); ///< for ranker-rank, when it says it otherwise

        auto row = [](const char *name, const char *fragment, const char *rankFragment = nullptr) {
            QTest::newRow(name) << QString::fromUtf8(name) + QStringLiteral(".pth") << QString::fromUtf8(fragment)
                                << QString::fromUtf8(rankFragment ? rankFragment : fragment);
        };
        // Malformed pickles.
        row("reduce-on-empty-stack", "(REDUCE): needs 2 objects on the stack");
        row("build-on-short-stack", "(BUILD): needs 2 objects on the stack");
        row("newobj-on-short-stack", "(NEWOBJ): needs 2 objects on the stack");
        row("tuple3-on-short-stack", "(TUPLE3): needs 3 objects on the stack");
        row("setitems-without-mark", "(SETITEMS): no MARK");
        row("nested-tuples-200000", "nested deeper than 100 levels");
        row("nested-lists-200000", "nested deeper than 100 levels");
        row("marks-200000", "more than 1000 MARKs open");
        row("memo-get-never-put", "memo entry 7 was never stored");
        row("string-longer-than-file", "a string of 2147483647 bytes");
        row("no-stop", "ends without STOP");
        row("bytes-opcode", "SHORT_BINBYTES is not used by torch.save");
        row("global-os-system", "GLOBAL os.system is not allowed");
        row("global-builtins-eval", "GLOBAL __builtin__.eval is not allowed");
        row("persistent-id-not-storage", "a persistent id that is not ('storage'");
        row("shared-reference-bomb", "shared references");
        // Tensors against their storages, shapes against the model, moments against the weights.
        row("storage-offset-40", "at storage offset 40 with stride (4, 1) starts past its storage of 12");
        row("storage-offset-huge", "at storage offset 4611686018427387904");
        row("stride-past-storage", "reaches element 2003 of a storage of 12");
        row("size-overflow", "has too many elements");
        row("broadcast-view-huge", "has 137438953472 elements in a storage of 1 (a broadcast view)");
        row("storage-record-short", "storage 0 needs 400 bytes");
        row("storage-record-missing", "storage 0 has no record data/0");
        row("int64-weights", "has dtype int64, not a floating-point type");
        row("wrong-shape", "model_state_dict.feature_mean has shape [4], expected [5]");
        row("wrong-shape-second-layer", "shared_layer.3.weight has shape [3, 2], expected [3, 3]");
        row("exp-avg-sq-one-value-h256", "exp_avg_sq has shape [1], but shared_layer.3.weight has [256, 256]");
        row("exp-avg-sq-one-value-h4096", "exp_avg_sq has shape [1], but shared_layer.3.weight has [4096, 4096]");
        row("optimizer-state-partial", "has moments for 5 of the 6 parameters");
        row("exp-avg-sq-negative", "exp_avg_sq holds a negative value");
        // Values that would poison a run.
        row("epoch-2147483646", "epoch 2147483646 is outside 0 to 1000000");
        row("epoch-negative", "epoch -1 is outside 0 to 1000000");
        row("nan-weights", "shared_layer.0.weight holds NaN");
        row("infinite-weights", "shared_layer.0.weight holds an infinite value");
        row("zero-feature-std", "feature_std[0] is 0: a standard deviation must be positive");
        row("nan-feature-std", "feature_std holds NaN");
        row("config-hidden-dim-string", "config field hidden_dim is a string, expected an integer");
        row("config-learning-rate-list", "config field learning_rate is a list, expected a finite number");
        row("config-metric-names-not-strings", "config field metric_names is a list, expected a list of strings");
        row("config-layout-mismatch", "embedding_dim 5 and 2 metric_names do not make the model's 4 features");
        row("unexpected-state-key", "has the key extra_buffer");
        row("bare-state-dict-without-metadata", "a bare state_dict without the feature layout");
        // The container, and what is not a checkpoint file at all.
        row("truncated-zip", "truncated");
        row("truncated-central-directory", "truncated");
        row("crc-mismatch", "CRC-32 mismatch");
        row("zip-entry-count-forged", "too small for its 60000 records");
        row("zip-local-offset-past-end", "has no local header where the directory says");
        row("deflated-record", "is compressed (method 8)");
        row("no-version-record", "no version record");
        row("big-endian", "only little-endian checkpoints are read");
        row("not-a-zip", "not a PyTorch checkpoint");
        row("empty", "the file is empty");
        row("torch-save-before-1.6", "torch.save before 1.6");
        row("torchscript-module", "a TorchScript module");
        // ranker-rank takes a folder as a run folder, and finds no checkpoint in it.
        row("directory", "is a folder, not a file", "no .pth checkpoint in this folder");
        row("fifo", "is not a regular file", "");
    }

    void hostile_refusedByBothTools()
    {
        QFETCH(QString, file);
        QFETCH(QString, fragment);
        QFETCH(QString, rankFragment);
        const QString path = m_files + QLatin1Char('/') + file;
        QVERIFY2(QFileInfo::exists(path), qPrintable(path));

        const QString out = m_dir.filePath(QStringLiteral("out-") + file);
        const std::vector<Outcome> outcomes =
            runTools({{test::binaryPath("app/ranker-rank"),
                       {QStringLiteral("--model"), path, QStringLiteral("--input"), m_data}},
                      {test::binaryPath("app/ranker-train"),
                       {QStringLiteral("--input"), m_data, QStringLiteral("--output"), out,
                        QStringLiteral("--embedding-dim"), QStringLiteral("2"), QStringLiteral("--epochs"),
                        QStringLiteral("1"), QStringLiteral("--resume"), path}}});
        expectRefusal(outcomes[0], QStringLiteral("ranker-rank"), path, rankFragment);
        expectRefusal(outcomes[1], QStringLiteral("ranker-train"), path, fragment);
        // Nothing trained, nothing written, no command of the file's run.
        QVERIFY(!QFile::exists(out + QStringLiteral("/pairwise_ranker.pth")));
        QVERIFY(!QFile::exists(m_files + QStringLiteral("/pwned")));
    }

    void cleanupTestCase() { qInfo("%d refusals, the slowest process took %lld ms", m_processes, m_slowestMs); }
};

QTEST_GUILESS_MAIN(HostileCheckpointsTest)
#include "tst_hostile_checkpoints.moc"
