// One dataset, one document (issue 13): time, memory and bytes read to open a large file in the
// studio with both the Dataset and the Review place used, then to save one edit. Prints numbers.
//   document-bench [FILE=/tmp/bench-data/large.jsonl] [--separate]
// --separate makes the Review place read the file itself (ReviewPanel::openFile), as it did
// before the places shared the window's dataset: the two runs compare the designs.

#include "core/dataset.h"
#include "core/label_document.h"
#include "ui/mainwindow.h"
#include "ui/review/reviewdocument.h"
#include "ui/review/reviewpanel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

/// A field of /proc/self/status (kB) or /proc/self/io (bytes).
double procField(const char *file, const char *key)
{
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0)
            return std::stod(line.substr(std::string(key).size()));
    return -1;
}

double mib(double kB)
{
    return kB / 1024;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir home;
    qputenv("HOME", home.path().toUtf8());
    QString path = QStringLiteral("/tmp/bench-data/large.jsonl");
    bool separate = false;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (arg == QLatin1String("--separate"))
            separate = true;
        else
            path = arg;
    }
    // A copy: the save must not change the benchmark's file.
    const QString copy = home.filePath(QStringLiteral("bench.jsonl"));
    if (!QFile::copy(path, copy)) {
        std::fprintf(stderr, "document-bench: cannot copy %s\n", qPrintable(path));
        return 1;
    }
    const double bytes = double(QFileInfo(copy).size());

    ranker::ui::MainWindow window;
    window.resize(1280, 820);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;
    auto *review = window.findChild<ranker::ui::ReviewPanel *>(QStringLiteral("reviewPanel"));
    QSignalSpy opened(review, &ranker::ui::ReviewPanel::fileOpened);
    const double readBefore = procField("/proc/self/io", "rchar:");
    const double rssBefore = procField("/proc/self/status", "VmRSS:");
    QElapsedTimer clock;
    clock.start();
    window.openDataset(copy);
    if (!QTest::qWaitFor([&] { return window.dataset() != nullptr; }, 600000))
        return 1;
    const double datasetMs = double(clock.nsecsElapsed()) / 1e6;
    window.setPlace(ranker::ui::MainWindow::ReviewPlace);
    if (separate) {
        // The window may have started the shared open already: read it again the old way.
        if (!QTest::qWaitFor([&] { return opened.size() > 0; }, 600000))
            return 1;
        opened.clear();
        review->openFile(copy, window.dataset()->embeddingDim);
    }
    if (!QTest::qWaitFor([&] { return opened.size() > 0; }, 600000))
        return 1;
    const double bothMs = double(clock.nsecsElapsed()) / 1e6;
    const double read = procField("/proc/self/io", "rchar:") - readBefore;
    const double hwm = procField("/proc/self/status", "VmHWM:");
    const double rss = procField("/proc/self/status", "VmRSS:");
    std::printf("file %.0f MiB, %s\n", bytes / 1048576,
                separate ? "Review reads the file itself (--separate)" : "Review edits the window's dataset");
    std::printf("open in Dataset place   %8.0f ms\n", datasetMs);
    std::printf("… and in Review place   %8.0f ms\n", bothMs);
    std::printf("bytes read               %7.2f × the file\n", read / bytes);
    std::printf("memory: RSS +%.0f MiB, peak %.0f MiB\n", mib(rss - rssBefore), mib(hwm));

    // One edit, saved: the window takes the saved dataset (or, --separate, reads the file again).
    ranker::ui::ReviewDocument *doc = review->document();
    doc->setLabel(0, doc->data().row(0).label == 1 ? -1 : 1);
    const double readBeforeSave = procField("/proc/self/io", "rchar:");
    clock.restart();
    if (separate) {
        const auto before = window.dataset();
        doc->data().save();
        window.openDataset(copy); // what the window did on a Review save before
        if (!QTest::qWaitFor([&] { return window.dataset() != before; }, 600000))
            return 1;
    } else {
        const QString error = doc->save();
        if (!error.isEmpty() || window.dataset() != doc->data().sharedDataset()) {
            std::fprintf(stderr, "document-bench: save: %s\n", qPrintable(error));
            return 1;
        }
    }
    const double saveMs = double(clock.nsecsElapsed()) / 1e6;
    std::printf("save one edit, every place current %6.0f ms, %.2f × the file read\n", saveMs,
                (procField("/proc/self/io", "rchar:") - readBeforeSave) / bytes);
    std::printf("peak memory after save %.0f MiB\n", mib(procField("/proc/self/status", "VmHWM:")));
    return 0;
}
