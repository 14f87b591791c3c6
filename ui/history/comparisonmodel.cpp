#include "ui/history/comparisonmodel.h"

#include "ui/history/elidedtext.h"
#include "ui/numberformat.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace ranker::ui {

namespace {

bool isAccuracyKey(const std::string &key)
{
    const std::string suffix = "accuracy";
    return key.size() >= suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

ComparisonModel::ComparisonModel(QObject *parent) : QAbstractTableModel(parent) {}

void ComparisonModel::setComparison(std::vector<ComparisonRow> rows, QStringList runNames)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_runNames = std::move(runNames);
    endResetModel();
}

int ComparisonModel::rowOfKey(const QString &key) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (QString::fromStdString(m_rows[i].key) == key)
            return int(i);
    return -1;
}

int ComparisonModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ComparisonModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || m_runNames.isEmpty() ? 0 : 1 + int(m_runNames.size());
}

QVariant ComparisonModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return QVariant();
    const ComparisonRow &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == 0)
            return QString::fromStdString(row.label);
        if (size_t(index.column() - 1) < row.values.size()) {
            const std::string &value = row.values[size_t(index.column() - 1)];
            // Accuracies as everywhere else ("97.5 %"); the CSV keeps the plain number.
            if (isAccuracyKey(row.key) && !value.empty())
                return percentText(QString::fromStdString(value).toDouble());
            return elidedText(value);
        }
        return QVariant();
    case DiffersRole:
        return row.differs;
    case KeyRole:
        return QString::fromStdString(row.key);
    case HyperparameterRole:
        return row.hyperparameter;
    case Qt::BackgroundRole:
        if (row.differs)
            return QBrush(index.column() == 0 ? QColor(0xff, 0xe0, 0x8a) : QColor(0xff, 0xf2, 0xc4));
        return QVariant();
    case Qt::ForegroundRole:
        // The highlight is light whatever the theme: keep the text dark on it.
        return row.differs ? QVariant(QBrush(QColor(0x20, 0x20, 0x20))) : QVariant();
    case Qt::FontRole:
        if (index.column() == 0 || row.differs) {
            QFont font;
            font.setBold(row.differs);
            font.setItalic(index.column() == 0 && !row.hyperparameter);
            return font;
        }
        return QVariant();
    case Qt::ToolTipRole:
        if (index.column() == 0)
            return tr("%1 (%2)%3")
                .arg(QString::fromStdString(row.key), row.hyperparameter ? tr("setting") : tr("result"),
                     row.differs ? tr(": differs between the runs") : QString());
        return QVariant();
    default:
        return QVariant();
    }
}

QVariant ComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == 0)
        return tr("Field");
    return section - 1 < m_runNames.size() ? m_runNames.at(section - 1) : QVariant();
}

DifferencesFilterModel::DifferencesFilterModel(QObject *parent) : QSortFilterProxyModel(parent) {}

void DifferencesFilterModel::setDifferencesOnly(bool on)
{
    m_differencesOnly = on;
    invalidateRowsFilter();
}

bool DifferencesFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_differencesOnly)
        return true;
    return sourceModel()->index(sourceRow, 0, sourceParent).data(ComparisonModel::DiffersRole).toBool();
}

} // namespace ranker::ui
