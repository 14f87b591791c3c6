#include "ui/ranking/rankingmodel.h"

#include <QBrush>
#include <QPalette>

#include <limits>
#include <utility>

namespace ranker::ui {

namespace {

QString number(double value, int decimals = 3)
{
    // U+2212 for negative numbers, as the rest of the studio writes them.
    QString text = QString::number(value, 'f', decimals);
    if (text.startsWith(QLatin1Char('-')))
        text.replace(0, 1, QChar(0x2212));
    return text;
}

/// The labels' rank, an item never compared after every compared one.
qint64 labelKey(const RankingRow &row)
{
    return row.compared() ? row.labelRank : std::numeric_limits<qint64>::max();
}

} // namespace

RankingTableModel::RankingTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void RankingTableModel::setResult(RankingResultPtr result)
{
    beginResetModel();
    m_result = std::move(result);
    endResetModel();
}

const RankingRow *RankingTableModel::rowAt(int row) const
{
    if (!m_result || row < 0 || row >= m_result->rows.size())
        return nullptr;
    return &m_result->rows[row];
}

int RankingTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_result ? 0 : int(m_result->rows.size());
}

int RankingTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RankingTableModel::data(const QModelIndex &index, int role) const
{
    const RankingRow *r = rowAt(index.row());
    if (!r)
        return {};
    const bool model = m_result->hasModel;
    switch (role) {
    case ItemIdRole:
        return r->id;
    case ItemTypeRole:
        return r->itemType;
    case ItemIndexRole:
        return r->item;
    case Qt::TextAlignmentRole:
        return index.column() == IdColumn || index.column() == TypeColumn ? int(Qt::AlignLeft | Qt::AlignVCenter)
                                                                          : int(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        // An item the labels never compared: its Bradley–Terry figures are the prior's, greyed.
        if (!r->compared() && index.column() >= LabelRankColumn && index.column() != IdColumn &&
            index.column() != TypeColumn && index.column() != ScoreColumn)
            return QPalette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::ToolTipRole:
        if (!r->compared())
            return tr("No labelled pair compares %1: the labels say nothing about it, and its strength is the "
                      "prior's, 0 ± %2.")
                .arg(r->id, number(1.96 * m_result->priorSd, 2));
        if (index.column() == DifferenceColumn && r->outsideInterval)
            return tr("The model ranks %1 at %2, outside the ranks its 95 % interval from the labels allows.")
                .arg(r->id)
                .arg(r->modelRank);
        return {};
    case SortRole:
        switch (index.column()) {
        case DifferenceColumn:
            return r->difference;
        case ModelRankColumn:
            return r->modelRank;
        case LabelRankColumn:
            return r->labelRank;
        case IdColumn:
            return r->id;
        case TypeColumn:
            return r->itemType;
        case ScoreColumn:
            return r->modelScore;
        case StrengthColumn:
            return r->strength;
        case IntervalColumn:
            return r->low;
        case ComparisonsColumn:
            return r->comparisons;
        case WinsColumn:
            return r->wins;
        default:
            return {};
        }
    case Qt::DisplayRole:
        switch (index.column()) {
        case DifferenceColumn:
            if (r->difference < 0)
                return QStringLiteral("–");
            return r->outsideInterval ? QStringLiteral("%1 *").arg(r->difference) : QString::number(r->difference);
        case ModelRankColumn:
            return model ? QString::number(r->modelRank) : QStringLiteral("–");
        case LabelRankColumn:
            return r->compared() ? QString::number(r->labelRank) : tr("not compared");
        case IdColumn:
            return r->id;
        case TypeColumn:
            return r->itemType.isEmpty() ? tr("(no type)") : r->itemType;
        case ScoreColumn:
            return model ? number(r->modelScore, 4) : QStringLiteral("–");
        case StrengthColumn:
            return r->compared() ? number(r->strength) : tr("%1 (prior)").arg(number(r->strength));
        case IntervalColumn:
            return QStringLiteral("[%1, %2]").arg(number(r->low, 2), number(r->high, 2));
        case ComparisonsColumn:
            return QString::number(r->comparisons);
        case WinsColumn:
            return QString::number(r->wins, 'g', 6);
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant RankingTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case DifferenceColumn:
            return tr("Difference");
        case ModelRankColumn:
            return tr("Model rank");
        case LabelRankColumn:
            return tr("Labels' rank");
        case IdColumn:
            return tr("Id");
        case TypeColumn:
            return tr("Item type");
        case ScoreColumn:
            return tr("Model score");
        case StrengthColumn:
            return tr("BT strength");
        case IntervalColumn:
            return tr("95 % interval");
        case ComparisonsColumn:
            return tr("Pairs");
        case WinsColumn:
            return tr("Wins");
        default:
            return {};
        }
    }
    if (role == Qt::InitialSortOrderRole) {
        // A click on a title: ranks and names from the top, differences and figures largest first.
        const bool ascending =
            section == ModelRankColumn || section == LabelRankColumn || section == IdColumn || section == TypeColumn;
        return int(ascending ? Qt::AscendingOrder : Qt::DescendingOrder);
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case DifferenceColumn:
            return tr("|model rank − labels' rank|, both counted among the items the labels compare; * the "
                      "model's rank is outside the ranks the item's 95 % interval allows");
        case ModelRankColumn:
            return tr("The run's model: every item by its score, highest first (as ranker-rank lists them)");
        case LabelRankColumn:
            return tr("Bradley–Terry fitted from the labels alone, strongest first, among the items they compare");
        case StrengthColumn:
            return tr("Bradley–Terry log-strength: P(i preferred to j) = sigmoid(si − sj)");
        case IntervalColumn:
            return tr("The strength's 95 % interval (± 1.96 standard errors)");
        case ComparisonsColumn:
            return tr("Labelled pairs the item is in (ties included)");
        case WinsColumn:
            return tr("Pairs the item won, a tie counting half");
        default:
            return {};
        }
    }
    return {};
}

RankingFilterModel::RankingFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(RankingTableModel::SortRole);
}

void RankingFilterModel::setItemType(const std::optional<QString> &type)
{
    if (type == m_type)
        return;
    m_type = type;
    invalidateFilter();
}

bool RankingFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_type)
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    return index.data(RankingTableModel::ItemTypeRole).toString() == *m_type;
}

bool RankingFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const auto *table = qobject_cast<const RankingTableModel *>(sourceModel());
    const RankingRow *a = table ? table->rowAt(left.row()) : nullptr;
    const RankingRow *b = table ? table->rowAt(right.row()) : nullptr;
    if (!a || !b)
        return QSortFilterProxyModel::lessThan(left, right);
    const bool descending = sortOrder() == Qt::DescendingOrder;
    // A row without the value sorted by goes last in either order (the view reverses lessThan
    // for a descending sort).
    auto missingLast = [descending](bool aMissing, bool bMissing) { return descending ? aMissing : bMissing; };
    switch (left.column()) {
    case RankingTableModel::DifferenceColumn:
        if ((a->difference < 0) != (b->difference < 0))
            return missingLast(a->difference < 0, b->difference < 0);
        if (a->difference != b->difference)
            return a->difference < b->difference;
        // Equal differences: the labels' stronger item first, whichever way the column is sorted.
        return descending ? labelKey(*a) > labelKey(*b) : labelKey(*a) < labelKey(*b);
    case RankingTableModel::ModelRankColumn:
        if ((a->modelRank == 0) != (b->modelRank == 0))
            return missingLast(a->modelRank == 0, b->modelRank == 0);
        return a->modelRank < b->modelRank;
    case RankingTableModel::LabelRankColumn:
        if (a->compared() != b->compared())
            return missingLast(!a->compared(), !b->compared());
        return a->labelRank < b->labelRank;
    default:
        return QSortFilterProxyModel::lessThan(left, right);
    }
}

} // namespace ranker::ui
