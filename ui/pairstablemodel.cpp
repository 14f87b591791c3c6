#include "ui/pairstablemodel.h"

#include "core/dataset.h"

namespace ranker::ui {

namespace {
QString labelText(int label)
{
    switch (label) {
    case 1:
        return PairsTableModel::tr("1 · A preferred");
    case -1:
        return PairsTableModel::tr("−1 · B preferred");
    default:
        return PairsTableModel::tr("0 · equal");
    }
}
} // namespace

PairsTableModel::PairsTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void PairsTableModel::setDataset(const DatasetPtr &dataset)
{
    beginResetModel();
    m_dataset = dataset;
    endResetModel();
}

int PairsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_dataset ? 0 : int(m_dataset->pairs.size());
}

int PairsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PairsTableModel::data(const QModelIndex &index, int role) const
{
    if (!m_dataset || !index.isValid() || index.row() >= int(m_dataset->pairs.size()))
        return {};
    const Pair &p = m_dataset->pairs[size_t(index.row())];
    const Item &a = m_dataset->items[size_t(p.a)];
    const Item &b = m_dataset->items[size_t(p.b)];
    if (role == LabelRole)
        return int(p.label);
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == LineColumn || index.column() == SimilarityColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case LineColumn:
        return qlonglong(p.line);
    case LabelColumn:
        return role == SortRole ? QVariant(int(p.label)) : QVariant(labelText(p.label));
    case ItemAColumn:
        return QString::fromStdString(a.id);
    case TypeAColumn:
        return QString::fromStdString(a.itemType);
    case ItemBColumn:
        return QString::fromStdString(b.id);
    case TypeBColumn:
        return QString::fromStdString(b.itemType);
    case TagsColumn: {
        QStringList tags;
        for (int t : p.reasonTags)
            tags << QString::fromStdString(m_dataset->reasonTagNames[size_t(t)]);
        return tags.join(QStringLiteral(", "));
    }
    case SimilarityColumn:
        if (!p.hasSimilarity)
            return role == SortRole ? QVariant(-1e300) : QVariant();
        return p.similarity;
    default:
        return {};
    }
}

QVariant PairsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case LineColumn:
        return tr("Line");
    case LabelColumn:
        return tr("Label");
    case ItemAColumn:
        return tr("Item A");
    case TypeAColumn:
        return tr("Type A");
    case ItemBColumn:
        return tr("Item B");
    case TypeBColumn:
        return tr("Type B");
    case TagsColumn:
        return tr("Reason tags");
    case SimilarityColumn:
        return tr("Similarity");
    default:
        return {};
    }
}

bool PairsTableModel::rowLessThan(int left, int right, int column) const
{
    const Pair &l = m_dataset->pairs[size_t(left)];
    const Pair &r = m_dataset->pairs[size_t(right)];
    auto byLine = [&] { return l.line < r.line; };
    switch (column) {
    case LabelColumn:
        return l.label != r.label ? l.label < r.label : byLine();
    case ItemAColumn:
    case TypeAColumn:
    case ItemBColumn:
    case TypeBColumn: {
        const Item &li = m_dataset->items[size_t(column <= TypeAColumn ? l.a : l.b)];
        const Item &ri = m_dataset->items[size_t(column <= TypeAColumn ? r.a : r.b)];
        const std::string &ls = (column == ItemAColumn || column == ItemBColumn) ? li.id : li.itemType;
        const std::string &rs = (column == ItemAColumn || column == ItemBColumn) ? ri.id : ri.itemType;
        const int c = ls.compare(rs);
        return c != 0 ? c < 0 : byLine();
    }
    case TagsColumn:
        return l.reasonTags != r.reasonTags ? l.reasonTags < r.reasonTags : byLine();
    case SimilarityColumn: {
        const double ls = l.hasSimilarity ? l.similarity : -1e300;
        const double rs = r.hasSimilarity ? r.similarity : -1e300;
        return ls != rs ? ls < rs : byLine();
    }
    default:
        return byLine();
    }
}

PairsFilterProxy::PairsFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(PairsTableModel::SortRole);
}

void PairsFilterProxy::setLabelFilter(int label)
{
    if (label == m_label)
        return;
    m_label = label;
    invalidateFilter();
}

void PairsFilterProxy::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateFilter();
}

bool PairsFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (auto *pairs = qobject_cast<const PairsTableModel *>(sourceModel()))
        return pairs->rowLessThan(left.row(), right.row(), left.column());
    return QSortFilterProxyModel::lessThan(left, right);
}

bool PairsFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *model = sourceModel();
    if (m_label >= -1 && m_label <= 1) {
        if (model->index(sourceRow, 0, sourceParent).data(PairsTableModel::LabelRole).toInt() != m_label)
            return false;
    }
    if (m_text.isEmpty())
        return true;
    for (int column :
         {int(PairsTableModel::ItemAColumn), int(PairsTableModel::TypeAColumn), int(PairsTableModel::ItemBColumn),
          int(PairsTableModel::TypeBColumn), int(PairsTableModel::TagsColumn), int(PairsTableModel::LineColumn)}) {
        if (model->index(sourceRow, column, sourceParent).data().toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace ranker::ui
