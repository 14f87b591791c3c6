#include "ui/datasetloader.h"

#include "core/base/regular_file.h"
#include "core/dataset.h"
#include "core/error.h"
#include "core/json_syntax.h"
#include "core/trainer.h"
#include "ui/threadpriority.h"

#include <QElapsedTimer>

#include <nlohmann/json.hpp>

#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

namespace ranker::ui {

namespace {
/// detectEmbeddingDim() looks at lines up to this long (a D = 1536 pair line is about 45 KB).
constexpr size_t kDetectMaxLineBytes = 16u << 20;
} // namespace

int detectEmbeddingDim(const QString &path, int maxLines)
{
    // The same files loadDataset() accepts: a FIFO, /dev/zero or a folder gives 0 here, and the
    // load that follows says what it is.
    int fd = -1;
    try {
        fd = openRegularFile(path.toStdString());
    } catch (const std::exception &) {
        return 0;
    }
    auto lengthOf = [](const nlohmann::json &item) -> int {
        if (!item.is_object())
            return 0;
        const auto it = item.find("embedding");
        if (it == item.end() || !it->is_array() || it->empty())
            return 0;
        return int(it->size());
    };
    JsonSyntaxOptions syntax;
    syntax.maxDepth = 64; // a pair needs 4 levels: nothing deeper is parsed into a DOM
    int seen = 0, found = 0;
    auto look = [&](const std::string &line) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            return;
        ++seen;
        if (checkJsonSyntax(line, syntax))
            return;
        const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_object())
            return;
        for (const char *key : {"item_a", "item_b"})
            if (found == 0 && j.contains(key))
                found = lengthOf(j[key]);
        if (found == 0)
            found = lengthOf(j);
    };
    // Only the first lines are looked at, each bounded: a line without end is not read to it.
    std::string line;
    bool tooLong = false;
    std::vector<char> buffer(1 << 16);
    for (ssize_t got; found == 0 && seen < maxLines && (got = ::read(fd, buffer.data(), buffer.size())) > 0;) {
        const char *p = buffer.data(), *end = p + got;
        while (p < end && found == 0 && seen < maxLines) {
            const char *nl = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
            const char *stop = nl ? nl : end;
            if (line.size() + size_t(stop - p) <= kDetectMaxLineBytes)
                line.append(p, size_t(stop - p));
            else
                tooLong = true;
            p = nl ? nl + 1 : end;
            if (nl) {
                if (!tooLong)
                    look(line);
                line.clear();
                tooLong = false;
            }
        }
    }
    if (found == 0 && seen < maxLines && !tooLong)
        look(line); // the last line, without a newline
    ::close(fd);
    return found;
}

LoadWorker::LoadWorker(QObject *parent) : QObject(parent) {}

void LoadWorker::load(const QString &path, int embeddingDim, const QString &embeddingsPath)
{
    QElapsedTimer clock;
    clock.start();
    try {
        LoadOptions options;
        int dim = embeddingDim > 0 ? embeddingDim : detectEmbeddingDim(path);
        if (dim == 0 && !embeddingsPath.isEmpty())
            dim = detectEmbeddingDim(embeddingsPath);
        options.embeddingsPath = embeddingsPath.toStdString();
        options.keepLineSpans = true; // so that the Review place can edit it without reading it again
        options.embeddingDim = dim > 0 ? dim : TrainConfig{}.embeddingDim;
        QElapsedTimer throttle;
        throttle.start();
        options.progress = [this, &throttle](uint64_t done, uint64_t total) {
            // The GUI needs ~20 updates a second, not one per chunk.
            if (throttle.elapsed() >= 50 || done == total) {
                throttle.restart();
                Q_EMIT progress(qint64(done), qint64(total));
            }
            return !m_stop.load();
        };
        auto ds = std::make_shared<Dataset>(loadDataset(path.toStdString(), options));
        if (m_stop)
            throw Cancelled();
        if (ds->pairs.empty()) {
            QStringList diagnostics;
            for (const Diagnostic &d : ds->skipped) {
                if (diagnostics.size() >= 200)
                    break;
                diagnostics << tr("line %1: %2").arg(d.line).arg(QString::fromStdString(d.reason));
            }
            Q_EMIT failed(path,
                          tr("%1 holds no valid pair (%2 lines skipped): the dataset shown before is kept.")
                              .arg(path)
                              .arg(ds->skipped.size()),
                          diagnostics);
            return;
        }
        Q_EMIT loaded(DatasetPtr(std::move(ds)), clock.elapsed());
    } catch (const Cancelled &) {
        Q_EMIT cancelled(path);
    } catch (const std::exception &e) {
        Q_EMIT failed(path, QString::fromStdString(e.what()), {});
    }
}

DatasetLoader::DatasetLoader(QObject *parent) : QObject(parent), m_worker(new LoadWorker)
{
    qRegisterMetaType<DatasetPtr>();
    m_thread.setObjectName(QStringLiteral("DatasetLoader"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &LoadWorker::progress, this, &DatasetLoader::progress);
    connect(m_worker, &LoadWorker::loaded, this, [this](const DatasetPtr &ds, qint64 ms) {
        onDone();
        if (!m_hasPending)
            Q_EMIT loaded(ds, ms);
        startNext();
    });
    connect(m_worker, &LoadWorker::failed, this,
            [this](const QString &path, const QString &message, const QStringList &d) {
                onDone();
                if (!m_hasPending)
                    Q_EMIT failed(path, message, d);
                startNext();
            });
    connect(m_worker, &LoadWorker::cancelled, this, [this](const QString &path) {
        onDone();
        if (!m_hasPending)
            Q_EMIT cancelled(path);
        startNext();
    });
    m_thread.start();
    QMetaObject::invokeMethod(
        m_worker, [] { lowerCurrentThreadPriority(); }, Qt::QueuedConnection);
}

DatasetLoader::~DatasetLoader()
{
    m_worker->requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

void DatasetLoader::load(const QString &path, int embeddingDim, const QString &embeddingsPath)
{
    m_pendingPath = path;
    m_pendingDim = embeddingDim;
    m_pendingEmbeddings = embeddingsPath;
    m_hasPending = true;
    if (m_busy)
        m_worker->requestInterruption(); // the answer to that load starts the pending one
    else
        startNext();
}

void DatasetLoader::cancel()
{
    m_hasPending = false;
    if (m_busy)
        m_worker->requestInterruption();
}

void DatasetLoader::onDone()
{
    m_busy = false;
}

void DatasetLoader::startNext()
{
    if (!m_hasPending || m_busy)
        return;
    m_hasPending = false;
    m_busy = true;
    m_worker->clearInterruption(); // here, not in load(): a Cancel pressed at once must count
    m_path = m_pendingPath;
    Q_EMIT started(m_path);
    const QString path = m_pendingPath;
    const int dim = m_pendingDim;
    m_embeddingsPath = m_pendingEmbeddings;
    const QString embeddings = m_pendingEmbeddings;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, path, dim, embeddings] { worker->load(path, dim, embeddings); },
        Qt::QueuedConnection);
}

} // namespace ranker::ui
