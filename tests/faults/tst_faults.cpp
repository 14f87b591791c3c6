// Faults in the engine: a full disk during every kind of write, folders that cannot be written,
// and files that another program changes or removes while the engine reads or holds them. Each
// ends in an error that names the file and the reason, and nothing already saved changes.
#include "core/atomic_file.h"
#include "core/base/durable_file.h"
#include "core/error.h"
#include "core/label_document.h"
#include "core/model.h"
#include "core/onnx_export.h"
#include "core/pipeline.h"
#include "core/run_history.h"
#include "core/runs.h"
#include "faultsupport.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <sys/stat.h>

using namespace ranker;
using ranker::test::FileSizeLimit;

namespace {

// Before any thread starts: permissions apply even when the suite runs as root (CI does).
const bool g_obeysPermissions = test::obeyFilePermissions();

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

/// A training request on a small synthetic dataset, quick to run.
PipelineRequest smallRun(const std::string &input, const std::string &outputDir, int epochs = 2)
{
    PipelineRequest request;
    request.input = input;
    request.outputDir = outputDir;
    request.train.embeddingDim = 8;
    request.train.hiddenDim = 16;
    request.train.epochs = epochs;
    request.train.threads = 1;
    request.train.patience = 0; // every epoch, and the validated model exported
    request.train.refit = false;
    return request;
}

/// Counts epochs so that a test can prove training never started.
struct CountingObserver : PipelineObserver
{
    int epochs = 0;
    void onEpoch(const EpochReport &) override { ++epochs; }
};

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class FaultsTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_input;   ///< 400 pairs, D = 8
    QString m_previousRun; ///< a finished run: the files a failed run must not touch
    PipelineResult m_previous;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    /// A copy of the dataset as `pairs.jsonl` in a new folder `name`; empty when it cannot be made.
    QString datasetCopyIn(const QString &name) const
    {
        const QString folder = path(name);
        const QString file = QDir(folder).filePath(QStringLiteral("pairs.jsonl"));
        return QDir().mkpath(folder) && QFile::copy(QString::fromStdString(m_input), file) ? file : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(g_obeysPermissions);
        QVERIFY(m_dir.isValid());
        m_input = path(QStringLiteral("pairs.jsonl")).toStdString();
        test::SyntheticOptions o;
        test::writeSyntheticDataset(m_input, o);
        m_previousRun = path(QStringLiteral("previous"));
        PipelineObserver observer;
        m_previous = runPipeline(smallRun(m_input, m_previousRun.toStdString()), observer);
    }

    // --- A full disk (RLIMIT_FSIZE) during each kind of write -------------------------------

    void fullDisk_duringRunExport_keepsThePreviousRunAndTheTrainedModel()
    {
        const auto before = test::snapshot(m_previousRun);
        // A small network trained for many epochs: the .pth and .onnx fit under the limit, the
        // metadata (with its per-epoch figures) does not, so the disk fills at the last file.
        constexpr rlim_t kLimit = 11 * 1024;
        PipelineRequest request = smallRun(m_input, m_previousRun.toStdString(), 40);
        request.train.hiddenDim = 4;
        CountingObserver observer;
        std::shared_ptr<PipelineResult> trained;
        {
            FileSizeLimit full(kLimit);
            QVERIFY(full.isActive());
            try {
                runPipeline(request, observer);
                QFAIL("the export into a full disk succeeded");
            } catch (const ExportFailed &e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("File too large")), e.what());
                QVERIFY2(QString::fromUtf8(e.what()).contains(m_previousRun), e.what());
                QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("nothing was written")), e.what());
                trained = e.result;
            }
        }
        QCOMPARE(observer.epochs, 40);
        QCOMPARE(test::differences(before, test::snapshot(m_previousRun)), QStringList());

        // The trained run was not lost: it can be written elsewhere once there is room.
        QVERIFY(trained);
        QCOMPARE(trained->train.epochsCompleted, 40);
        const QString elsewhere = path(QStringLiteral("saved-elsewhere"));
        writeRunFiles(*trained, elsewhere.toStdString());
        QCOMPARE(qs(trained->runDir), elsewhere);
        QVERIFY(QFileInfo(qs(trained->pthPath)).size() < qint64(kLimit));
        QVERIFY(QFileInfo(qs(trained->onnxPath)).size() < qint64(kLimit));
        QVERIFY(QFileInfo(qs(trained->metadataPath)).size() > qint64(kLimit));
        const Checkpoint reloaded = loadCheckpoint(trained->pthPath);
        QCOMPARE(reloaded.weights.w1, trained->train.checkpoint.weights.w1);
        QCOMPARE(qs(checkOnnxFile(trained->onnxPath)), QString());
        const RunSummary summary = readRunSummary(elsewhere.toStdString());
        QVERIFY2(!summary.broken, summary.problem.c_str());
        QCOMPARE(summary.epochsDone, 40);
    }

    void fullDisk_duringAnyFileOfASet_writesNoneOfThem()
    {
        // The run's three files go through one AtomicFileSet: the third failing keeps the first two.
        const QString folder = path(QStringLiteral("set"));
        QVERIFY(QDir().mkpath(folder));
        const std::string a = QDir(folder).filePath(QStringLiteral("a")).toStdString();
        const std::string b = QDir(folder).filePath(QStringLiteral("b")).toStdString();
        const std::string c = QDir(folder).filePath(QStringLiteral("c")).toStdString();
        for (const std::string &file : {a, b, c})
            writeFileAtomically(file, "old " + file);
        const auto before = test::snapshot(folder);
        {
            FileSizeLimit full(1024);
            AtomicFileSet set;
            set.add(a, std::string(100, 'a'));
            set.add(b, std::string(100, 'b'));
            try {
                set.add(c, std::string(4096, 'c'));
                QFAIL("a write past the limit succeeded");
            } catch (const Error &e) {
                QVERIFY2(QString::fromUtf8(e.what()).startsWith(qs(c + ": cannot write: File too large")), e.what());
            }
        } // the set goes away uncommitted
        QCOMPARE(test::differences(before, test::snapshot(folder)), QStringList());
    }

    void fullDisk_duringCheckpointAndOnnxWrites_keepsTheOldFiles()
    {
        const std::string pth = m_previous.pthPath, onnx = m_previous.onnxPath;
        const auto before = test::snapshot(m_previousRun);
        {
            FileSizeLimit full(2048);
            QVERIFY_THROWS_EXCEPTION(Error, saveCheckpoint(pth, m_previous.train.checkpoint));
            QVERIFY_THROWS_EXCEPTION(Error, writeOnnx(onnx, m_previous.train.checkpoint.weights, {}));
        }
        QCOMPARE(test::differences(before, test::snapshot(m_previousRun)), QStringList());
    }

    void fullDisk_duringRunNotes_keepsTheOldNotes()
    {
        const std::string run = m_previousRun.toStdString();
        RunNotes notes;
        notes.displayName = "baseline";
        notes.notes = "first try";
        writeRunNotes(run, notes);
        const auto before = test::snapshot(m_previousRun);
        RunNotes longer = notes;
        longer.notes = std::string(8192, 'n');
        {
            FileSizeLimit full(1024);
            try {
                writeRunNotes(run, longer);
                QFAIL("notes written past the limit");
            } catch (const Error &e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String(kRunNotesFileName)), e.what());
                QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("File too large")), e.what());
            }
        }
        QCOMPARE(test::differences(before, test::snapshot(m_previousRun)), QStringList());
        QVERIFY(readRunNotes(run) == notes);
    }

    void fullDisk_duringDatasetSave_keepsTheFileAndItsBackup()
    {
        const QString file = datasetCopyIn(QStringLiteral("review-save"));
        QVERIFY(!file.isEmpty());
        const QString folder = QFileInfo(file).path();
        LabelDocument doc;
        doc.open(file.toStdString(), 8);
        doc.setLabel(0, doc.row(0).label == 1 ? -1 : 1);
        doc.save(); // makes pairs.jsonl.bak
        doc.setLabel(1, doc.row(1).label == 1 ? -1 : 1);
        const auto before = test::snapshot(folder);
        {
            FileSizeLimit full(16 * 1024); // the file is larger
            try {
                doc.save();
                QFAIL("saved past the limit");
            } catch (const FileChangedOnDisk &) {
                QFAIL("not a conflict");
            } catch (const Error &e) {
                QVERIFY2(QString::fromUtf8(e.what()).startsWith(file + QStringLiteral(": cannot save: File too large")),
                         e.what());
                QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("not changed")), e.what());
            }
            // Save As onto another existing file, and an export of rows, fail the same way.
            const QString other = QDir(folder).filePath(QStringLiteral("pairs.jsonl.bak"));
            QVERIFY_THROWS_EXCEPTION(Error, doc.saveAs(other.toStdString()));
            std::vector<int32_t> all;
            for (int32_t r = 0; r < doc.rowCount(); ++r)
                all.push_back(r);
            QVERIFY_THROWS_EXCEPTION(Error, doc.exportRows(other.toStdString(), all));
        }
        QCOMPARE(test::differences(before, test::snapshot(folder)), QStringList());
        QVERIFY(doc.hasUnsavedChanges());
        doc.save();
        QVERIFY(!doc.hasUnsavedChanges());
    }

    void temporariesOfTheSameName_areLeftAloneAndAnotherNameIsTaken()
    {
        // A dead process of our PID may have left TARGET.tmp-PID-N files: a writer must not open,
        // truncate or remove them, but take the next name.
        const QString folder = path(QStringLiteral("same-name"));
        QVERIFY(QDir().mkpath(folder));
        const std::string target = QDir(folder).filePath(QStringLiteral("notes.txt")).toStdString();
        const std::string probe = temporaryNameFor(target); // the counter's current value
        const long next = std::stol(probe.substr(probe.rfind('-') + 1)) + 1;
        const std::string stem = probe.substr(0, probe.rfind('-') + 1);
        std::vector<std::string> theirs;
        for (long n = next; n < next + 3; ++n) {
            theirs.push_back(stem + std::to_string(n));
            QCOMPARE(writeNewFile(theirs.back(), "theirs\n"), 0);
        }
        {
            NewFile clash(theirs.front()); // O_EXCL: refused, and not removed when it goes away
            QCOMPARE(clash.error(), EEXIST);
        }
        writeFileAtomically(target, "mine\n");
        QCOMPARE(readFile(target), std::string("mine\n"));
        for (const std::string &file : theirs)
            QCOMPARE(readFile(file), std::string("theirs\n"));
        // Nothing else is left: the target and the three files that were there.
        QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden).size(), 4);
    }

    void fullDisk_duringJournal_keepsTheEditAndSaysSo()
    {
        const QString file = datasetCopyIn(QStringLiteral("journal"));
        QVERIFY(!file.isEmpty());
        LabelDocument doc;
        doc.open(file.toStdString(), 8);
        const int flipped = doc.row(3).label == 1 ? -1 : 1;
        {
            FileSizeLimit full(0); // not even the journal's header fits
            doc.setLabel(3, flipped);
        }
        QVERIFY2(qs(doc.journalProblem()).startsWith(qs(doc.journalPath()) + QStringLiteral(": File too large")),
                 doc.journalProblem().c_str());
        QCOMPARE(doc.row(3).label, flipped); // the edit itself is kept
        QVERIFY(doc.hasUnsavedChanges());
        doc.save();
        LabelDocument reopened;
        reopened.open(file.toStdString(), 8);
        QCOMPARE(reopened.row(3).label, flipped);
        QCOMPARE(reopened.pendingJournalEdits(), 0);
    }

    void fullDisk_duringCommandLineExport_failsWithOneLineAndKeepsThePreviousRun()
    {
        const auto before = test::snapshot(m_previousRun);
        QProcess train;
        train.setProcessChannelMode(QProcess::SeparateChannels);
        {
            FileSizeLimit full(4096); // inherited by the child process
            train.start(test::binaryPath("app/ranker-train"),
                        {QStringLiteral("--input"), qs(m_input), QStringLiteral("--output"), m_previousRun,
                         QStringLiteral("--embedding-dim"), QStringLiteral("8"), QStringLiteral("--hidden-dim"),
                         QStringLiteral("16"), QStringLiteral("--epochs"), QStringLiteral("2"),
                         QStringLiteral("--quiet")});
            QVERIFY(train.waitForStarted());
        }
        QVERIFY(train.waitForFinished(120000));
        QCOMPARE(train.exitCode(), 1);
        const QString err = QString::fromUtf8(train.readAllStandardError()).trimmed();
        QCOMPARE(err.count(QLatin1Char('\n')), 0);
        QVERIFY2(err.contains(QStringLiteral("File too large")) && err.contains(m_previousRun), qPrintable(err));
        QCOMPARE(test::differences(before, test::snapshot(m_previousRun)), QStringList());
    }

    // --- Folders that cannot be written ------------------------------------------------------

    void unwritableOutputFolder_failsBeforeTraining()
    {
        const QString folder = path(QStringLiteral("read-only"));
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        QVERIFY(test::refusesNewFiles(folder));
        CountingObserver observer;
        for (const QString &out : {folder, folder + QStringLiteral("/runs/new-run")}) {
            try {
                runPipeline(smallRun(m_input, out.toStdString()), observer);
                QFAIL("trained into a read-only folder");
            } catch (const Error &e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("Permission denied")), e.what());
                QVERIFY2(QString::fromUtf8(e.what()).startsWith(out) || QString::fromUtf8(e.what()).startsWith(folder),
                         e.what());
            }
        }
        QCOMPARE(observer.epochs, 0);
        QCOMPARE(test::snapshot(folder).size(), 0);
        QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    void unwritableRunFolder_notesFailWithTheReason()
    {
        const QString run = path(QStringLiteral("read-only-run"));
        PipelineObserver observer;
        runPipeline(smallRun(m_input, run.toStdString()), observer);
        const auto before = test::snapshot(run);
        QVERIFY(QFile::setPermissions(run, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        RunNotes notes;
        notes.notes = "cannot be kept";
        try {
            writeRunNotes(run.toStdString(), notes);
            QFAIL("notes written into a read-only folder");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("Permission denied")), e.what());
        }
        // The run itself still reads as it was.
        QVERIFY(!readRun(run.toStdString()).broken);
        QFile::setPermissions(run, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QCOMPARE(test::differences(before, test::snapshot(run)), QStringList());
    }

    void unwritableDatasetFolder_saveFailsAndJournalSaysSo()
    {
        const QString file = datasetCopyIn(QStringLiteral("read-only-data"));
        QVERIFY(!file.isEmpty());
        const QString folder = QFileInfo(file).path();
        QVERIFY(QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        const auto before = test::snapshot(folder);
        LabelDocument doc;
        doc.open(file.toStdString(), 8);
        doc.setLabel(0, doc.row(0).label == 1 ? -1 : 1);
        QVERIFY2(qs(doc.journalProblem()).contains(QStringLiteral("Permission denied")), doc.journalProblem().c_str());
        try {
            doc.save();
            QFAIL("saved into a read-only folder");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).startsWith(file + QStringLiteral(": cannot save: Permission denied")),
                     e.what());
        }
        QVERIFY(doc.hasUnsavedChanges());
        QCOMPARE(test::differences(before, test::snapshot(folder)), QStringList());
        // Save As somewhere writable keeps the work.
        const QString elsewhere = path(QStringLiteral("saved-as.jsonl"));
        doc.saveAs(elsewhere.toStdString());
        QVERIFY(!doc.hasUnsavedChanges());
        QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    // --- A dataset that changes or goes away while it is being read ---------------------------

    void datasetRemovedWhileLoading_readsItAllAndWarns()
    {
        const QString file = path(QStringLiteral("big-removed.jsonl"));
        test::SyntheticOptions o;
        o.dim = 1536; // about 15 MB: several reads, progress reported in between
        test::writeSyntheticDataset(file.toStdString(), o);
        const Dataset intact = loadDataset(file.toStdString(), LoadOptions{});
        LoadOptions options;
        int calls = 0;
        bool removedHalfWay = false;
        options.progress = [&](uint64_t done, uint64_t total) {
            if (calls++ == 0)
                removedHalfWay = done < total && QFile::remove(file);
            return true;
        };
        const Dataset ds = loadDataset(file.toStdString(), options);
        QVERIFY(removedHalfWay);
        QVERIFY(!QFile::exists(file));
        QCOMPARE(ds.pairs.size(), intact.pairs.size());
        QCOMPARE(qs(ds.sha256), qs(intact.sha256));
        QCOMPARE(ds.warnings.size(), size_t(1));
        QCOMPARE(ds.warnings[0].line, 0);
        QVERIFY2(qs(ds.warnings[0].reason).contains(QStringLiteral("removed while it was being read")),
                 ds.warnings[0].reason.c_str());
    }

    void datasetRewrittenWhileLoading_isRefusedWithTheReason()
    {
        const QString file = path(QStringLiteral("big-rewritten.jsonl"));
        test::SyntheticOptions o;
        o.dim = 1536;
        test::writeSyntheticDataset(file.toStdString(), o);
        LoadOptions options;
        bool rewritten = false;
        options.progress = [&](uint64_t, uint64_t) {
            if (!rewritten) {
                rewritten = true;
                // Another program rewrites it in place, shorter (as an editor saving over it does).
                QFile f(file);
                if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
                    f.write("{\"item_a\": {\"id\": \"x\"}, \"item_b\": {\"id\": \"y\"}, \"label\": 1}\n");
            }
            return true;
        };
        try {
            loadDataset(file.toStdString(), options);
            QFAIL("a file rewritten while it was read was loaded");
        } catch (const Cancelled &) {
            QFAIL("not a cancel");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).startsWith(
                         file + QStringLiteral(": the file changed while it was being read")),
                     e.what());
        }
        QVERIFY(rewritten);
    }

    void datasetReplacedWhileLoading_keepsTheVersionReadAndWarns()
    {
        const QString file = path(QStringLiteral("big-replaced.jsonl"));
        const QString other = path(QStringLiteral("other.jsonl"));
        test::SyntheticOptions o;
        o.dim = 1536;
        test::writeSyntheticDataset(file.toStdString(), o);
        QVERIFY(QFile::copy(qs(m_input), other));
        const Dataset intact = loadDataset(file.toStdString(), LoadOptions{});
        LoadOptions options;
        bool replaced = false;
        options.progress = [&](uint64_t, uint64_t) {
            if (!replaced)
                replaced = std::rename(qPrintable(other), qPrintable(file)) == 0;
            return true;
        };
        const Dataset ds = loadDataset(file.toStdString(), options);
        QVERIFY(replaced);
        QCOMPARE(qs(ds.sha256), qs(intact.sha256));
        QCOMPARE(ds.warnings.size(), size_t(1));
        QVERIFY2(qs(ds.warnings[0].reason).contains(QStringLiteral("replaced")), ds.warnings[0].reason.c_str());
    }

    // --- A file under review changed by another program ---------------------------------------

    void reviewFileReplacedOnDisk_saveAsksBeforeOverwriting()
    {
        const QString file = datasetCopyIn(QStringLiteral("conflict-replaced"));
        QVERIFY(!file.isEmpty());
        LabelDocument doc;
        doc.open(file.toStdString(), 8);
        QCOMPARE(doc.diskState(), LabelDocument::DiskState::Unchanged);
        const int mine = doc.row(2).label == 1 ? -1 : 1;
        doc.setLabel(2, mine);

        // Another program saves its own version the safe way: a new file renamed over ours.
        QByteArray theirs = readAll(file);
        theirs.replace("\"similarity\": 0.5", "\"similarity\": 0.75");
        const QString tmp = file + QStringLiteral(".theirs");
        QFile out(tmp);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(theirs);
        out.close();
        QCOMPARE(std::rename(qPrintable(tmp), qPrintable(file)), 0);
        QCOMPARE(doc.diskState(), LabelDocument::DiskState::Replaced);

        try {
            doc.save();
            QFAIL("saved over another program's version without being told to");
        } catch (const FileChangedOnDisk &e) {
            QVERIFY(e.canOverwrite);
            QVERIFY2(QString::fromUtf8(e.what()).startsWith(file + QStringLiteral(": another program changed")),
                     e.what());
        }
        QCOMPARE(readAll(file), theirs);
        QVERIFY(doc.hasUnsavedChanges());

        // Told to: ours is written, theirs is kept as the backup.
        doc.save(true);
        QCOMPARE(readAll(file + QStringLiteral(".bak")), theirs);
        LabelDocument reopened;
        reopened.open(file.toStdString(), 8);
        QCOMPARE(reopened.row(2).label, mine);
        QCOMPARE(doc.diskState(), LabelDocument::DiskState::Unchanged);
    }

    void reviewFileRewrittenInPlace_refusesToSaveAndEditsCarryOverToTheNewVersion()
    {
        const QString file = datasetCopyIn(QStringLiteral("conflict-in-place"));
        QVERIFY(!file.isEmpty());
        LabelDocument doc;
        doc.open(file.toStdString(), 8);
        const int mine = doc.row(5).label == 1 ? -1 : 1;
        doc.setLabel(5, mine);
        doc.setTags(5, {"checked"});
        doc.setRemoved(9, true);

        // Another program rewrites the file in place: it drops the first two lines.
        QList<QByteArray> lines = readAll(file).split('\n');
        lines.removeFirst();
        lines.removeFirst();
        const QByteArray theirs = lines.join('\n');
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(theirs);
        }
        QCOMPARE(doc.diskState(), LabelDocument::DiskState::ModifiedInPlace);
        for (bool overwrite : {false, true}) {
            try {
                doc.save(overwrite);
                QFAIL("saved with lines it can no longer read");
            } catch (const FileChangedOnDisk &e) {
                QVERIFY(!e.canOverwrite);
                QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("rewrote the file in place")), e.what());
            }
        }
        QVERIFY_THROWS_EXCEPTION(FileChangedOnDisk, doc.saveAs(path(QStringLiteral("elsewhere.jsonl")).toStdString()));
        QCOMPARE(readAll(file), theirs);

        // Reopening the new version and carrying the edits over, matched by the items' ids.
        const std::vector<PairEdit> edits = doc.unsavedEdits();
        QCOMPARE(edits.size(), size_t(2));
        LabelDocument reopened;
        reopened.open(file.toStdString(), 8);
        QCOMPARE(reopened.applyEdits(edits).size(), size_t(0));
        QCOMPARE(reopened.row(3).label, mine); // two lines up
        QCOMPARE(reopened.row(3).tags, std::vector<std::string>{"checked"});
        QVERIFY(reopened.row(7).removed);
        QCOMPARE(qs(reopened.dataset().items[size_t(reopened.row(3).a)].id),
                 qs(doc.dataset().items[size_t(doc.row(5).a)].id));
        reopened.save();
        QVERIFY(theirs.endsWith('\n'));
        QCOMPARE(readAll(file).count('\n'), theirs.count('\n') - 1); // the removed pair
    }

    void reviewFileRemovedOnDisk_saveWritesItAgain()
    {
        const QString file = datasetCopyIn(QStringLiteral("conflict-removed"));
        QVERIFY(!file.isEmpty());
        const QByteArray original = readAll(file);
        LabelDocument doc;
        doc.open(file.toStdString(), 8);
        const int mine = doc.row(0).label == 1 ? -1 : 1;
        doc.setLabel(0, mine);
        QVERIFY(QFile::remove(file));
        QCOMPARE(doc.diskState(), LabelDocument::DiskState::Removed);
        doc.save(); // nothing of anyone's is overwritten
        QVERIFY(!QFile::exists(file + QStringLiteral(".bak")));
        QCOMPARE(doc.diskState(), LabelDocument::DiskState::Unchanged);
        const QByteArray saved = readAll(file);
        QCOMPARE(saved.count('\n'), original.count('\n'));
        QCOMPARE(saved.mid(saved.indexOf('\n')), original.mid(original.indexOf('\n'))); // all but line 1
        LabelDocument reopened;
        reopened.open(file.toStdString(), 8);
        QCOMPARE(reopened.row(0).label, mine);
    }
};

QTEST_GUILESS_MAIN(FaultsTest)
#include "tst_faults.moc"
