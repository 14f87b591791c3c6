#pragma once

#include "ui/datasetloader.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

namespace ranker::ui {

/// The valid pairs of a dataset, one row each, in file order.
class PairsTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PairsTableModel)

public:
    enum Column {
        LineColumn,
        LabelColumn,
        ItemAColumn,
        TypeAColumn,
        ItemBColumn,
        TypeBColumn,
        TagsColumn,
        SimilarityColumn,
        ColumnCount
    };
    /// Raw values for sorting and filtering (numbers stay numbers).
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int LabelRole = Qt::UserRole + 2;

    explicit PairsTableModel(QObject *parent = nullptr);

    /// Replaces all rows in one reset.
    void setDataset(const DatasetPtr &dataset);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Orders two rows by `column` on the raw data: no QVariant per comparison, so sorting
    /// 100 000 pairs stays well under the GUI thread's frame budget.
    bool rowLessThan(int left, int right, int column) const;

private:
    DatasetPtr m_dataset;
};

/// Filters pairs by a label and by text found in ids, item types or reason tags.
class PairsFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PairsFilterProxy)

public:
    explicit PairsFilterProxy(QObject *parent = nullptr);

    /// Shows only pairs with this label; any other value than -1, 0, 1 shows all.
    void setLabelFilter(int label);
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    int m_label = 2;
    QString m_text;
};

} // namespace ranker::ui
