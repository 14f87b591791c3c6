#include "ui/review/reviewdocument.h"

#include "core/error.h"
#include "core/label_document.h"

#include <QUndoCommand>
#include <QUndoStack>

namespace ranker::ui {

namespace {

std::vector<std::string> toStd(const QStringList &list)
{
    std::vector<std::string> out;
    out.reserve(size_t(list.size()));
    for (const QString &s : list)
        out.push_back(s.toStdString());
    return out;
}

QStringList toQt(const std::vector<std::string> &list)
{
    QStringList out;
    for (const std::string &s : list)
        out << QString::fromStdString(s);
    return out;
}

QString labelName(int label)
{
    return label > 0   ? QStringLiteral("A preferred")
           : label < 0 ? QStringLiteral("B preferred")
                       : QStringLiteral("equal");
}

class SetLabelCommand final : public QUndoCommand
{
public:
    SetLabelCommand(ReviewDocument *doc, int row, int label)
        : m_doc(doc), m_row(row), m_label(label), m_oldLabel(doc->data().row(row).label),
          m_oldReviewed(doc->data().row(row).reviewed)
    {
        setText(QStringLiteral("label pair %1 %2").arg(row + 1).arg(labelName(label)));
    }
    void redo() override { m_doc->applyLabel(m_row, m_label, true); }
    void undo() override { m_doc->applyLabel(m_row, m_oldLabel, m_oldReviewed); }

private:
    ReviewDocument *m_doc;
    int m_row, m_label, m_oldLabel;
    bool m_oldReviewed;
};

class SetTagsCommand final : public QUndoCommand
{
public:
    SetTagsCommand(ReviewDocument *doc, int row, const QStringList &tags)
        : m_doc(doc), m_row(row), m_tags(tags), m_oldTags(toQt(doc->data().row(row).tags))
    {
        setText(QStringLiteral("reason tags of pair %1").arg(row + 1));
    }
    void redo() override { m_doc->applyTags(m_row, m_tags); }
    void undo() override { m_doc->applyTags(m_row, m_oldTags); }

private:
    ReviewDocument *m_doc;
    int m_row;
    QStringList m_tags, m_oldTags;
};

class RemovePairCommand final : public QUndoCommand
{
public:
    RemovePairCommand(ReviewDocument *doc, int row) : m_doc(doc), m_row(row)
    {
        setText(QStringLiteral("remove pair %1").arg(row + 1));
    }
    void redo() override { m_doc->applyRemoved(m_row, true); }
    void undo() override { m_doc->applyRemoved(m_row, false); }

private:
    ReviewDocument *m_doc;
    int m_row;
};

class AddPairCommand final : public QUndoCommand
{
public:
    AddPairCommand(ReviewDocument *doc, int row) : m_doc(doc), m_row(row)
    {
        setText(QStringLiteral("add pair %1").arg(row + 1));
    }
    // The pair is added before the command is pushed; redo after an undo brings it back.
    void redo() override
    {
        if (m_undone)
            m_doc->applyRemoved(m_row, false);
    }
    void undo() override
    {
        m_undone = true;
        m_doc->applyRemoved(m_row, true);
    }

private:
    ReviewDocument *m_doc;
    int m_row;
    bool m_undone = false;
};

} // namespace

ReviewDocument::ReviewDocument(QObject *parent)
    : QObject(parent), m_doc(std::make_unique<LabelDocument>()), m_undo(new QUndoStack(this))
{
    connect(m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) { Q_EMIT modifiedChanged(!clean); });
}

ReviewDocument::~ReviewDocument() = default;

QString ReviewDocument::open(const QString &path, int embeddingDim)
{
    auto doc = std::make_unique<LabelDocument>();
    try {
        doc->open(path.toStdString(), embeddingDim);
    } catch (const std::exception &e) {
        return QString::fromStdString(e.what());
    }
    m_doc = std::move(doc);
    m_open = true;
    m_undo->clear();
    Q_EMIT reset();
    return {};
}

void ReviewDocument::adopt(std::shared_ptr<LabelDocument> document)
{
    m_doc = std::move(document);
    m_open = true;
    m_undo->clear();
    Q_EMIT reset();
}

bool ReviewDocument::isOpen() const
{
    return m_open;
}

QString ReviewDocument::path() const
{
    return QString::fromStdString(m_doc->path());
}

void ReviewDocument::setLabel(int row, int label)
{
    m_undo->push(new SetLabelCommand(this, row, label));
}

void ReviewDocument::setTags(int row, const QStringList &tags)
{
    if (toQt(m_doc->row(row).tags) == tags)
        return;
    m_undo->push(new SetTagsCommand(this, row, tags));
}

void ReviewDocument::removePair(int row)
{
    if (m_doc->row(row).removed)
        return;
    m_undo->push(new RemovePairCommand(this, row));
}

int ReviewDocument::addPair(int itemA, int itemB, int label, const QStringList &tags, QString *error)
{
    int row = -1;
    try {
        row = applyAdd(itemA, itemB, label, tags);
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return -1;
    }
    m_undo->push(new AddPairCommand(this, row));
    return row;
}

bool ReviewDocument::hasUnsavedChanges() const
{
    return m_open && m_doc->hasUnsavedChanges();
}

qint64 ReviewDocument::pendingJournalEdits() const
{
    return m_open ? qint64(m_doc->pendingJournalEdits()) : 0;
}

QString ReviewDocument::replayJournal()
{
    QString error;
    try {
        m_doc->replayJournal();
    } catch (const std::exception &e) {
        error = QString::fromStdString(e.what());
    }
    Q_EMIT reset();
    Q_EMIT modifiedChanged(hasUnsavedChanges());
    return error;
}

void ReviewDocument::discardJournal()
{
    if (m_open)
        m_doc->discardJournal();
}

QString ReviewDocument::save(bool overwriteChangedFile, SaveConflict *conflict)
{
    return write(path(), overwriteChangedFile, conflict);
}

QString ReviewDocument::saveAs(const QString &path)
{
    return write(path, false, nullptr);
}

int ReviewDocument::carryOver(const std::vector<PairEdit> &edits)
{
    const int unmatched = int(m_doc->applyEdits(edits).size());
    Q_EMIT reset();
    Q_EMIT modifiedChanged(hasUnsavedChanges());
    return unmatched;
}

QString ReviewDocument::write(const QString &path, bool overwriteChangedFile, SaveConflict *conflict)
{
    if (conflict)
        *conflict = SaveConflict::None;
    try {
        if (path == this->path())
            m_doc->save(overwriteChangedFile);
        else
            m_doc->saveAs(path.toStdString());
    } catch (const FileChangedOnDisk &e) {
        if (conflict)
            *conflict = e.canOverwrite ? SaveConflict::ChangedOnDisk : SaveConflict::RewrittenOnDisk;
        return QString::fromStdString(e.what());
    } catch (const std::exception &e) {
        return QString::fromStdString(e.what());
    }
    if (m_doc->rowsCompacted()) {
        // Removed pairs are gone from the file and rows were renumbered: the old commands no
        // longer point at the right rows.
        m_undo->clear();
        Q_EMIT reset();
    } else {
        m_undo->setClean();
    }
    Q_EMIT saved(path);
    Q_EMIT modifiedChanged(false);
    return {};
}

QString ReviewDocument::exportRows(const QString &path, const QVector<int> &rows) const
{
    try {
        m_doc->exportRows(path.toStdString(), std::vector<int32_t>(rows.begin(), rows.end()));
    } catch (const std::exception &e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

void ReviewDocument::applyLabel(int row, int label, bool reviewed)
{
    m_doc->setLabel(row, label);
    m_doc->setReviewed(row, reviewed);
    Q_EMIT rowChanged(row);
}

void ReviewDocument::applyTags(int row, const QStringList &tags)
{
    m_doc->setTags(row, toStd(tags));
    Q_EMIT rowChanged(row);
}

void ReviewDocument::applyRemoved(int row, bool removed)
{
    m_doc->setRemoved(row, removed);
    Q_EMIT rowChanged(row);
}

int ReviewDocument::applyAdd(int itemA, int itemB, int label, const QStringList &tags)
{
    int row = m_doc->addPair(itemA, itemB, label, toStd(tags));
    Q_EMIT rowAdded(row);
    return row;
}

} // namespace ranker::ui
