#pragma once
// The document the Review panel edits: core's LabelDocument with its undo stack and signals.

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

class QUndoStack;

namespace ranker {
class LabelDocument;
struct PairEdit;
} // namespace ranker

namespace ranker::ui {

/// Owns the file being reviewed and its QUndoStack; every edit is a QUndoCommand. Views listen
/// to this object's signals, never to the stack.
class ReviewDocument final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewDocument)

public:
    explicit ReviewDocument(QObject *parent = nullptr);
    ~ReviewDocument() override;

    /// Opens `path` (on the calling thread). @return an error message, empty on success.
    QString open(const QString &path, int embeddingDim);
    /// Takes over a document opened elsewhere (e.g. on a worker thread).
    void adopt(std::shared_ptr<LabelDocument> document);
    bool isOpen() const;
    QString path() const;

    const LabelDocument &data() const { return *m_doc; }
    LabelDocument &data() { return *m_doc; }
    QUndoStack *undoStack() const { return m_undo; }

    // Edits, each pushed on the undo stack.
    /// Sets the label and marks the row reviewed (labelling with the same label confirms it).
    void setLabel(int row, int label);
    void setTags(int row, const QStringList &tags);
    void removePair(int row);
    /// @return the new row, or -1 with `error` set.
    int addPair(int itemA, int itemB, int label, const QStringList &tags, QString *error = nullptr);

    bool hasUnsavedChanges() const;
    /// Edits waiting in a journal left by a session that did not save (0: none).
    qint64 pendingJournalEdits() const;
    /// Applies them (not undoable: they are the starting point). @return an error, empty on success.
    QString replayJournal();
    void discardJournal();
    /// Why a save was refused because of another program (see LabelDocument::DiskState).
    enum class SaveConflict {
        None,
        ChangedOnDisk,   ///< the file was replaced: save(true) may overwrite it
        RewrittenOnDisk, ///< rewritten in place: only a reload (carrying the edits over) helps
    };
    /// @param overwriteChangedFile write over a version another program put there (kept as .bak).
    /// @param conflict set when the save was refused because the file changed on disk.
    /// @return an error message, empty on success.
    QString save(bool overwriteChangedFile = false, SaveConflict *conflict = nullptr);
    QString saveAs(const QString &path);
    /// Applies edits made to another version of the file (after a reload); not undoable.
    /// @return how many found no pair in this version.
    int carryOver(const std::vector<ranker::PairEdit> &edits);
    QString exportRows(const QString &path, const QVector<int> &rows) const;

    // Used by the undo commands.
    void applyLabel(int row, int label, bool reviewed);
    void applyTags(int row, const QStringList &tags);
    void applyRemoved(int row, bool removed);
    int applyAdd(int itemA, int itemB, int label, const QStringList &tags);

Q_SIGNALS:
    /// Everything changed: a file was opened, a journal replayed or a save renumbered rows.
    void reset();
    void rowChanged(int row);
    void rowAdded(int row);
    void modifiedChanged(bool modified);
    void saved(const QString &path);

private:
    QString write(const QString &path, bool overwriteChangedFile, SaveConflict *conflict);

    std::shared_ptr<LabelDocument> m_doc;
    QUndoStack *m_undo = nullptr;
    bool m_open = false;
};

} // namespace ranker::ui
