// Review panel benchmark (issue 5): opening a large pairs file in the document and in the panel,
// moving to the next pair, the consistency checks and a save. Prints the numbers.
//   review-bench [FILE=/tmp/bench-data/large.jsonl] [EMBEDDING_DIM=1536]

#include "core/label_document.h"
#include "ui/review/reviewdocument.h"
#include "ui/review/reviewpanel.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

namespace {

/// VmRSS and VmHWM of this process, in MiB.
std::pair<double, double> memoryMiB()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    double rss = 0, hwm = 0;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            rss = std::stod(line.substr(6)) / 1024;
        if (line.rfind("VmHWM:", 0) == 0)
            hwm = std::stod(line.substr(6)) / 1024;
    }
    return {rss, hwm};
}

/// CPU time of the calling thread, in ms: what a step costs, whatever else the machine runs.
double cpuMs()
{
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double ms(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

void printStats(const char *what, std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v)
        sum += x;
    std::printf("%-34s mean %7.3f ms  median %7.3f ms  p95 %7.3f ms  max %7.3f ms  (n=%zu)\n", what,
                sum / double(v.size()), v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)], v.back(),
                v.size());
}

} // namespace

int main(int argc, char **argv)
{
    {
        std::ifstream load("/proc/loadavg");
        std::string avg;
        std::getline(load, avg);
        std::printf("load average: %s\n", avg.c_str());
    }
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    std::string path = argc > 1 ? argv[1] : "/tmp/bench-data/large.jsonl";
    int dim = argc > 2 ? std::atoi(argv[2]) : 1536;
    std::printf("file %s, embedding dim %d\n", path.c_str(), dim);
    auto [rss0, hwm0] = memoryMiB();
    std::printf("memory at start: RSS %.0f MiB\n", rss0);

    // 1. The document alone.
    {
        QElapsedTimer load;
        load.start();
        ranker::LoadOptions options;
        options.embeddingDim = dim;
        ranker::Dataset ds = ranker::loadDataset(path, options);
        std::printf("loadDataset alone (for reference):  %9.1f ms\n", ms(load));
    }
    {
        ranker::LabelDocument doc;
        QElapsedTimer t;
        t.start();
        doc.open(path, dim);
        double openMs = ms(t);
        auto [rss, hwm] = memoryMiB();
        const ranker::Dataset &ds = doc.dataset();
        std::printf("document open:                     %9.1f ms  (%d pairs, %zu items, %.0f MB file, %.0f MB/s)\n",
                    openMs, doc.rowCount(), ds.items.size(), double(ds.fileBytes) / 1e6,
                    double(ds.fileBytes) / 1e3 / openMs);
        std::printf("memory after open: RSS %.0f MiB (peak %.0f MiB); document %.2f MiB + item embeddings %.1f MiB\n",
                    rss, hwm, double(doc.approximateBytes()) / 1048576.0,
                    double(ds.embeddings.size() * sizeof(float)) / 1048576.0);
        t.restart();
        ranker::ConsistencyReport report = doc.checkConsistency();
        std::printf(
            "consistency checks:                %9.1f ms  (%lld contradictions, %lld cycles%s, %lld reused ids)\n",
            ms(t), (long long)report.contradictions, (long long)report.cycles,
            report.cyclesCapped ? " listed, more exist" : "", (long long)report.reusedIds);
        std::vector<double> lineMs;
        for (int32_t r = 0; r < std::min<int32_t>(doc.rowCount(), 200); ++r) {
            doc.setLabel(r, doc.row(r).label == 1 ? -1 : 1);
            t.restart();
            std::string text = doc.lineText(r);
            lineMs.push_back(ms(t));
        }
        printStats("patch one edited line (read+scan):", lineMs);
        QTemporaryDir dir(QString::fromStdString(path.substr(0, path.rfind('/')) + "/review-bench-XXXXXX"));
        if (dir.isValid()) {
            std::string out = dir.filePath(QStringLiteral("saved.jsonl")).toStdString();
            t.restart();
            doc.saveAs(out);
            std::printf("save (200 edited lines, streamed): %9.1f ms\n", ms(t));
        }
    }

    // 2. The panel, offscreen.
    ranker::ui::ReviewPanel panel;
    panel.setJournalPolicy(ranker::ui::ReviewPanel::JournalPolicy::Discard);
    panel.resize(1400, 900);
    panel.show();
    QApplication::processEvents();
    QElapsedTimer t;
    t.start();
    {
        QEventLoop loop;
        QObject::connect(&panel, &ranker::ui::ReviewPanel::fileOpened, &loop, &QEventLoop::quit);
        QObject::connect(&panel, &ranker::ui::ReviewPanel::openFailed, &loop, &QEventLoop::quit);
        panel.openFile(QString::fromStdString(path), dim); // on a worker thread
        loop.exec();
    }
    QApplication::processEvents();
    std::printf("panel open (document + views):     %9.1f ms\n", ms(t));
    auto [rss1, hwm1] = memoryMiB();
    std::printf("memory with the panel open: RSS %.0f MiB (peak %.0f MiB)\n", rss1, hwm1);

    QAction *next = panel.findChild<QAction *>(QStringLiteral("actionNext"));
    QAction *prefer = panel.findChild<QAction *>(QStringLiteral("actionPreferA"));
    std::vector<double> nextMs, nextCpuMs, paintMs, labelMs, labelCpuMs;
    for (int i = 0; i < 300; ++i) {
        t.restart();
        double cpu0 = cpuMs();
        next->trigger();
        QApplication::processEvents();
        nextMs.push_back(ms(t));
        nextCpuMs.push_back(cpuMs() - cpu0);
    }
    for (int i = 0; i < 100; ++i) {
        t.restart();
        next->trigger();
        panel.repaint(); // the whole panel painted, synchronously
        paintMs.push_back(ms(t));
    }
    for (int i = 0; i < 100; ++i) {
        t.restart();
        double cpu0 = cpuMs();
        prefer->trigger(); // label and move on
        QApplication::processEvents();
        labelMs.push_back(ms(t));
        labelCpuMs.push_back(cpuMs() - cpu0);
    }
    printStats("panel next pair (update+events):", nextMs);
    printStats("  same, GUI thread CPU time:", nextCpuMs);
    printStats("panel next pair + full repaint:", paintMs);
    printStats("panel label + next pair:", labelMs);
    printStats("  same, GUI thread CPU time:", labelCpuMs);
    t.restart();
    panel.findChild<QAction *>(QStringLiteral("actionCheck"))->trigger();
    std::printf("panel consistency checks + list:   %9.1f ms\n", ms(t));
    panel.document()->discardJournal();
    return 0;
}
