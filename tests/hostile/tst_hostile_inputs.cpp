// Hostile inputs (issue 12): what a user may open, or anyone may put into a runs folder, must end
// in a one-line error or a documented result within seconds — never a crash, a hang or a run
// whose files belong to two trainings.
//
//  - processes: ranker-train and ranker-rank on FIFOs, /dev/zero, folders, 100,000-level nesting,
//    a 1,000,000-character id, duplicate keys, float32 overflow, long lines at several
//    --max-line-mib, UTF-16 without a byte order mark, trailing junk, names too long or not UTF-8;
//    SIGTERM in the middle of a huge read;
//  - the studio, offscreen: a FIFO, a link to /dev/zero, 100,000 levels and a 1,000,000-character
//    model_name as a run's metadata in the workspace;
//  - kill tests: SIGKILL (strace fault injection) at every write, rename, link and removal of a
//    run's export, and two ranker-train writing one --output at once.
#include "core/base/regular_file.h"
#include "core/metadata.h"
#include "core/model.h"
#include "core/run_history.h"
#include "core/runs.h"
#include "core/runs/run_folder.h"
#include "testsupport.h"
#include "ui/datasetloader.h"
#include "ui/history/runhistorypanel.h"
#include "ui/history/runtablemodel.h"
#include "ui/mainwindow.h"
#include "ui/settings.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

using namespace ranker;

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

double rssMiB()
{
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QByteArray readBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// An item with a D = 4 embedding.
std::string item(const std::string &id, double x, const std::string &extra = {})
{
    char values[160];
    std::snprintf(values, sizeof values, "\"embedding\": [%g, %g, %g, %g], \"metrics\": {\"stars\": %g}", x, 1 - x,
                  x * x, 0.5, x * 10);
    return "{\"id\": \"" + id + "\", " + values + extra + "}";
}

std::string pairLine(const std::string &a, const std::string &b, int label, const std::string &extra = {})
{
    return "{\"item_a\": " + a + ", \"item_b\": " + b + ", \"label\": " + std::to_string(label) + extra + "}";
}

/// Twenty good pairs: what a file needs around its bad line to be trainable.
std::string goodLines()
{
    std::string out;
    for (int i = 0; i < 20; ++i)
        out += pairLine(item("g" + std::to_string(i), 0.05 * i), item("h" + std::to_string(i), 0.9 - 0.04 * i),
                        i % 2 ? 1 : -1) +
               "\n";
    return out;
}

struct Outcome
{
    bool finished = false;
    bool crashed = false; ///< ended by a signal
    int exitCode = -1;
    QString out, err;
    qint64 ms = 0;
};

Outcome runProcess(const QString &program, const QStringList &args, int timeoutMs = 120000)
{
    Outcome o;
    QProcess p;
    p.setProcessChannelMode(QProcess::SeparateChannels);
    if (program == QLatin1String(RANKER_STRACE)) {
        // LeakSanitizer cannot run under ptrace: in the sanitizer build it would end a traced run
        // with a fatal error of its own. The traced runs check files, not leaks (the untraced
        // writers after them still do).
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (env.contains(QStringLiteral("ASAN_OPTIONS")))
            env.insert(QStringLiteral("ASAN_OPTIONS"),
                       env.value(QStringLiteral("ASAN_OPTIONS")) + QStringLiteral(":detect_leaks=0"));
        p.setProcessEnvironment(env);
    }
    QElapsedTimer clock;
    clock.start();
    p.start(program, args);
    if (!p.waitForStarted(10000))
        return o;
    o.finished = p.waitForFinished(timeoutMs);
    if (!o.finished) {
        p.kill();
        p.waitForFinished(5000);
    }
    o.ms = clock.elapsed();
    o.crashed = p.exitStatus() == QProcess::CrashExit;
    o.exitCode = p.exitCode();
    o.out = QString::fromUtf8(p.readAllStandardOutput());
    o.err = QString::fromUtf8(p.readAllStandardError());
    return o;
}

QString describe(const Outcome &o)
{
    return QStringLiteral("finished %1, crashed %2, exit %3, %4 ms\nstderr: %5\nstdout: %6")
        .arg(o.finished)
        .arg(o.crashed)
        .arg(o.exitCode)
        .arg(o.ms)
        .arg(o.err.left(2000), o.out.left(500));
}

const QStringList kTrainSettings = {
    QStringLiteral("--embedding-dim"), QStringLiteral("4"), QStringLiteral("--hidden-dim"), QStringLiteral("8"),
    QStringLiteral("--epochs"),        QStringLiteral("1"), QStringLiteral("--threads"),    QStringLiteral("1")};

/// One kind of run for the kill tests: its settings, and what its files look like.
struct RunKind
{
    int hidden = 0;
    int epochs = 0;
    qint64 pthBytes = 0, onnxBytes = 0;
};

} // namespace

class HostileInputsTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_good;  ///< a trainable dataset (20 pairs, D = 4)
    QString m_model; ///< a run folder trained on it
    QString m_items; ///< items to rank
    QString m_kill;  ///< dataset of the kill tests (more pairs: a few batches)
    RunKind m_old, m_new;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString train() const { return test::binaryPath("app/ranker-train"); }
    QString rank() const { return test::binaryPath("app/ranker-rank"); }

    QString makeFile(const QString &name, const std::string &bytes) const
    {
        const QString file = path(name);
        std::ofstream(file.toStdString(), std::ios::binary) << bytes;
        return file;
    }

    QString makeFifo(const QString &name) const
    {
        const QString file = path(name);
        ::unlink(qPrintable(file));
        return ::mkfifo(qPrintable(file), 0644) == 0 ? file : QString();
    }

    QString makeLink(const QString &name, const QString &target) const
    {
        const QString file = path(name);
        ::unlink(qPrintable(file));
        return ::symlink(qPrintable(target), qPrintable(file)) == 0 ? file : QString();
    }

    /// A dataset of one line of `bytes` bytes between good ones (written without holding it here).
    QString makeLongLineFile(const QString &name, qint64 bytes) const
    {
        const QString file = path(name);
        std::ofstream out(file.toStdString(), std::ios::binary);
        out << goodLines();
        const std::string head = "{\"item_a\": {\"id\": \"long\", \"note\": \"";
        out << head;
        const std::string block(1 << 20, 'x');
        qint64 left = bytes - qint64(head.size()) - 2;
        for (; left >= qint64(block.size()); left -= qint64(block.size()))
            out << block;
        out << std::string(size_t(left), 'x') << "\"}\n" << goodLines();
        return file;
    }

    /// The run folder's metadata as ranker-train wrote it, for crafting variants.
    nlohmann::json modelMetadata() const
    {
        return nlohmann::json::parse(
            readBytes(m_model + QStringLiteral("/pairwise_ranker_metadata.json")).toStdString());
    }

    /// A run folder `name` under `root` whose metadata file is `content` (or made by `make`).
    QString runFolderWithMetadata(const QString &root, const QString &name, const std::string &content) const
    {
        const QString folder = root + QLatin1Char('/') + name;
        QDir().mkpath(folder);
        std::ofstream(QString(folder + QStringLiteral("/pairwise_ranker_metadata.json")).toStdString(),
                      std::ios::binary)
            << content;
        return folder;
    }

    RunKind trainKind(const QString &output, int hidden, int epochs,
                      const QString &name = QStringLiteral("pairwise_ranker"))
    {
        const Outcome o = runProcess(
            train(), {QStringLiteral("--input"), m_kill, QStringLiteral("--output"), output, QStringLiteral("--name"),
                      name, QStringLiteral("--embedding-dim"), QStringLiteral("4"), QStringLiteral("--hidden-dim"),
                      QString::number(hidden), QStringLiteral("--epochs"), QString::number(epochs),
                      QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--quiet"),
                      // every epoch (no early stop), one model: what the kinds' sizes and times assume
                      QStringLiteral("--patience"), QStringLiteral("0"), QStringLiteral("--no-refit")});
        RunKind kind{hidden, epochs, 0, 0};
        if (o.exitCode == 0) {
            kind.pthBytes = QFileInfo(output + QLatin1Char('/') + name + QStringLiteral(".pth")).size();
            kind.onnxBytes = QFileInfo(output + QLatin1Char('/') + name + QStringLiteral(".onnx")).size();
        }
        return kind;
    }

    /**
     * The run in `folder` is complete and of one kind: its metadata reads, names `old` or `fresh`
     * by hidden_dim, and the .pth and .onnx are that run's (their sizes, the checkpoint's own
     * config, the ONNX graph's created_at). @return the kind's hidden_dim, or "" with a reason.
     */
    QString checkOneCompleteRun(const QString &folder, int &hidden) const
    {
        return checkOneCompleteRun(folder, m_old, m_new, hidden);
    }

    static QString checkOneCompleteRun(const QString &folder, const RunKind &first, const RunKind &second, int &hidden)
    {
        hidden = 0;
        // The run named pairwise_ranker (the folder holds custom_ranker too), as readRun() reads
        // one: its metadata and which files it has from one generation.
        const std::string metadataPath = folder.toStdString() + "/pairwise_ranker_metadata.json";
        RunInfo run;
        try {
            const std::string files = runFilesFolder(metadataPath);
            run = runFromMetadata(folder.toStdString(), metadataPath,
                                  readRunJson(files + "/pairwise_ranker_metadata.json", kMaxMetadataBytes), files);
        } catch (const std::exception &e) {
            return QStringLiteral("metadata unreadable: ") + QString::fromUtf8(e.what());
        }
        if (run.broken)
            return QStringLiteral("broken: ") + qs(run.problem);
        const nlohmann::json &m = run.metadata;
        hidden = m.value("hidden_dim", 0);
        const RunKind *kind = hidden == first.hidden ? &first : hidden == second.hidden ? &second : nullptr;
        if (!kind)
            return QStringLiteral("metadata of neither run (hidden_dim %1)").arg(hidden);
        if (run.pthPath.empty() || run.onnxPath.empty())
            return QStringLiteral("a file is missing");
        if (QFileInfo(qs(run.pthPath)).size() != kind->pthBytes)
            return QStringLiteral(".pth of another run (%1 bytes)").arg(QFileInfo(qs(run.pthPath)).size());
        if (QFileInfo(qs(run.onnxPath)).size() != kind->onnxBytes)
            return QStringLiteral(".onnx of another run");
        if (m.value("epochs_completed", 0) != kind->epochs)
            return QStringLiteral("metadata of another run (epochs)");
        try {
            const Checkpoint checkpoint = loadCheckpoint(run.pthPath);
            if (checkpoint.weights.hiddenDim != hidden)
                return QStringLiteral(".pth of another run (hidden %1)").arg(checkpoint.weights.hiddenDim);
        } catch (const std::exception &e) {
            return QStringLiteral(".pth unreadable: ") + QString::fromUtf8(e.what());
        }
        if (!readBytes(qs(run.onnxPath)).contains(QByteArray::fromStdString(m.value("created_at", std::string("?")))))
            return QStringLiteral(".onnx of another run (created_at)");
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_good = makeFile(QStringLiteral("good.jsonl"), goodLines());
        test::SyntheticOptions o;
        o.pairs = 200;
        o.items = 40;
        o.dim = 4;
        m_kill = path(QStringLiteral("kill.jsonl"));
        QCOMPARE(test::writeSyntheticDataset(m_kill.toStdString(), o), 200);
        m_model = path(QStringLiteral("model"));
        const Outcome trained =
            runProcess(train(), QStringList{QStringLiteral("--input"), m_good, QStringLiteral("--output"), m_model,
                                            QStringLiteral("--quiet")} +
                                    kTrainSettings);
        QVERIFY2(trained.exitCode == 0, qPrintable(describe(trained)));
        std::string items;
        for (int i = 0; i < 5; ++i)
            items += item("r" + std::to_string(i), 0.2 * i) + "\n";
        m_items = makeFile(QStringLiteral("items.jsonl"), items);
    }

    // --- The command-line tools ------------------------------------------------------------

    void commandLine_endsInOneLineOrADocumentedResult_data()
    {
        QTest::addColumn<QString>("tool");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message"); // in stderr (exit 0: in stdout or stderr)

        const QString fifo = makeFifo(QStringLiteral("fifo.jsonl"));
        const QString zeroLink = makeLink(QStringLiteral("zero-link.jsonl"), QStringLiteral("/dev/zero"));
        const QString folder = path(QStringLiteral("a-folder.jsonl"));
        QDir().mkpath(folder);
        const QString out = path(QStringLiteral("out"));
        const QString t = QStringLiteral("train"), r = QStringLiteral("rank");
        auto trainOn = [&](const QString &input, const QStringList &extra = {}) {
            return QStringList{QStringLiteral("--input"), input, QStringLiteral("--output"), out} + kTrainSettings +
                   extra;
        };
        auto rankOn = [&](const QString &input, const QStringList &extra = {}) {
            return QStringList{QStringLiteral("--model"), m_model, QStringLiteral("--input"), input} + extra;
        };
        const QString strict = QStringLiteral("--strict");
        auto notRegular = [](const QString &p, const char *kind) {
            return p + QStringLiteral(": is ") + QString::fromLatin1(kind) + QStringLiteral(", not a regular file");
        };

        // Files that are not files: refused before a byte is read, never blocking in open().
        QTest::newRow("input-is-fifo") << t << trainOn(fifo) << 1 << notRegular(fifo, "a named pipe (FIFO)");
        QTest::newRow("input-is-dev-zero") << t << trainOn(QStringLiteral("/dev/zero")) << 1
                                           << notRegular(QStringLiteral("/dev/zero"), "a character device");
        QTest::newRow("input-is-link-to-dev-zero")
            << t << trainOn(zeroLink) << 1 << notRegular(zeroLink, "a symbolic link to a character device");
        QTest::newRow("input-is-a-folder") << t << trainOn(folder) << 1 << folder + QStringLiteral(": is a folder");
        QTest::newRow("embeddings-is-dev-zero")
            << t << trainOn(m_good, {QStringLiteral("--embeddings"), QStringLiteral("/dev/zero")}) << 1
            << notRegular(QStringLiteral("/dev/zero"), "a character device");
        QTest::newRow("embeddings-is-fifo") << t << trainOn(m_good, {QStringLiteral("--embeddings"), fifo}) << 1
                                            << notRegular(fifo, "a named pipe (FIFO)");
        QTest::newRow("rank-input-is-dev-zero") << r << rankOn(QStringLiteral("/dev/zero")) << 1
                                                << notRegular(QStringLiteral("/dev/zero"), "a character device");
        QTest::newRow("rank-input-is-fifo") << r << rankOn(fifo) << 1 << notRegular(fifo, "a named pipe (FIFO)");
        QTest::newRow("rank-embeddings-is-fifo") << r << rankOn(m_items, {QStringLiteral("--embeddings"), fifo}) << 1
                                                 << notRegular(fifo, "a named pipe (FIFO)");
        QTest::newRow("rank-model-is-dev-zero")
            << r
            << QStringList{QStringLiteral("--model"), QStringLiteral("/dev/zero"), QStringLiteral("--input"), m_items}
            << 1 << notRegular(QStringLiteral("/dev/zero"), "a character device");
        {
            // A run folder whose .pth is a FIFO: found, and refused when it is read.
            const QString run = path(QStringLiteral("fifo-pth-run"));
            QDir().mkpath(run);
            QFile::copy(m_model + QStringLiteral("/pairwise_ranker_metadata.json"),
                        run + QStringLiteral("/pairwise_ranker_metadata.json"));
            ::mkfifo(qPrintable(run + QStringLiteral("/pairwise_ranker.pth")), 0644);
            QTest::newRow("rank-model-pth-is-fifo")
                << r << QStringList{QStringLiteral("--model"), run, QStringLiteral("--input"), m_items} << 1
                << run + QStringLiteral("/pairwise_ranker.pth: is not a regular file"); // the checkpoint reader's words
        }

        // JSON that nests or repeats itself, values that do not fit, bytes that are not UTF-8.
        const std::string a = item("a", 0.1), b = item("b", 0.7);
        const QString deep =
            makeFile(QStringLiteral("deep.jsonl"),
                     pairLine(a, b, 1, ", \"extra\": " + std::string(100000, '[') + std::string(100000, ']')) + "\n" +
                         goodLines());
        QTest::newRow("deep-nesting-100000-levels")
            << t << trainOn(deep) << 0 << QStringLiteral("arrays and objects nest deeper than 256 levels");
        QTest::newRow("deep-nesting-strict")
            << t << trainOn(deep, {strict}) << 1 << deep + QStringLiteral(":1: invalid JSON at column ");
        const QString hugeId = makeFile(QStringLiteral("huge-id.jsonl"),
                                        pairLine(item(std::string(1000000, 'i'), 0.3), b, 1) + "\n" + goodLines());
        QTest::newRow("item-id-of-1000000-characters")
            << t << trainOn(hugeId) << 0 << QStringLiteral("completed 1 epochs");
        QTest::newRow("rank-item-id-of-1000000-characters")
            << r << rankOn(hugeId) << 0 << QString(50, QLatin1Char('i'));
        const QString dup =
            makeFile(QStringLiteral("dup.jsonl"), pairLine(a, b, 1, ", \"label\": -1") + "\n" + goodLines());
        QTest::newRow("duplicate-label") << t << trainOn(dup, {strict}) << 1
                                         << dup + QStringLiteral(":1: duplicate key `label` at column ");
        const QString dupId = makeFile(QStringLiteral("dup-id.jsonl"),
                                       pairLine("{\"id\": \"x\", \"id\": \"y\"}", b, 1) + "\n" + goodLines());
        QTest::newRow("duplicate-item-id")
            << t << trainOn(dupId, {strict}) << 1 << QStringLiteral(":1: duplicate key `item_a.id` at column 24");
        const QString f32 =
            makeFile(QStringLiteral("f32.jsonl"),
                     pairLine("{\"id\": \"m\", \"metrics\": {\"stars\": 1e300}}", b, 1) + "\n" + goodLines());
        QTest::newRow("metric-overflows-float32")
            << t << trainOn(f32, {strict}) << 1
            << QStringLiteral(":1: item_a.metrics.stars: 1e300 does not fit a 32-bit float");
        QTest::newRow("metric-overflows-float32-skipped")
            << t << trainOn(f32) << 0 << QStringLiteral("completed 1 epochs");
        const QString trailing =
            makeFile(QStringLiteral("trailing.jsonl"), goodLines() + pairLine(a, b, 1) + " junk\n");
        QTest::newRow("trailing-junk") << t << trainOn(trailing, {strict}) << 1
                                       << QStringLiteral(
                                              ":21: invalid JSON at column %1: unexpected content after the object")
                                              .arg(pairLine(a, b, 1).size() + 2);
        std::string be, le;
        for (char c : goodLines()) {
            be += '\0';
            be += c;
            le += c;
            le += '\0';
        }
        const QString utf16be = makeFile(QStringLiteral("utf16be.jsonl"), be);
        const QString utf16le = makeFile(QStringLiteral("utf16le.jsonl"), le);
        QTest::newRow("utf-16be-without-bom")
            << t << trainOn(utf16be) << 1
            << utf16be + QStringLiteral(": the file is UTF-16BE without a byte order mark");
        QTest::newRow("utf-16le-without-bom")
            << t << trainOn(utf16le) << 1
            << utf16le + QStringLiteral(": the file is UTF-16LE without a byte order mark");
        QTest::newRow("rank-utf-16be-without-bom") << r << rankOn(utf16be) << 1 << QStringLiteral("UTF-16BE");

        // The line limit holds at every size; 0 is a usage error.
        const QString line70 = makeLongLineFile(QStringLiteral("line-70mib.jsonl"), 70ll << 20);
        QTest::newRow("line-of-70-MiB-at-the-default-64")
            << t << trainOn(line70) << 0 << QStringLiteral("line is 70.0 MiB long, over the limit of 64.0 MiB");
        const QString line11 = makeLongLineFile(QStringLiteral("line-11mib.jsonl"), 11ll << 20);
        QTest::newRow("line-of-11-MiB-at-10")
            << t << trainOn(line11, {QStringLiteral("--max-line-mib"), QStringLiteral("10")}) << 0
            << QStringLiteral("line is 11.0 MiB long, over the limit of 10.0 MiB");
        QTest::newRow("line-of-11-MiB-at-12")
            << t << trainOn(line11, {QStringLiteral("--max-line-mib"), QStringLiteral("12")}) << 0
            << QStringLiteral("completed 1 epochs");
        const QString line1 = makeLongLineFile(QStringLiteral("line-1mib.jsonl"), (1ll << 20) + 1);
        QTest::newRow("line-of-1-MiB-and-1-byte-at-1")
            << t << trainOn(line1, {QStringLiteral("--max-line-mib"), QStringLiteral("1")}) << 0
            << QStringLiteral("line is 1.0 MiB long, over the limit of 1.0 MiB");
        QTest::newRow("max-line-mib-0") << t << trainOn(m_good, {QStringLiteral("--max-line-mib"), QStringLiteral("0")})
                                        << 2 << QStringLiteral("--max-line-mib must be between 1 and 1048576, got 0");

        // Names checked before anything is trained (a name of 242 bytes gave "File name too long"
        // after training; 241 is the longest whose files all fit in 255 bytes).
        QTest::newRow("name-of-242-bytes")
            << t << trainOn(m_good, {QStringLiteral("--name"), QString(242, QLatin1Char('n'))}) << 1
            << QStringLiteral("--name is 242 bytes long");
        QTest::newRow("name-of-241-bytes")
            << t << trainOn(m_good, {QStringLiteral("--name"), QString(241, QLatin1Char('n'))}) << 0
            << QStringLiteral("completed 1 epochs");
        QTest::newRow("name-with-control-character")
            << t << trainOn(m_good, {QStringLiteral("--name"), QStringLiteral("bad\x01name")}) << 1
            << QStringLiteral("--name \"bad\\x01name\" holds a control character at byte 4");
        // Bytes that are not UTF-8 cannot travel in a QString: through the shell.
        QTest::newRow("name-not-utf-8") << QStringLiteral("sh")
                                        << QStringList{QStringLiteral("-c"),
                                                       QStringLiteral(
                                                           "exec \"$0\" --name \"$(printf 'bad\\377')\" \"$@\""),
                                                       train()} +
                                               trainOn(m_good)
                                        << 1 << QStringLiteral("--name \"bad\\xFF\" is not valid UTF-8 at byte 4");
    }

    void commandLine_endsInOneLineOrADocumentedResult()
    {
        QFETCH(QString, tool);
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const QString program = tool == QLatin1String("train")  ? train()
                                : tool == QLatin1String("rank") ? rank()
                                                                : QStringLiteral("/bin/sh");
        QDir(path(QStringLiteral("out"))).removeRecursively();
        const Outcome o = runProcess(program, args, 60000);
        QVERIFY2(o.finished, qPrintable(QStringLiteral("did not finish in 60 s: ") + describe(o)));
        QVERIFY2(!o.crashed, qPrintable(describe(o)));
        QVERIFY2(o.ms < 30000, qPrintable(describe(o))); // "within seconds" on a busy 2-core machine
        QVERIFY2(o.exitCode == exitCode, qPrintable(describe(o)));
        if (exitCode != 0) {
            QString err = o.err.trimmed();
            // A usage error (exit 2) is argparse's two lines: "usage: …", then the error.
            if (exitCode == 2 && err.startsWith(QStringLiteral("usage: ")))
                err = err.mid(err.indexOf(QLatin1Char('\n')) + 1);
            QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(QStringLiteral("not one line: ") + describe(o)));
            QVERIFY2(err.contains(message), qPrintable(describe(o)));
            // Refused before training: nothing was written.
            QVERIFY(!QFileInfo::exists(path(QStringLiteral("out/pairwise_ranker_metadata.json"))));
        } else {
            QVERIFY2(o.err.contains(message) || o.out.contains(message), qPrintable(describe(o)));
        }
    }

    void sigterm_duringAHugeRead_stopsWithExit130_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("sigterm") << int(SIGTERM);
        QTest::newRow("sigint") << int(SIGINT);
    }

    void sigterm_duringAHugeRead_stopsWithExit130()
    {
        QFETCH(int, signal);
        // 64 GiB of one line (a sparse file: no disk), read to its end to be skipped.
        const QString huge = path(QStringLiteral("huge-sparse.jsonl"));
        {
            const int fd = ::open(qPrintable(huge), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            QVERIFY(fd >= 0);
            QCOMPARE(::ftruncate(fd, 64ll << 30), 0);
            ::close(fd);
        }
        QProcess p;
        p.start(train(), QStringList{QStringLiteral("--input"), huge, QStringLiteral("--output"),
                                     path(QStringLiteral("out-huge"))} +
                             kTrainSettings);
        QVERIFY(p.waitForStarted());
        // Until it is reading the file (past startup, whose time a busy machine stretches): an fd on
        // the file whose offset is past 64 MiB.
        auto offsetInFile = [&]() -> qint64 {
            const QString fds = QStringLiteral("/proc/%1/fd").arg(p.processId());
            for (const QString &fd : QDir(fds).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
                if (QFileInfo(fds + QLatin1Char('/') + fd).symLinkTarget() != huge)
                    continue;
                QFile info(QStringLiteral("/proc/%1/fdinfo/%2").arg(p.processId()).arg(fd));
                if (info.open(QIODevice::ReadOnly))
                    for (const QByteArray &line : info.readAll().split('\n'))
                        if (line.startsWith("pos:"))
                            return line.mid(4).trimmed().toLongLong();
            }
            return -1;
        };
        QVERIFY2(QTest::qWaitFor([&] { return offsetInFile() > (64ll << 20); }, 60000), "never started reading");
        QCOMPARE(p.state(), QProcess::Running); // still reading
        const qint64 at = offsetInFile();
        QElapsedTimer clock;
        clock.start();
        ::kill(pid_t(p.processId()), signal);
        QVERIFY(p.waitForFinished(10000));
        const qint64 stopped = clock.elapsed();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(QString::fromUtf8(p.readAllStandardError()).contains(QStringLiteral("cancelled while loading")),
                 "no message");
        qInfo("stopped %lld ms after the signal, sent %lld MiB into the line", qlonglong(stopped), qlonglong(at >> 20));
        QFile::remove(huge);
    }

    // --- The studio ------------------------------------------------------------------------

    void studio_hostileRunsInTheWorkspace_windowAppearsAndRunsAreBroken()
    {
        const QString workspace = path(QStringLiteral("workspace"));
        const QString runs = workspace + QStringLiteral("/runs");
        QVERIFY(QDir().mkpath(runs));
        // A good run, and runs whose metadata is a FIFO, a link to /dev/zero, 100,000 levels deep,
        // larger than the limit (sparse), or whose notes sidecar is a FIFO.
        QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), m_model, runs + QStringLiteral("/good")});
        const QString fifoRun = runs + QStringLiteral("/fifo");
        QDir().mkpath(fifoRun);
        QCOMPARE(::mkfifo(qPrintable(fifoRun + QStringLiteral("/pairwise_ranker_metadata.json")), 0644), 0);
        const QString zeroRun = runs + QStringLiteral("/zero");
        QDir().mkpath(zeroRun);
        QCOMPARE(::symlink("/dev/zero", qPrintable(zeroRun + QStringLiteral("/pairwise_ranker_metadata.json"))), 0);
        const QString deepRun = runFolderWithMetadata(runs, QStringLiteral("deep"),
                                                      "{\"loss_history\": [1], \"x\": " + std::string(100000, '[') +
                                                          std::string(100000, ']') + "}");
        const QString bigRun = runs + QStringLiteral("/big");
        QDir().mkpath(bigRun);
        {
            const int fd = ::open(qPrintable(bigRun + QStringLiteral("/pairwise_ranker_metadata.json")),
                                  O_WRONLY | O_CREAT | O_TRUNC, 0644);
            QVERIFY(fd >= 0);
            QCOMPARE(::ftruncate(fd, qint64(kMaxMetadataBytes) + (1 << 20)), 0);
            ::close(fd);
        }
        const QString notesRun = runs + QStringLiteral("/notes-fifo");
        QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), m_model, notesRun});
        QCOMPARE(::mkfifo(qPrintable(notesRun + QStringLiteral("/") + QLatin1String(kRunNotesFileName)), 0644), 0);

        QSettings().clear();
        {
            ui::Settings settings;
            settings.load();
            settings.workspace = workspace;
            settings.save();
        }
        const double before = rssMiB();
        QElapsedTimer clock;
        clock.start();
        ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window, 10000));
        qInfo("window shown in %lld ms", (long long)clock.elapsed());
        auto *panel = window.findChild<ui::RunHistoryPanel *>();
        QVERIFY(panel);
        QCOMPARE(panel->runCount(), 6);
        auto *table = panel->findChild<QTableView *>(QStringLiteral("runTable"));
        auto ended = [&](const QString &folder) {
            QAbstractItemModel *model = table->model();
            for (int row = 0; row < model->rowCount(); ++row)
                if (QDir::cleanPath(model->index(row, 0).data(ui::RunTableModel::FolderRole).toString()) ==
                    QDir::cleanPath(folder))
                    return model->index(row, ui::RunTableModel::Ended).data().toString();
            return QStringLiteral("(not listed)");
        };
        QCOMPARE(ended(runs + QStringLiteral("/good")), QStringLiteral("completed"));
        QCOMPARE(ended(notesRun), QStringLiteral("completed")); // the run is fine; its notes are not
        for (const auto &[folder, reason] : std::vector<std::pair<QString, QString>>{
                 {fifoRun, QStringLiteral("a named pipe (FIFO), not a regular file")},
                 {zeroRun, QStringLiteral("a symbolic link to a character device")},
                 {deepRun, QStringLiteral("nest deeper than 128 levels")},
                 {bigRun, QStringLiteral("over the limit of 64.0 MiB")}}) {
            const QString text = ended(folder);
            QVERIFY2(text.startsWith(QStringLiteral("broken: ")) && text.contains(reason), qPrintable(text));
        }
        QVERIFY2(rssMiB() - before < 300, qPrintable(QString::number(rssMiB() - before))); // nothing read to 4 GB

        // Selecting each one neither crashes nor blocks; its details say why.
        window.setPlace(ui::MainWindow::HistoryPlace);
        auto *problem = panel->findChild<QLabel *>(QStringLiteral("detailsProblem"));
        for (const QString &folder : {fifoRun, zeroRun, deepRun, bigRun}) {
            panel->selectRuns({folder});
            QCoreApplication::processEvents();
            QVERIFY2(problem->isVisible() && problem->text().startsWith(QStringLiteral("Broken run: ")),
                     qPrintable(folder));
        }
        panel->selectRuns({notesRun});
        QVERIFY2(problem->text().contains(QStringLiteral("Notes unreadable")) &&
                     problem->text().contains(QStringLiteral("named pipe")),
                 qPrintable(problem->text()));
    }

    void studio_metadataAsDeepAsAllowed_showsAsATree()
    {
        // 120 levels: within kMaxRunJsonDepth, so shown (the tree is built without recursion).
        nlohmann::json m = modelMetadata();
        std::string deep = "1";
        for (int i = 0; i < 120; ++i)
            deep = "{\"k\": " + deep + "}";
        std::string text = m.dump();
        text.insert(text.size() - 1, ", \"nested\": " + deep);
        const QString runs = path(QStringLiteral("deep-allowed/runs"));
        const QString folder = runFolderWithMetadata(runs, QStringLiteral("r"), text);
        ui::RunHistoryPanel panel(runs);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QCOMPARE(panel.runCount(), 1);
        panel.selectRuns({folder});
        auto *tree = panel.findChild<QTreeWidget *>(QStringLiteral("metadataTree"));
        QVERIFY(tree);
        QTreeWidgetItem *nested = nullptr;
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            if (tree->topLevelItem(i)->text(0) == QLatin1String("nested"))
                nested = tree->topLevelItem(i);
        QVERIFY(nested);
        int depth = 0;
        for (QTreeWidgetItem *at = nested; at->childCount() > 0; at = at->child(0))
            ++depth;
        QCOMPARE(depth, 120);
    }

    void studio_modelNameOfAMillionCharacters_staysElidedWithBoundedMemory()
    {
        nlohmann::json m = modelMetadata();
        m["model_name"] = std::string(1000000, 'M');
        const QString runs = path(QStringLiteral("huge-name/runs"));
        const QString folder = runFolderWithMetadata(runs, QStringLiteral("r"), m.dump());
        ui::RunHistoryPanel panel(runs);
        panel.resize(1300, 900);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QCOMPARE(panel.runCount(), 1);
        panel.selectRuns({folder});
        QCoreApplication::processEvents();
        const double before = rssMiB();
        // Two seconds of painting, tooltips and layout: memory must not grow with them.
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 2000) {
            panel.update();
            panel.repaint();
            QCoreApplication::processEvents();
        }
        const double grown = rssMiB() - before;
#if defined(__SANITIZE_ADDRESS__)
        // AddressSanitizer keeps freed memory in its quarantine (256 MiB), so resident memory grows
        // with every allocation here: the bound is checked in the normal build.
        qInfo("memory grew by %.1f MiB (not bounded under AddressSanitizer)", grown);
#else
        QVERIFY2(grown < 50, qPrintable(QStringLiteral("memory grew by %1 MiB").arg(grown)));
#endif
        auto *table = panel.findChild<QTableView *>(QStringLiteral("runTable"));
        const QString name = table->model()->index(0, ui::RunTableModel::Name).data().toString();
        QVERIFY2(name.size() <= 200 && name.endsWith(QChar(0x2026)), qPrintable(QString::number(name.size())));
        QVERIFY(table->model()->index(0, ui::RunTableModel::Name).data(Qt::ToolTipRole).toString().size() <= 2000);
        auto *title = panel.findChild<QLabel *>(QStringLiteral("detailsTitle"));
        QVERIFY2(title->text().size() < 3000, qPrintable(QString::number(title->text().size())));
        auto *tree = panel.findChild<QTreeWidget *>(QStringLiteral("metadataTree"));
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            QVERIFY(tree->topLevelItem(i)->text(1).size() <= 2000);
    }

    void studio_datasetThatIsNotAFile_isRefusedWithoutBlocking_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("kind");
        QTest::newRow("fifo") << makeFifo(QStringLiteral("studio-fifo.jsonl")) << QStringLiteral("a named pipe (FIFO)");
        QTest::newRow("dev-zero") << QStringLiteral("/dev/zero") << QStringLiteral("a character device");
    }

    void studio_datasetThatIsNotAFile_isRefusedWithoutBlocking()
    {
        QFETCH(QString, file);
        QFETCH(QString, kind);
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(ui::detectEmbeddingDim(file), 0);
        ui::DatasetLoader loader;
        QSignalSpy failed(&loader, &ui::DatasetLoader::failed);
        loader.load(file);
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.at(0).at(1).toString(),
                 file + QStringLiteral(": is ") + kind + QStringLiteral(", not a regular file"));
        qInfo("refused in %lld ms", (long long)clock.elapsed());
    }

    // --- A run folder is one unit ----------------------------------------------------------

    void killAtEveryStepOfAnExport_leavesTheOldRunOrTheNewOneComplete_data()
    {
        QTest::addColumn<int>("before"); // what the folder holds: 0 a run of this version, 1 the plain
                                         // files of an earlier version, 2 nothing yet
        QTest::newRow("over-a-run-of-this-version") << 0;
        QTest::newRow("over-plain-files-of-an-earlier-version") << 1;
        QTest::newRow("into-an-empty-folder") << 2;
    }

    void killAtEveryStepOfAnExport_leavesTheOldRunOrTheNewOneComplete()
    {
        QFETCH(int, before);
        const bool legacy = before == 1, empty = before == 2;
        if (!QFileInfo(QStringLiteral(RANKER_STRACE)).isExecutable())
            QSKIP("strace is not installed (installer/setup.sh installs it)");
#if defined(__SANITIZE_ADDRESS__)
        // Each instrumented run starts in seconds and a row traces 50-100 of them: the sanitizer
        // build checks the first row's kill points (the writer's memory is what it adds), the
        // normal build all three rows.
        if (before != 0)
            QSKIP("under AddressSanitizer only the first row (the normal build runs all three)");
#endif
        const QString base = path(QStringLiteral("kill-%1").arg(before));
        QDir(base).removeRecursively();
        // The two runs: an old one (hidden 4, 2 epochs) in the folder, a new one (hidden 6, 3) written over it.
        m_old = trainKind(base + QStringLiteral("/ref-old"), 4, 2);
        m_new = trainKind(base + QStringLiteral("/ref-new"), 6, 3);
        QVERIFY(m_old.pthBytes > 0 && m_new.pthBytes > 0 && m_old.pthBytes != m_new.pthBytes);
        // Beside the run: another run of another name and a person's file, which must not change.
        trainKind(base + QStringLiteral("/ref-old"), 4, 1, QStringLiteral("custom_ranker"));
        writeBytes(base + QStringLiteral("/ref-old/notes.txt"), "mine\n");
        auto freshFolder = [&](const QString &name) {
            const QString folder = base + QLatin1Char('/') + name;
            QDir(folder).removeRecursively();
            if (empty) {
                QDir().mkpath(folder); // only the other run and the person's file
                for (const QString &file :
                     {QStringLiteral("custom_ranker_metadata.json"), QStringLiteral("custom_ranker.pth"),
                      QStringLiteral("custom_ranker.onnx"), QStringLiteral("notes.txt")})
                    QFile::copy(base + QStringLiteral("/ref-old/") + file, folder + QLatin1Char('/') + file);
            } else if (legacy) {
                // Plain files, as the earlier AtomicFileSet left them (the links followed).
                QDir().mkpath(folder);
                for (const QString &file : QDir(base + QStringLiteral("/ref-old")).entryList(QDir::Files))
                    QFile::copy(base + QStringLiteral("/ref-old/") + file, folder + QLatin1Char('/') + file);
            } else {
                QProcess::execute(QStringLiteral("cp"),
                                  {QStringLiteral("-a"), base + QStringLiteral("/ref-old"), folder});
            }
            return folder;
        };
        const QStringList newRun = {QStringLiteral("--input"),         m_kill,
                                    QStringLiteral("--embedding-dim"), QStringLiteral("4"),
                                    QStringLiteral("--hidden-dim"),    QString::number(m_new.hidden),
                                    QStringLiteral("--epochs"),        QString::number(m_new.epochs),
                                    QStringLiteral("--threads"),       QStringLiteral("1"),
                                    QStringLiteral("--patience"),      QStringLiteral("0"),
                                    QStringLiteral("--no-refit"),      QStringLiteral("--quiet"),
                                    QStringLiteral("--output")};
        const QString traced = QStringLiteral("write,fsync,rename,renameat,renameat2,symlink,symlinkat,link,linkat,"
                                              "unlink,unlinkat,mkdir,mkdirat,rmdir");
        // A dry run, traced: every step that touches the folder, as (syscall, its count so far).
        const QString dry = freshFolder(QStringLiteral("dry"));
        const QString log = base + QStringLiteral("/dry.strace");
        const Outcome o = runProcess(QStringLiteral(RANKER_STRACE),
                                     QStringList{QStringLiteral("-f"), QStringLiteral("-qq"), QStringLiteral("-y"),
                                                 QStringLiteral("-o"), log, QStringLiteral("-e"),
                                                 QStringLiteral("trace=") + traced, train()} +
                                         newRun + QStringList{dry});
        QVERIFY2(o.exitCode == 0, qPrintable(describe(o)));
        QString why;
        int hidden = 0;
        QVERIFY2((why = checkOneCompleteRun(dry, hidden)).isEmpty() && hidden == m_new.hidden, qPrintable(why));
        std::vector<std::pair<QString, int>> steps;
        {
            std::map<QString, int> counts;
            QString mainPid;
            const QRegularExpression call(QStringLiteral("^(\\d+)\\s+(\\w+)\\("));
            for (const QString &line : QString::fromUtf8(readBytes(log)).split(QLatin1Char('\n'))) {
                const QRegularExpressionMatch m = call.match(line);
                if (!m.hasMatch())
                    continue;
                const bool touches = line.contains(dry + QLatin1Char('/')) || line.contains(dry + QLatin1Char('"')) ||
                                     line.contains(dry + QLatin1Char('>')); // a path, or an fd on the folder
                if (mainPid.isEmpty() && touches)
                    mainPid = m.captured(1); // the main thread: it made the folder
                if (m.captured(1) != mainPid && !mainPid.isEmpty())
                    continue; // counts are per thread, and the export runs on the main one
                const int n = ++counts[m.captured(2)];
                if (touches)
                    steps.emplace_back(m.captured(2), n);
            }
        }
        QVERIFY2(steps.size() >= 10, qPrintable(QString::number(steps.size())));
        int killed = 0, sawOld = 0, sawNew = 0;
        QStringList mixed;
        for (size_t step = 0; step < steps.size(); ++step) {
            const auto &[syscall, n] = steps[step];
            const QString folder = freshFolder(QStringLiteral("run"));
            const auto others = [&] {
                QStringList files;
                for (const QString &f :
                     {QStringLiteral("custom_ranker_metadata.json"), QStringLiteral("custom_ranker.pth"),
                      QStringLiteral("custom_ranker.onnx"), QStringLiteral("notes.txt")})
                    files << QString::fromLatin1(
                        QCryptographicHash::hash(readBytes(folder + QLatin1Char('/') + f), QCryptographicHash::Sha256)
                            .toHex());
                return files;
            };
            const QStringList othersBefore = others();
            const Outcome k = runProcess(
                QStringLiteral(RANKER_STRACE),
                QStringList{QStringLiteral("-f"), QStringLiteral("-qq"), QStringLiteral("-o"),
                            QStringLiteral("/dev/null"), QStringLiteral("-e"),
                            QStringLiteral("inject=%1:signal=SIGKILL:when=%2").arg(syscall).arg(n), train()} +
                    newRun + QStringList{folder});
            killed += k.crashed || k.exitCode == 137 || k.exitCode == 128 + SIGKILL;
            QString problem = checkOneCompleteRun(folder, hidden);
            if (empty && !QFileInfo::exists(folder + QStringLiteral("/pairwise_ranker_metadata.json"))) {
                // Nothing before, nothing yet: no name of the run shows a file, and no reader lists it.
                problem.clear();
                hidden = m_old.hidden;
                for (const char *file : {"/pairwise_ranker.pth", "/pairwise_ranker.onnx"})
                    if (QFileInfo::exists(folder + QLatin1String(file)))
                        problem = QStringLiteral("a file without its metadata");
                if (!findMetadataFile(folder.toStdString()).empty() &&
                    QFileInfo(qs(findMetadataFile(folder.toStdString()))).fileName() ==
                        QLatin1String("pairwise_ranker_metadata.json"))
                    problem = QStringLiteral("listed without its files");
            }
            if (!problem.isEmpty())
                mixed << QStringLiteral("%1 #%2: %3").arg(syscall).arg(n).arg(problem);
            (hidden == m_old.hidden ? sawOld : sawNew) += problem.isEmpty();
            if (others() != othersBefore)
                mixed << QStringLiteral("%1 #%2: another run's or a person's file changed").arg(syscall).arg(n);
            // The next writer cleans up after the killed one and writes a complete run (checked after
            // every third kill and the last: a run of its own each time would double the suite's time).
            if (step % 3 != 0 && step + 1 != steps.size())
                continue;
            const Outcome next = runProcess(train(), newRun + QStringList{folder});
            QVERIFY2(next.exitCode == 0, qPrintable(describe(next)));
            QVERIFY2((why = checkOneCompleteRun(folder, hidden)).isEmpty() && hidden == m_new.hidden, qPrintable(why));
            const QStringList store =
                QDir(folder + QStringLiteral("/.pairwise_ranker.run"))
                    .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
            QVERIFY2(store.size() == 2, qPrintable(store.join(QLatin1Char(' ')))); // current and one generation
            QVERIFY(!QFileInfo::exists(folder + QLatin1Char('/') + QLatin1String(kRunFolderLockName)));
            QCOMPARE(others(), othersBefore);
        }
        QStringList points;
        for (const auto &[syscall, n] : steps)
            points << QStringLiteral("%1#%2").arg(syscall).arg(n);
        qInfo("%zu kill points (%d killed): the old run (or none) left %d times, the new one %d times, mixed %lld; "
              "at %s",
              steps.size(), killed, sawOld, sawNew, qlonglong(mixed.size()), qPrintable(points.join(QLatin1Char(' '))));
        QVERIFY2(mixed.isEmpty(), qPrintable(mixed.join(QLatin1Char('\n'))));
        QVERIFY(killed >= int(steps.size()) - 2); // each injection did kill (the last steps may be after exit)
        QVERIFY(sawOld > 0 && sawNew > 0);
    }

    void twoWritersOfOneOutput_oneRunAndAClearErrorForTheOther()
    {
        // Long enough that the two always overlap: a few seconds of training beyond the ~1 s a
        // process takes to start (600 epochs did with LibTorch's path; the fast CPU path trains them
        // in 30 ms, and then the second writer could start after the first had finished).
        const RunKind slowA = trainKind(path(QStringLiteral("two-ref-a")), 4, 30000);
        const RunKind slowB = trainKind(path(QStringLiteral("two-ref-b")), 6, 30000);
        QVERIFY(slowA.pthBytes > 0 && slowB.pthBytes > 0);
        const QString folder = path(QStringLiteral("two-writers"));
        auto args = [&](const RunKind &kind) {
            return QStringList{QStringLiteral("--input"),
                               m_kill,
                               QStringLiteral("--output"),
                               folder,
                               QStringLiteral("--embedding-dim"),
                               QStringLiteral("4"),
                               QStringLiteral("--hidden-dim"),
                               QString::number(kind.hidden),
                               QStringLiteral("--epochs"),
                               QString::number(kind.epochs),
                               QStringLiteral("--threads"),
                               QStringLiteral("1"),
                               QStringLiteral("--quiet"),
                               QStringLiteral("--patience"),
                               QStringLiteral("0"),
                               QStringLiteral("--no-refit")};
        };
        for (int round = 0; round < 4; ++round) {
            QDir(folder).removeRecursively();
            // Round 0: the second starts once the first holds the folder; then both at once, and
            // whichever locks it first trains while the other is told before it trains.
            QProcess a, b;
            a.start(train(), args(slowA));
            QVERIFY(a.waitForStarted());
            const qint64 pidA = a.processId();
            if (round == 0)
                QVERIFY(QTest::qWaitFor(
                    [&] { return QFileInfo::exists(folder + QLatin1Char('/') + QLatin1String(kRunFolderLockName)); },
                    30000));
            QElapsedTimer clock;
            clock.start();
            b.start(train(), args(slowB));
            QVERIFY(b.waitForStarted());
            const qint64 pidB = b.processId();
            for (QProcess *process : {&a, &b}) // (waitForFinished() is false for one already finished)
                QVERIFY(process->state() == QProcess::NotRunning || process->waitForFinished(120000));
            QCOMPARE(a.exitStatus(), QProcess::NormalExit);
            QCOMPARE(b.exitStatus(), QProcess::NormalExit);
            QVERIFY2((a.exitCode() == 0) != (b.exitCode() == 0),
                     qPrintable(QStringLiteral("exit codes %1 and %2").arg(a.exitCode()).arg(b.exitCode())));
            const bool aWon = a.exitCode() == 0;
            QProcess &loser = aWon ? b : a;
            QCOMPARE(loser.exitCode(), 1);
            const QString err = QString::fromUtf8(loser.readAllStandardError()).trimmed();
            QVERIFY2(err == QStringLiteral("ranker-train: error: %1 is being written by another ranker-train (pid %2)")
                                .arg(folder)
                                .arg(aWon ? pidA : pidB),
                     qPrintable(err));
            int hidden = 0;
            const QString why = checkOneCompleteRun(folder, slowA, slowB, hidden);
            QVERIFY2(why.isEmpty(), qPrintable(why));
            QCOMPARE(hidden, aWon ? slowA.hidden : slowB.hidden);
            QVERIFY(!QFileInfo::exists(folder + QLatin1Char('/') + QLatin1String(kRunFolderLockName)));
        }
    }

    void runFileNames_areTheOnesTheSetWrites()
    {
        // The run-folder code knows the set's names without linking core/metadata.cpp.
        const RunFiles files = RunFiles::forName("x");
        const std::vector<std::string> known = runFileNames("x");
        for (const std::string &file :
             {files.pth, files.onnx, files.metadata, files.features, files.module, files.types})
            QVERIFY2(std::find(known.begin(), known.end(), file) != known.end(), file.c_str());
        for (const std::string &file : known)
            QVERIFY(file.size() <= 1 + kLongestRunFileSuffix);
    }

    void staleTemporaries_ofDeadWritersOnly_areCleaned()
    {
        const QString folder = path(QStringLiteral("stale"));
        QDir(folder).removeRecursively();
        QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), m_model, folder});
        // What killed writers of earlier versions left, a live process's temporary, a person's file.
        QProcess dead;
        dead.start(QStringLiteral("true"), {});
        QVERIFY(dead.waitForStarted());
        const QString deadPid = QString::number(dead.processId());
        QVERIFY(dead.waitForFinished());
        const QString stale = folder + QStringLiteral("/pairwise_ranker.pth.tmp-%1-123456").arg(deadPid);
        const QString staleMetadata = folder + QStringLiteral("/pairwise_ranker_metadata.json.tmp-%1-7").arg(deadPid);
        const QString live =
            folder + QStringLiteral("/pairwise_ranker.onnx.tmp-%1-5").arg(QCoreApplication::applicationPid());
        const QString mine = folder + QStringLiteral("/pairwise_ranker.pth.tmp-notes");
        for (const QString &file : {stale, staleMetadata, live, mine})
            QVERIFY(writeBytes(file, "half a file"));
        // And a half-made generation of a killed writer of this version.
        QVERIFY(QDir().mkpath(folder + QStringLiteral("/.pairwise_ranker.run/g-1-2-3")));
        QVERIFY(writeBytes(folder + QStringLiteral("/.pairwise_ranker.run/g-1-2-3/pairwise_ranker.pth"), "half"));
        const Outcome o = runProcess(train(), QStringList{QStringLiteral("--input"), m_good, QStringLiteral("--output"),
                                                          folder, QStringLiteral("--quiet")} +
                                                  kTrainSettings);
        QVERIFY2(o.exitCode == 0, qPrintable(describe(o)));
        QVERIFY(!QFileInfo::exists(stale));
        QVERIFY(!QFileInfo::exists(staleMetadata));
        QVERIFY(QFileInfo::exists(live)); // its writer may still be writing
        QVERIFY(QFileInfo::exists(mine)); // not a temporary's name
        QVERIFY(!QFileInfo::exists(folder + QStringLiteral("/.pairwise_ranker.run/g-1-2-3")));
        QVERIFY(!readRunSummary(folder.toStdString()).broken);
    }
};

QTEST_MAIN(HostileInputsTest)
#include "tst_hostile_inputs.moc"
