#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>

#include <atomic>
#include <memory>

namespace ranker {
struct Dataset;
}

namespace ranker::ui {

using DatasetPtr = std::shared_ptr<const ranker::Dataset>;

/**
 * The embedding dimension a JSONL file uses: the length of the first `embedding` array found in
 * its first `maxLines` non-blank lines (an item of a pair, or a bare item). 0 when none is found.
 * The engine checks every embedding against one D given up front; this is how the studio picks it.
 */
int detectEmbeddingDim(const QString &path, int maxLines = 200);

/// Reads a dataset on the thread it lives on. Use it through DatasetLoader.
class LoadWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadWorker)

public:
    explicit LoadWorker(QObject *parent = nullptr);

    /// Thread-safe: the load in progress stops at its next progress report.
    void requestInterruption() { m_stop = true; }
    void clearInterruption() { m_stop = false; }

public Q_SLOTS:
    /// @param embeddingDim D to check embeddings against; 0 detects it from the file (or from the
    ///        embeddings file when the dataset's items only carry an embedding_id).
    /// @param embeddingsPath JSONL of {"id", "embedding"} for such items, or empty.
    void load(const QString &path, int embeddingDim, const QString &embeddingsPath);

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    void loaded(const ranker::ui::DatasetPtr &dataset, qint64 milliseconds);
    /// The file could not be used: a read error, or no valid pair (then `diagnostics` lists why).
    void failed(const QString &path, const QString &message, const QStringList &diagnostics);
    void cancelled(const QString &path);

private:
    std::atomic_bool m_stop{false};
};

/// Loads datasets off the GUI thread, one at a time; owns the worker thread.
class DatasetLoader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatasetLoader)

public:
    explicit DatasetLoader(QObject *parent = nullptr);
    ~DatasetLoader() override;

    /// Starts loading `path`. A load already running is cancelled first.
    void load(const QString &path, int embeddingDim = 0, const QString &embeddingsPath = {});
    void cancel();
    bool isBusy() const { return m_busy; }
    QString currentPath() const { return m_path; }
    /// The embeddings file of the load in progress (or of the one just answered).
    QString currentEmbeddingsPath() const { return m_embeddingsPath; }

Q_SIGNALS:
    void started(const QString &path);
    void progress(qint64 done, qint64 total);
    void loaded(const ranker::ui::DatasetPtr &dataset, qint64 milliseconds);
    void failed(const QString &path, const QString &message, const QStringList &diagnostics);
    void cancelled(const QString &path);

private:
    void startNext();
    void onDone();

    QThread m_thread;
    LoadWorker *m_worker = nullptr;
    bool m_busy = false;
    QString m_path;
    QString m_pendingPath;
    int m_pendingDim = 0;
    QString m_pendingEmbeddings;
    QString m_embeddingsPath;
    bool m_hasPending = false;
};

} // namespace ranker::ui

Q_DECLARE_METATYPE(ranker::ui::DatasetPtr)
