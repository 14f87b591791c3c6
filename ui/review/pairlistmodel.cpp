#include "ui/review/pairlistmodel.h"

#include "core/label_document.h"
#include "ui/review/blindsession.h"
#include "ui/review/reviewdocument.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include <cmath>

namespace ranker::ui {

PairListModel::PairListModel(ReviewDocument *document, QObject *parent)
    : QAbstractTableModel(parent), m_document(document)
{
}

void PairListModel::setRows(QVector<int> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_position.assign(size_t(m_document->isOpen() ? m_document->data().rowCount() : 0), -1);
    for (int i = 0; i < m_rows.size(); ++i)
        if (size_t(m_rows[i]) < m_position.size())
            m_position[size_t(m_rows[i])] = i;
    endResetModel();
}

int PairListModel::positionOf(int row) const
{
    return row >= 0 && size_t(row) < m_position.size() ? m_position[size_t(row)] : -1;
}

void PairListModel::setScoreDiffs(const std::vector<double> *diffs)
{
    m_scoreDiffs = diffs;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, ScoreColumn), index(int(m_rows.size()) - 1, ScoreColumn));
}

void PairListModel::setBlind(bool blind)
{
    beginResetModel();
    m_blind = blind;
    endResetModel();
}

void PairListModel::refreshRow(int row)
{
    int at = positionOf(row);
    if (at >= 0)
        Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
}

int PairListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PairListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PairListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    int docRow = m_rows[index.row()];
    const LabelDocument &doc = m_document->data();
    const LabelDocument::Row &row = doc.row(docRow);
    const auto &items = doc.dataset().items;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case PairColumn:
            return docRow + 1;
        case LineColumn:
            return row.line >= 0 ? QVariant(qlonglong(row.line + 1)) : QVariant(QStringLiteral("new"));
        case ItemAColumn:
            return m_blind ? QStringLiteral("·") : QString::fromStdString(items[size_t(row.a)].id);
        case ItemBColumn:
            return m_blind ? QStringLiteral("·") : QString::fromStdString(items[size_t(row.b)].id);
        case LabelColumn:
            if (row.removed)
                return QStringLiteral("removed");
            if (m_blind) // only whether the reviewer has answered the pair blind
                return m_blindAnswers && m_blindAnswers->hasAnswer(docRow) ? QStringLiteral("answered") : QString();
            return row.label > 0   ? QStringLiteral("A ▲ 1")
                   : row.label < 0 ? QStringLiteral("B ▲ −1")
                                   : QStringLiteral("= 0");
        case TagsColumn: {
            if (m_blind)
                return {};
            QStringList tags;
            for (const auto &t : row.tags)
                tags << QString::fromStdString(t);
            return tags.join(QStringLiteral(", "));
        }
        case ScoreColumn:
            if (!m_blind && m_scoreDiffs && size_t(docRow) < m_scoreDiffs->size() &&
                !std::isnan((*m_scoreDiffs)[size_t(docRow)]))
                return QString::number((*m_scoreDiffs)[size_t(docRow)], 'f', 3);
            return {};
        default:
            return {};
        }
    }
    if (role == Qt::FontRole && (row.changedInSession() || row.removed)) {
        QFont font;
        font.setBold(row.changedInSession());
        font.setStrikeOut(row.removed);
        return font;
    }
    if (role == Qt::ForegroundRole && index.column() == LabelColumn && !m_blind)
        return QBrush(row.label > 0   ? QColor(0x17, 0x80, 0x3d)
                      : row.label < 0 ? QColor(0x1f, 0x5f, 0xbf)
                                      : QColor(0x9a, 0x70, 0x00));
    if (role == Qt::BackgroundRole && row.reviewed && !row.removed)
        return QBrush(QColor(0xee, 0xf6, 0xee));
    if (role == Qt::TextAlignmentRole &&
        (index.column() == PairColumn || index.column() == LineColumn || index.column() == ScoreColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant PairListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PairColumn:
        return QStringLiteral("Pair");
    case LineColumn:
        return QStringLiteral("Line");
    case ItemAColumn:
        return QStringLiteral("Item A");
    case ItemBColumn:
        return QStringLiteral("Item B");
    case LabelColumn:
        return QStringLiteral("Label");
    case TagsColumn:
        return QStringLiteral("Reason tags");
    case ScoreColumn:
        return QStringLiteral("score_diff");
    default:
        return {};
    }
}

} // namespace ranker::ui
