// Every input in the fuzzers' corpus — the seeds and each crash the fuzzers found, once fixed —
// runs through the same entry points in the normal build, so a fixed crash stays fixed.
#include "core/dataset.h"
#include "core/error.h"
#include "core/runs.h"
#include "fuzz/checkpoint_check.h"
#include "fuzz/relabel_check.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace ranker;

class FuzzRegressionTest final : public QObject
{
    Q_OBJECT

    static QStringList corpus(const char *name)
    {
        QDir dir(test::sourcePath("tests/fuzz/corpus/") + QString::fromUtf8(name));
        QStringList files;
        for (const QString &file : dir.entryList(QDir::Files, QDir::Name))
            files << dir.filePath(file);
        return files;
    }

private Q_SLOTS:
    void datasetLines_giveAPairOrAReason()
    {
        const QStringList files = corpus("dataset_line");
        QVERIFY(files.size() >= 10);
        int valid = 0;
        for (const QString &path : files) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const std::string line = file.readAll().toStdString();
            const std::string reason = validateLine(line, 3);
            valid += reason.empty();
            // The Review place's relabelling keeps a valid line valid, byte for byte elsewhere.
            if (reason.empty()) {
                const std::string problem = fuzz::relabelProblem(line, 3);
                QVERIFY2(problem.empty(), qPrintable(path + QStringLiteral(": ") + QString::fromStdString(problem)));
            }
        }
        QVERIFY(valid >= 1);           // the good seeds pass
        QVERIFY(valid < files.size()); // and the broken ones do not
    }

    void datasetFiles_loadWithConsistentDiagnostics()
    {
        for (const QString &path : corpus("dataset_file")) {
            LoadOptions options;
            options.embeddingDim = 3;
            options.maxLineBytes = 4096;
            try {
                const Dataset ds = loadDataset(path.toStdString(), options);
                for (const Pair &p : ds.pairs) {
                    QVERIFY(p.a >= 0 && size_t(p.a) < ds.items.size());
                    QVERIFY(p.b >= 0 && size_t(p.b) < ds.items.size());
                }
                for (const Diagnostic &d : ds.skipped)
                    QVERIFY2(!d.reason.empty() && d.line >= 1 && d.line <= ds.lines, qPrintable(path));
            } catch (const Error &) {
            }
        }
    }

    void metadataFiles_giveARunOrABrokenRunWithAReason()
    {
        const QStringList files = corpus("metadata");
        QVERIFY(files.size() >= 4);
        int broken = 0;
        for (const QString &path : files) {
            QTemporaryDir dir;
            QVERIFY(QFile::copy(path, dir.filePath(QStringLiteral("run_metadata.json"))));
            const RunInfo run = readRun(dir.path().toStdString());
            if (run.broken) {
                ++broken;
                QVERIFY2(!run.problem.empty(), qPrintable(path));
            }
        }
        QVERIFY(broken >= 1);
        QVERIFY(broken < files.size()); // the real metadata reads as a run
        // And listing a workspace of them never throws either.
        QTemporaryDir workspace;
        for (int i = 0; i < files.size(); ++i) {
            QDir(workspace.path()).mkpath(QString::number(i));
            QFile::copy(files[i], workspace.filePath(QString::number(i) + QStringLiteral("/x_metadata.json")));
        }
        QCOMPARE(int(listRuns(workspace.path().toStdString()).size()), files.size());
    }

    void checkpoints_giveAWholeModelOrOneLineNamingTheFile()
    {
        const QStringList files = corpus("checkpoint");
        QVERIFY(files.size() >= 10);
        int accepted = 0;
        for (const QString &path : files) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const std::string bytes = file.readAll().toStdString();
            const std::string problem = fuzz::checkpointProblem(bytes);
            QVERIFY2(problem.empty(), qPrintable(path + QStringLiteral(": ") + QString::fromStdString(problem)));
            pth::ReadOptions options;
            options.metadata = [] { return pth::MetadataFile{"fuzz_metadata.json", fuzz::kFuzzMetadata}; };
            try {
                (void)pth::parseCheckpoint(
                    path.endsWith(QStringLiteral(".pth")) ? bytes : fuzz::archiveAroundPickle(bytes), "x.pth", options);
                ++accepted;
            } catch (const Error &) {
            }
        }
        // Every seed from the two writers reads, whole or as its bare pickle (the found inputs do not).
        QVERIFY2(accepted >= 10, qPrintable(QString::number(accepted)));
        QVERIFY(accepted < files.size());
    }
};

QTEST_GUILESS_MAIN(FuzzRegressionTest)
#include "tst_fuzz_regressions.moc"
